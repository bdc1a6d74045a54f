// Requests a translated backend cannot honour are refused by the gateway with a 400 in the
// client's dialect that names the feature, and nothing is sent upstream.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { FULL_VALIDATION_BYTES } from '../../src/inbound/request-shape.ts';
import { recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { at, type Backend } from './support.ts';

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return assert.fail('the request was accepted');
}

function noUpstream(): void {
  assert.equal(rig.fake.requests.length, 0, 'nothing was sent to the backend');
}

/** An Anthropic-shaped 400 whose message matches `pattern`. */
function anthropic400(error: unknown, pattern: RegExp): void {
  assert.ok(error instanceof Anthropic.BadRequestError, `BadRequestError, got ${String(error)}`);
  assert.equal(error.status, 400);
  assert.equal(at(error.error, 'type'), 'error');
  assert.equal(at(error.error, 'error', 'type'), 'invalid_request_error');
  assert.match(String(at(error.error, 'error', 'message')), pattern);
}

/** An OpenAI-shaped 400 whose message matches `pattern` (and param, when given). */
function openai400(error: unknown, pattern: RegExp, param?: string): void {
  assert.ok(error instanceof OpenAI.BadRequestError, `BadRequestError, got ${String(error)}`);
  assert.equal(error.status, 400);
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, pattern);
  if (param !== undefined) assert.equal(error.param, param);
}

/** A Gemini-shaped 400 whose message matches `pattern`. */
function gemini400(error: unknown, pattern: RegExp): void {
  assert.ok(error instanceof ApiError, `ApiError, got ${String(error)}`);
  assert.equal(error.status, 400);
  const body: unknown = JSON.parse(error.message);
  assert.equal(at(body, 'error', 'status'), 'INVALID_ARGUMENT');
  assert.match(String(at(body, 'error', 'message')), pattern);
}

describe('Anthropic server tools cannot run on other backends', () => {
  for (const model of ['vl', 'gm'] as const satisfies readonly Backend[]) {
    for (const stream of [false, true]) {
      test(`web_search to ${model}${stream ? ' (streamed)' : ''}: 400 naming it`, async () => {
        const params = {
          model,
          max_tokens: 256,
          messages: [{ role: 'user' as const, content: 'Weather in Paris today?' }],
          tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 3 }],
        };
        const error = await thrown(() =>
          stream
            ? sdks.anthropic.messages.stream(params).finalMessage()
            : sdks.anthropic.messages.create(params),
        );
        anthropic400(error, /web_search/);
        noUpstream();
      });
    }
  }

  test('web_search beside a custom tool to vl: still refused, the custom tool does not hide it', async () => {
    const error = await thrown(() =>
      sdks.anthropic.messages.create({
        model: 'vl',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [
          { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
          { type: 'web_search_20250305', name: 'web_search' },
        ],
      }),
    );
    anthropic400(error, /web_search/);
    noUpstream();
  });
});

describe('n > 1 to a backend that answers one candidate', () => {
  for (const model of ['an', 'gm'] as const) {
    test(`chat n=2 to ${model}: 400 on n`, async () => {
      const error = await thrown(() =>
        sdks.openai.chat.completions.create({ model, n: 2, messages: [{ role: 'user', content: 'Hi' }] }),
      );
      openai400(error, /\bn\b/, 'n');
      noUpstream();
    });
  }

  test('Gemini candidateCount 2 to an: 400 in the Gemini shape', async () => {
    const error = await thrown(() =>
      sdks.gemini.models.generateContent({ model: 'an', contents: 'Hi', config: { candidateCount: 2 } }),
    );
    gemini400(error, /candidate|\bn\b/i);
    noUpstream();
  });
});

describe('Responses previous_response_id needs stored responses', () => {
  for (const model of ['vl', 'an', 'gm'] as const) {
    test(`to ${model}: 400 on previous_response_id`, async () => {
      const error = await thrown(() =>
        sdks.openai.responses.create({ model, input: 'And then?', previous_response_id: 'resp_abc123' }),
      );
      openai400(error, /previous_response_id/, 'previous_response_id');
      noUpstream();
    });
  }

  test('streamed, to an: the same 400 before any stream', async () => {
    const error = await thrown(async () => {
      const stream = await sdks.openai.responses.create({
        model: 'an',
        input: 'And then?',
        previous_response_id: 'resp_abc123',
        stream: true,
      });
      for await (const _event of stream) {
        // drain
      }
    });
    openai400(error, /previous_response_id/, 'previous_response_id');
    noUpstream();
  });
});

describe('temperature above Anthropic’s range', () => {
  test('chat temperature 1.5 to an: 400 on temperature, not clamped', async () => {
    const error = await thrown(() =>
      sdks.openai.chat.completions.create({
        model: 'an',
        temperature: 1.5,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    openai400(error, /temperature/, 'temperature');
    noUpstream();
  });

  test('Responses temperature 1.5 to an: 400', async () => {
    const error = await thrown(() =>
      sdks.openai.responses.create({ model: 'an', input: 'Hi', temperature: 1.5 }),
    );
    openai400(error, /temperature/, 'temperature');
    noUpstream();
  });

  test('Gemini temperature 1.5 to an: 400 in the Gemini shape', async () => {
    const error = await thrown(() =>
      sdks.gemini.models.generateContent({ model: 'an', contents: 'Hi', config: { temperature: 1.5 } }),
    );
    gemini400(error, /temperature/);
    noUpstream();
  });

  test('chat temperature 1.5 to vl and gm is fine (their range goes to 2)', async () => {
    for (const model of ['vl', 'gm']) {
      rig.fake.reset();
      await sdks.openai.chat.completions.create({
        model,
        temperature: 1.5,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      assert.equal(rig.fake.requests.length, 1);
    }
  });
});

describe('OpenAI hosted tools cannot run on other backends', () => {
  test('Responses web_search tool to an: 400 naming it', async () => {
    const error = await thrown(() =>
      sdks.openai.responses.create({ model: 'an', input: 'News today?', tools: [{ type: 'web_search' }] }),
    );
    openai400(error, /web_search/);
    noUpstream();
  });
});

describe('bodies past the route’s full-validation size', () => {
  // A coding agent's turn: larger than FULL_VALIDATION_BYTES, so the route only checks its
  // top level; a translation parses it whole and must still refuse what is not JSON.
  const filler = 'x'.repeat(FULL_VALIDATION_BYTES + 1000);

  test('malformed JSON inside a large Anthropic request to oa: 400, nothing sent', async () => {
    const body = `{"model":"oa","max_tokens":64,"messages":[{"role":"user","content":"${filler}"}],"metadata":{"user_id":[1,,2]}}`;
    const reply = await rig.gw.call('POST', '/v1/messages', body, { 'anthropic-version': '2023-06-01' });
    assert.equal(reply.status, 400, reply.text.slice(0, 200));
    assert.equal(at(reply.body, 'error', 'type'), 'invalid_request_error');
    assert.match(String(at(reply.body, 'error', 'message')), /not valid JSON/);
    noUpstream();
  });

  test('a large, well-formed Anthropic request to oa is translated', async () => {
    const body = JSON.stringify({
      model: 'oa',
      max_tokens: 64,
      messages: [{ role: 'user', content: filler }],
    });
    const reply = await rig.gw.call('POST', '/v1/messages', body, { 'anthropic-version': '2023-06-01' });
    assert.equal(reply.status, 200, reply.text.slice(0, 200));
    assert.equal(at(reply.body, 'type'), 'message');
    const sent = rig.fake.lastRequest()?.json;
    assert.equal(at(sent, 'messages', 0, 'content'), filler);
  });
});
