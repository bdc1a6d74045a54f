// The official OpenAI SDK against the gateway, same-dialect passthrough to OpenAI, Azure
// and an OpenAI-compatible server (vLLM).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { type DataPlaneRig, ENDPOINTS, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import {
  assertGatewayHeaders,
  assertUpstreamAuth,
  assertUpstreamBody,
  assertUsage,
  CLIENT_KEY,
  collect,
  DEFAULT_STREAM_TEXT,
  DEFAULT_TEXT,
  expectedBody,
  fakeEmbedding,
  lastUpstream,
  type Recorder,
  recorder,
  recordFor,
  withInjectedUsage,
  withModel,
  withoutModel,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let client: OpenAI;

function clientAt(path: string): OpenAI {
  return new OpenAI({ baseURL: rig.gw.url + path, apiKey: CLIENT_KEY, fetch: rec.fetch, maxRetries: 0 });
}

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  client = clientAt('/v1');
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const messages = [{ role: 'user' as const, content: 'Say hello' }];

function textOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

/** Per endpoint: the provider path, its auth header and what happens to `model`. */
const CHAT_TARGETS = [
  {
    endpoint: ENDPOINTS.openai,
    provider: 'openai',
    path: '/v1/chat/completions',
    query: '',
    auth: 'authorization',
    edit: withModel(UPSTREAM_MODELS.openai),
  },
  {
    endpoint: ENDPOINTS.azure,
    provider: 'azure',
    path: `/openai/deployments/${UPSTREAM_MODELS.azure}/chat/completions`,
    query: 'api-version=2024-10-21',
    auth: 'api-key',
    edit: withoutModel,
  },
  {
    endpoint: ENDPOINTS.vllm,
    provider: 'vllm',
    path: '/v1/chat/completions',
    query: '',
    auth: 'authorization',
    edit: withModel(UPSTREAM_MODELS.vllm),
  },
] as const;

