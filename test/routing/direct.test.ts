// `provider:model_name` as the client's model: straight to that provider's model with the
// secret named `default-<provider>` (or the client's own key when that secret is !PASSTHRU);
// without such a secret, a 400 in the client's dialect.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, type GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { assertDialectError, ERROR_TYPES, post } from '../passthrough/helpers.ts';
import { CLIENT_KEY, recorder, sdkClients } from '../sdk/sdk-helpers.ts';
import { DEFAULT_STREAM_TEXT, DEFAULT_TEXT, routedBy } from './clients.ts';
import { providerError, type RoutingRig, startRoutingRig } from './rig.ts';

let rig: RoutingRig;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;
const rec = recorder();

const SECRET_KEY: Record<'openai' | 'gemini', string> = {
  openai: 'sk-default-openai-000000000001',
  gemini: 'AIza-default-gemini-0000000002',
};

/** The secret `default-<suffix>`, of `provider` (the suffix unless given), pointing at fake a. */
async function defaultSecret(suffix: string, value: Record<string, unknown>, provider: string = suffix) {
  const base = provider === 'anthropic' || provider === 'gemini' ? rig.a.url : `${rig.a.url}/v1`;
  const reply = await rig.gw.call('POST', '/api/v1/secrets', {
    name: `default-${suffix}`,
    provider,
    value,
    auth_config: { api_base: base },
  });
  assert.equal(reply.status, 201, reply.text);
}

before(async () => {
  rig = await startRoutingRig();
  ({ openai, anthropic, gemini } = sdkClients(rig.gw.url, rec.fetch));
  await defaultSecret('openai', { api_key: SECRET_KEY.openai });
  await defaultSecret('gemini', { api_key: SECRET_KEY.gemini });
  await defaultSecret('anthropic', { api_key: '!PASSTHRU' });
  // A local OpenAI-compatible server that needs no key.
  const ollama = await rig.gw.call('POST', '/api/v1/secrets', {
    name: 'default-ollama',
    provider: 'ollama',
    auth_config: { api_base: `${rig.a.url}/v1` },
  });
  assert.equal(ollama.status, 201, ollama.text);
});
after(() => rig.close());
beforeEach(() => rig.reset());

function upstreamModel(): unknown {
  return (rig.a.lastRequest()?.json as { model?: unknown } | undefined)?.model;
}

