// The contract's headers on every data-plane response, errors included, read through the
// official SDKs (`.withResponse()`, error headers) and raw fetch.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import {
  anthropicError,
  failAfterFrames,
  geminiError,
  html,
  openaiError,
  reset,
  truncateAfterFrames,
} from '../fake-provider/index.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import {
  assertGatewayHeaders,
  CLIENT_KEY,
  collect,
  consumeUntilError,
  type Recorder,
  recorder,
  sdkClients,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  ({ openai, anthropic, gemini } = sdkClients(rig.gw.url, rec.fetch));
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const messages = [{ role: 'user' as const, content: 'Say hello' }];
const anthropicParams = { model: 'an', max_tokens: 64, messages };
const geminiRequest = { model: 'gm', contents: 'Say hello' };

/** The headers of the response behind an SDK error. */
async function errorHeaders(fn: () => Promise<unknown>): Promise<Headers> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) {
      assert.ok(error.headers, `${error.name} has headers`);
      return error.headers;
    }
    return rec.lastHeaders();
  }
  assert.fail('expected the call to fail');
}

describe('successful responses', () => {
  test('OpenAI chat on oa, az, vl (non-streamed and streamed)', async () => {
    for (const [endpoint, model] of [
      ['oa', 'openai-model'],
      ['az', 'azure-model'],
      ['vl', 'vllm-model'],
    ] as const) {
      const plain = await openai.chat.completions.create({ model: endpoint, messages }).withResponse();
      assertGatewayHeaders(plain.response.headers, { endpoint, model, attempts: 1, streamed: false });
      const streamed = await openai.chat.completions
        .create({ model: endpoint, messages, stream: true })
        .withResponse();
      await collect(streamed.data);
      assertGatewayHeaders(streamed.response.headers, { endpoint, model, attempts: 1, streamed: true });
    }
  });

  test('OpenAI embeddings and responses', async () => {
    const emb = await openai.embeddings.create({ model: 'oa', input: 'x' }).withResponse();
    assertGatewayHeaders(emb.response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: false,
    });
    const resp = await openai.responses.create({ model: 'oa', input: 'x' }).withResponse();
    assertGatewayHeaders(resp.response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: false,
    });
    const streamed = await openai.responses.create({ model: 'oa', input: 'x', stream: true }).withResponse();
    await collect(streamed.data);
    assertGatewayHeaders(streamed.response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: true,
    });
  });

  test('/gateway/mlflow/v1 chat', async () => {
    const response = await new OpenAI({
      baseURL: `${rig.gw.url}/gateway/mlflow/v1`,
      apiKey: CLIENT_KEY,
      maxRetries: 0,
    }).chat.completions
      .create({ model: 'vl', messages })
      .asResponse();
    assertGatewayHeaders(response.headers, {
      endpoint: 'vl',
      model: 'vllm-model',
      attempts: 1,
      streamed: false,
    });
    await response.arrayBuffer();
  });

  test('Anthropic messages (streamed and not) and count_tokens', async () => {
    const expected = { endpoint: 'an', model: 'anthropic-model', attempts: 1 };
    const plain = await anthropic.messages.create(anthropicParams).withResponse();
    assertGatewayHeaders(plain.response.headers, { ...expected, streamed: false });
    const stream = anthropic.messages.stream(anthropicParams);
    await stream.finalMessage();
    assertGatewayHeaders((await stream.withResponse()).response.headers, { ...expected, streamed: true });
    const count = await anthropic.messages.countTokens({ model: 'an', messages }).withResponse();
    assertGatewayHeaders(count.response.headers, { ...expected, streamed: false });
  });

  test('Gemini generateContent, streamGenerateContent (SSE and JSON array)', async () => {
    const expected = { endpoint: 'gm', model: 'gemini-model', attempts: 1 };
    await gemini.models.generateContent(geminiRequest);
    assertGatewayHeaders(rec.lastHeaders(), { ...expected, streamed: false });
    await collect(await gemini.models.generateContentStream(geminiRequest));
    assertGatewayHeaders(rec.lastHeaders(), { ...expected, streamed: true });
    const response = await fetch(`${rig.gw.url}/v1beta/models/gm:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    await response.text();
    assertGatewayHeaders(response.headers, { ...expected, streamed: true });
  });

  test('a client’s well-formed x-request-id is kept', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'oa', messages }, { headers: { 'x-request-id': 'client-trace-123' } })
      .withResponse();
    assert.equal(response.headers.get('x-request-id'), 'client-trace-123');
    assert.equal(rig.fake.lastRequest()?.headers['x-request-id'], undefined, 'not forwarded upstream');
  });
});

describe('relayed upstream errors', () => {
  test('OpenAI 429, 500 and an HTML 502', async () => {
    const expected = { endpoint: 'oa', model: 'openai-model', attempts: 1, streamed: false };
    rig.fake.enqueue(openaiError(429, 'slow down', { headers: { 'retry-after': '1' } }));
    assertGatewayHeaders(
      await errorHeaders(() => openai.chat.completions.create({ model: 'oa', messages })),
      expected,
    );
    rig.fake.enqueue(openaiError(500, 'boom'));
    assertGatewayHeaders(
      await errorHeaders(() => openai.chat.completions.create({ model: 'oa', messages })),
      expected,
    );
    rig.fake.enqueue(html(502, '<html>bad gateway</html>'));
    assertGatewayHeaders(
      await errorHeaders(() => openai.chat.completions.create({ model: 'oa', messages })),
      expected,
    );
  });

  test('Anthropic 529', async () => {
    rig.fake.enqueue(anthropicError(529, 'Overloaded'));
    assertGatewayHeaders(await errorHeaders(() => anthropic.messages.create(anthropicParams)), {
      endpoint: 'an',
      model: 'anthropic-model',
      attempts: 1,
      streamed: false,
    });
  });

  test('Gemini 429', async () => {
    rig.fake.enqueue(geminiError(429, 'Resource has been exhausted'));
    assertGatewayHeaders(await errorHeaders(() => gemini.models.generateContent(geminiRequest)), {
      endpoint: 'gm',
      model: 'gemini-model',
      attempts: 1,
      streamed: false,
    });
  });
});

describe('gateway-made errors', () => {
  // Each case: the call, and the headers expected besides x-request-id and the duration.
  const cases: [string, () => Promise<unknown>, { endpoint?: string; model?: string; attempts: number }][] = [
    [
      'upstream unreachable (connection reset) → 502, the attempt counted',
      () => {
        rig.fake.enqueue(reset());
        return openai.chat.completions.create({ model: 'oa', messages });
      },
      { endpoint: 'oa', model: 'openai-model', attempts: 1 },
    ],
    [
      'unknown endpoint (OpenAI) → 404',
      () => openai.chat.completions.create({ model: 'nope', messages }),
      { endpoint: 'nope', attempts: 0 },
    ],
    [
      'unknown endpoint (Anthropic) → 404',
      () => anthropic.messages.create({ ...anthropicParams, model: 'nope' }),
      { endpoint: 'nope', attempts: 0 },
    ],
    [
      'unknown endpoint (Gemini) → 404',
      () => gemini.models.generateContent({ ...geminiRequest, model: 'nope' }),
      { endpoint: 'nope', attempts: 0 },
    ],
    [
      'embeddings asked of a backend without them → 400',
      () => openai.embeddings.create({ model: 'an', input: 'x' }),
      { endpoint: 'an', attempts: 0 },
    ],
    ['missing model → 400', () => openai.chat.completions.create({ model: '', messages }), { attempts: 0 }],
  ];

  for (const [name, call, expected] of cases) {
    test(name, async () => {
      assertGatewayHeaders(await errorHeaders(call), { ...expected, streamed: false, overhead: false });
    });
  }

  test('a body that is not JSON → 400 in the route’s dialect', async () => {
    const response = await fetch(`${rig.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "an", "messages": [',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { type?: string };
    assert.equal(body.type, 'error', 'the error is in the Anthropic shape');
    assertGatewayHeaders(response.headers, { attempts: 0, streamed: false, overhead: false });
  });

  test('gateway-made errors are non-streamed responses: they carry x-switchyard-overhead-ms', async () => {
    const missing: string[] = [];
    for (const [name, call] of cases) {
      const headers = await errorHeaders(call);
      const overhead = headers.get('x-switchyard-overhead-ms');
      if (overhead === null || !/^\d+(\.\d+)?$/.test(overhead)) missing.push(name);
    }
    assert.deepEqual(missing, [], 'responses without x-switchyard-overhead-ms');
  });
});

describe('streams that break', () => {
  test('the headers were sent before the failure', async () => {
    rig.fake.enqueue(failAfterFrames(2));
    const { data, response } = await openai.chat.completions
      .create({ model: 'oa', messages, stream: true })
      .withResponse();
    const { error } = await consumeUntilError(data);
    assert.ok(error);
    assertGatewayHeaders(response.headers, {
      endpoint: 'oa',
      model: 'openai-model',
      attempts: 1,
      streamed: true,
    });

    rig.fake.enqueue(truncateAfterFrames(2));
    const stream = anthropic.messages.stream(anthropicParams);
    await assert.rejects(stream.finalMessage());
    assertGatewayHeaders((await stream.withResponse()).response.headers, {
      endpoint: 'an',
      model: 'anthropic-model',
      attempts: 1,
      streamed: true,
    });
  });
});