describe('chat.completions', () => {
  for (const t of CHAT_TARGETS) {
    test(`non-streamed on ${t.endpoint} (${t.provider})`, async () => {
      const { data, response } = await client.chat.completions
        .create({ model: t.endpoint, messages, temperature: 0.25, max_completion_tokens: 64, user: 'u-1' })
        .withResponse();
      assert.equal(data.choices[0]?.message.content, DEFAULT_TEXT);
      assert.equal(data.object, 'chat.completion');

      const up = lastUpstream(rig);
      assert.equal(up.path, t.path);
      assert.equal(up.query, t.query);
      assertUpstreamBody(up, expectedBody(rec.last().body, t.edit));
      if (t.provider === 'azure') assert.equal((up.json as Record<string, unknown>)['model'], undefined);
      assertUpstreamAuth(up, t.provider, t.auth);
      assertGatewayHeaders(response.headers, {
        endpoint: t.endpoint,
        model: `${t.provider}-model`,
        attempts: 1,
        streamed: false,
      });

      const record = await recordFor(rig, response.headers.get('x-request-id'));
      assert.equal(record.status, 200);
      assert.equal(record.operation, 'chat');
      assert.equal(record.provider, t.provider);
      assert.ok(data.usage);
      assertUsage(record, {
        inputTokens: data.usage.prompt_tokens,
        outputTokens: data.usage.completion_tokens,
      });
    });

    test(`streamed on ${t.endpoint} (${t.provider}): usage injected upstream, withheld from the client`, async () => {
      const { data: stream, response } = await client.chat.completions
        .create({ model: t.endpoint, messages, stream: true })
        .withResponse();
      const chunks = await collect(stream);
      assert.equal(textOf(chunks), DEFAULT_STREAM_TEXT);
      assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
      assert.equal(
        chunks.filter((c) => c.choices.length === 0 && c.usage).length,
        0,
        'no usage-only chunk reaches a client that did not ask for it',
      );
      assert.ok(
        chunks.every((c) => !c.usage),
        'no chunk carries usage',
      );

      const up = lastUpstream(rig);
      assert.equal(up.path, t.path);
      assertUpstreamBody(up, expectedBody(rec.last().body, withInjectedUsage(t.edit)));
      assert.deepEqual((up.json as Record<string, unknown>)['stream_options'], { include_usage: true });
      assertUpstreamAuth(up, t.provider, t.auth);
      assertGatewayHeaders(response.headers, {
        endpoint: t.endpoint,
        model: `${t.provider}-model`,
        attempts: 1,
        streamed: true,
      });
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);

      const record = await recordFor(rig, response.headers.get('x-request-id'));
      assert.equal(record.stream, true);
      assert.equal(record.status, 200);
      assertUsage(record, { inputTokens: 12, outputTokens: 5 });
    });
  }

  test('streamed with the client’s own include_usage: body untouched, usage chunk delivered', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'oa', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = await collect(stream);
    assert.equal(textOf(chunks), DEFAULT_STREAM_TEXT);
    const last = chunks.at(-1);
    assert.ok(last);
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage?.prompt_tokens, 12);
    assert.equal(last.usage?.completion_tokens, 5);
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.openai)));
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assertUsage(record, { inputTokens: 12, outputTokens: 5 });
  });

  test('streamed with include_usage false: forced on upstream, still withheld from the client', async () => {
    const stream = await client.chat.completions.create({
      model: 'oa',
      messages,
      stream: true,
      stream_options: { include_usage: false },
    });
    const chunks = await collect(stream);
    assert.equal(textOf(chunks), DEFAULT_STREAM_TEXT);
    assert.ok(chunks.every((c) => c.choices.length > 0));
    const expected = expectedBody(rec.last().body, (b) => ({
      ...withModel(UPSTREAM_MODELS.openai)(b),
      stream_options: { include_usage: true },
    }));
    assertUpstreamBody(lastUpstream(rig), expected);
  });

  test('the .stream() helper: finalChatCompletion()', async () => {
    const runner = client.chat.completions.stream({ model: 'oa', messages });
    const completion = await runner.finalChatCompletion();
    assert.equal(completion.choices[0]?.message.content, DEFAULT_STREAM_TEXT);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.model, UPSTREAM_MODELS.openai);
    assertUpstreamBody(
      lastUpstream(rig),
      expectedBody(rec.last().body, withInjectedUsage(withModel(UPSTREAM_MODELS.openai))),
    );
    assert.equal(rec.last().headers.get('x-stainless-helper-method'), 'stream');
  });

  test('model after multi-byte text, and last in the body: only model changes (oa, az)', async () => {
    const unicode = [{ role: 'user' as const, content: 'Grüße, 世界 🌍 — "quoted" \\ back\nslash' }];
    await client.chat.completions.create({ messages: unicode, temperature: 0, model: 'oa' });
    const sent = rec.last().body;
    assert.match(sent ?? '', /"model":"oa"}$/);
    assertUpstreamBody(lastUpstream(rig), expectedBody(sent, withModel(UPSTREAM_MODELS.openai)));

    await client.chat.completions.create({ messages: unicode, model: 'az' });
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, withoutModel));

    const stream = await client.chat.completions.create({ messages: unicode, stream: true, model: 'az' });
    await collect(stream);
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, withInjectedUsage(withoutModel)));
  });

  test('protocol headers pass; arbitrary client headers and cookies do not', async () => {
    await client.chat.completions.create(
      { model: 'oa', messages },
      { headers: { 'OpenAI-Beta': 'assistants=v2', 'x-custom-thing': 'nope', cookie: 'session=secret' } },
    );
    const up = lastUpstream(rig);
    assert.equal(up.headers['openai-beta'], 'assistants=v2');
    assert.equal(up.headers['x-custom-thing'], undefined);
    assert.equal(up.headers['cookie'], undefined);
  });
});

describe('embeddings', () => {
  test('default (base64) encoding decodes to the provider’s floats', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'oa', input: ['first text', 'second text'] })
      .withResponse();
    assert.equal(data.data.length, 2);
    for (const item of data.data) assert.deepEqual(item.embedding, fakeEmbedding(16, true));
    const sent = rec.last().body;
    assert.match(sent ?? '', /"encoding_format":"base64"/);
    const up = lastUpstream(rig);
    assert.equal(up.path, '/v1/embeddings');
    assertUpstreamBody(up, expectedBody(sent, withModel(UPSTREAM_MODELS.openai)));
    assertUpstreamAuth(up, 'openai', 'authorization');
    assertGatewayHeaders(response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: false,
    });
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.operation, 'embeddings');
    assertUsage(record, { inputTokens: data.usage.prompt_tokens, outputTokens: 0 });
  });

  test('encoding_format float', async () => {
    const result = await client.embeddings.create({
      model: 'oa',
      input: 'one text',
      encoding_format: 'float',
      dimensions: 16,
    });
    assert.deepEqual(result.data[0]?.embedding, fakeEmbedding(16, false));
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.openai)));
  });

  test('on azure: deployment path, no model in the body', async () => {
    const result = await client.embeddings.create({ model: 'az', input: 'x', encoding_format: 'float' });
    assert.equal(result.data[0]?.embedding.length, 16);
    const up = lastUpstream(rig);
    assert.equal(up.path, `/openai/deployments/${UPSTREAM_MODELS.azure}/embeddings`);
    assert.equal(up.query, 'api-version=2024-10-21');
    assertUpstreamBody(up, expectedBody(rec.last().body, withoutModel));
    assertUpstreamAuth(up, 'azure', 'api-key');
  });
});