describe('provider:model_name routes straight to the provider', () => {
  it('OpenAI SDK, openai:gpt-4o → the default-openai key, model gpt-4o', async () => {
    const reply = await openai.chat.completions.create({
      model: 'openai:gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(reply.choices[0]?.message.content, DEFAULT_TEXT);
    const upstream = rig.a.lastRequest();
    assert.equal(upstream?.path, '/v1/chat/completions');
    assert.equal(upstream?.headers['authorization'], `Bearer ${SECRET_KEY.openai}`);
    assert.equal(upstreamModel(), 'gpt-4o');
    const headers = rec.lastHeaders();
    assert.equal(headers.get('x-switchyard-endpoint'), 'openai:gpt-4o');
    assert.deepEqual(routedBy(headers), { model: 'openai:gpt-4o', attempts: '1' });
  });

  it('OpenAI SDK, streamed', async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, DEFAULT_STREAM_TEXT);
    assert.equal(upstreamModel(), 'gpt-4o-mini');
  });

  it('Gemini SDK, gemini:gemini-2.5-pro → the model in the upstream path, the default-gemini key', async () => {
    const reply = await gemini.models.generateContent({ model: 'gemini:gemini-2.5-pro', contents: 'hi' });
    assert.equal(reply.text, DEFAULT_TEXT);
    const upstream = rig.a.lastRequest();
    assert.match(upstream?.path ?? '', /^\/v1(beta)?\/models\/gemini-2\.5-pro:generateContent$/);
    assert.equal(upstream?.headers['x-goog-api-key'], SECRET_KEY.gemini);
    assert.equal(rec.lastHeaders().get('x-switchyard-model'), 'gemini:gemini-2.5-pro');
  });

  it('the model name is everything after the first colon (ollama:llama3.1:8b)', async () => {
    const reply = await openai.chat.completions.create({
      model: 'ollama:llama3.1:8b',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(reply.choices[0]?.message.content, DEFAULT_TEXT);
    assert.equal(upstreamModel(), 'llama3.1:8b');
    assert.equal(rig.a.lastRequest()?.headers['authorization'], undefined, 'a keyless secret sends no key');
  });

  it('a direct route has no fallback or retries: an upstream 503 is the answer, after one attempt', async () => {
    rig.a.enqueue(providerError('openai', 503, 'overloaded'));
    const reply = await post(
      rig.gw.url,
      '/v1/chat/completions',
      JSON.stringify({ model: 'openai:gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    );
    assert.equal(reply.status, 503);
    assert.equal(reply.headers.get('x-switchyard-attempts'), '1');
    assert.equal(rig.a.requests.length, 1);
  });

  it("a change to the default secret's key is used from the next request on", async () => {
    const patched = await rig.gw.call('PATCH', '/api/v1/secrets/default-openai', {
      value: { api_key: 'sk-default-openai-rotated-0003' },
    });
    assert.equal(patched.status, 200, patched.text);
    await openai.chat.completions.create({
      model: 'openai:gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(rig.a.lastRequest()?.headers['authorization'], 'Bearer sk-default-openai-rotated-0003');
    const restored = await rig.gw.call('PATCH', '/api/v1/secrets/default-openai', {
      value: { api_key: SECRET_KEY.openai },
    });
    assert.equal(restored.status, 200, restored.text);
  });
});

describe('provider:model_name with a !PASSTHRU default secret', () => {
  it("Anthropic SDK: the client's own key goes upstream as x-api-key", async () => {
    const reply = await anthropic.messages.create({
      model: 'anthropic:claude-opus-4-1',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(reply.content[0]?.type === 'text' ? reply.content[0].text : '', DEFAULT_TEXT);
    const upstream = rig.a.lastRequest();
    assert.equal(upstream?.path, '/v1/messages');
    assert.equal(upstream?.headers['x-api-key'], CLIENT_KEY);
    assert.equal(upstreamModel(), 'claude-opus-4-1');
  });

  it('no client key: 401 in the Anthropic dialect, nothing sent upstream', async () => {
    const reply = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({
        model: 'anthropic:claude-opus-4-1',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    assertDialectError('anthropic', reply, 401, {
      type: ERROR_TYPES.unauthorized.anthropic,
      message: /x-api-key/,
    });
    assert.equal(rig.a.requests.length, 0);
  });
});

describe('provider:model_name that cannot be routed', () => {
  it('OpenAI SDK: no default-groq secret → 400 BadRequestError naming the secret, param model', async () => {
    await assert.rejects(
      openai.chat.completions.create({
        model: 'groq:llama-3.3-70b',
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError, String(error));
        assert.match(error.message, /default-groq/);
        assert.equal(error.param, 'model');
        return true;
      },
    );
    assert.equal(rig.a.requests.length, 0);
  });

  it('Anthropic SDK: no default-xai secret → 400 invalid_request_error', async () => {
    await assert.rejects(
      anthropic.messages.create({
        model: 'xai:grok-4',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.BadRequestError, String(error));
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, /default-xai/);
        return true;
      },
    );
  });

  it('Gemini SDK: no default-mistral secret → ApiError 400 INVALID_ARGUMENT', async () => {
    await assert.rejects(
      gemini.models.generateContent({ model: 'mistral:mistral-large-latest', contents: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof ApiError, String(error));
        assert.equal(error.status, 400);
        assert.match(error.message, /INVALID_ARGUMENT/);
        assert.match(error.message, /default-mistral/);
        return true;
      },
    );
  });

  it('a default-<provider> secret of another provider is refused with 400, naming both', async () => {
    await defaultSecret('together', { api_key: 'sk-not-together-0000000004' }, 'openai');
    const reply = await post(
      rig.gw.url,
      '/v1/chat/completions',
      JSON.stringify({ model: 'together:llama', messages: [{ role: 'user', content: 'x' }] }),
    );
    assertDialectError('openai', reply, 400, {
      type: ERROR_TYPES.invalid.openai,
      message: /default-together.*'openai'.*'together'/,
    });
    assert.equal(rig.a.requests.length, 0);
  });

  for (const model of ['nosuch:model', ':gpt-4o', 'openai:']) {
    it(`'${model}' names no provider model: 404 like any unknown endpoint`, async () => {
      const reply = await post(
        rig.gw.url,
        '/v1/chat/completions',
        JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
      );
      assertDialectError('openai', reply, 404, { type: ERROR_TYPES.notFound.openai });
    });
  }

  it('once the default secret is deleted, the direct route is a 400 again', async () => {
    await defaultSecret('deepseek', { api_key: 'sk-deepseek-00000000005' });
    const body = JSON.stringify({
      model: 'deepseek:deepseek-chat',
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal((await post(rig.gw.url, '/v1/chat/completions', body)).status, 200);
    assert.equal(upstreamModel(), 'deepseek-chat');
    assert.equal((await rig.gw.call('DELETE', '/api/v1/secrets/default-deepseek')).status, 204);
    const gone = await post(rig.gw.url, '/v1/chat/completions', body);
    assertDialectError('openai', gone, 400, {
      type: ERROR_TYPES.invalid.openai,
      message: /default-deepseek/,
    });
  });
});