describe('responses', () => {
  test('non-streamed on oa', async () => {
    const { data, response } = await client.responses
      .create({ model: 'oa', input: 'Say hello', instructions: 'Be brief', temperature: 0.5 })
      .withResponse();
    assert.equal(data.output_text, DEFAULT_TEXT);
    assert.equal(data.status, 'completed');
    const up = lastUpstream(rig);
    assert.equal(up.path, '/v1/responses');
    assertUpstreamBody(up, expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.openai)));
    assertUpstreamAuth(up, 'openai', 'authorization');
    assertGatewayHeaders(response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: false,
    });
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.operation, 'responses');
    assert.ok(data.usage);
    assertUsage(record, { inputTokens: data.usage.input_tokens, outputTokens: data.usage.output_tokens });
  });

  test('streamed on oa', async () => {
    const { data: stream, response } = await client.responses
      .create({ model: 'oa', input: 'Say hello', stream: true })
      .withResponse();
    const events = await collect(stream);
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    assert.equal(deltas.join(''), DEFAULT_STREAM_TEXT);
    const completed = events.at(-1);
    assert.equal(completed?.type, 'response.completed');
    assert.equal(events[0]?.type, 'response.created');
    const up = lastUpstream(rig);
    assertUpstreamBody(up, expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.openai)));
    assertGatewayHeaders(response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: true,
    });
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assertUsage(record, { inputTokens: 12, outputTokens: 5 });
  });

  test('the .stream() helper: finalResponse()', async () => {
    const stream = client.responses.stream({ model: 'oa', input: 'Say hello' });
    const final = await stream.finalResponse();
    assert.equal(final.output_text, DEFAULT_STREAM_TEXT);
  });

  test('on azure: /openai/responses with the deployment as model', async () => {
    const result = await client.responses.create({ model: 'az', input: 'Say hello' });
    assert.equal(result.output_text, DEFAULT_TEXT);
    const up = lastUpstream(rig);
    assert.equal(up.path, '/openai/responses');
    assert.match(up.query, /^api-version=/);
    assertUpstreamBody(up, expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.azure)));
    assertUpstreamAuth(up, 'azure', 'api-key');
  });
});

describe('models.list', () => {
  test('lists the five endpoints', async () => {
    const page = await client.models.list();
    assert.deepEqual(page.data.map((m) => m.id).sort(), Object.values(ENDPOINTS).sort());
    for (const m of page.data) {
      assert.equal(m.object, 'model');
      assert.equal(typeof m.created, 'number');
      assert.equal(typeof m.owned_by, 'string');
    }
    assert.equal(rig.fake.requests.length, 0, 'listing models does not call a provider');
  });
});

describe('other base URLs', () => {
  for (const base of ['/gateway/openai/v1', '/gateway/mlflow/v1']) {
    test(`${base}: chat (streamed and not) and embeddings`, async () => {
      const c = clientAt(base);
      const chat = await c.chat.completions.create({ model: 'oa', messages });
      assert.equal(chat.choices[0]?.message.content, DEFAULT_TEXT);
      assert.equal(rec.last().url.pathname, `${base}/chat/completions`);
      assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, withModel(UPSTREAM_MODELS.openai)));

      const chunks = await collect(await c.chat.completions.create({ model: 'vl', messages, stream: true }));
      assert.equal(textOf(chunks), DEFAULT_STREAM_TEXT);
      assert.equal(lastUpstream(rig).path, '/v1/chat/completions');

      const emb = await c.embeddings.create({ model: 'oa', input: 'x' });
      assert.deepEqual(emb.data[0]?.embedding, fakeEmbedding(16, true));
      assert.equal(rec.last().url.pathname, `${base}/embeddings`);
    });
  }

  test('/gateway/openai/v1: responses', async () => {
    const result = await clientAt('/gateway/openai/v1').responses.create({ model: 'oa', input: 'hi' });
    assert.equal(result.output_text, DEFAULT_TEXT);
    assert.equal(lastUpstream(rig).path, '/v1/responses');
  });
});
