// Streams and fallback: an attempt is committed when its first body bytes arrive. Before
// that, any failure retries or falls back and the client sees one clean stream; after it, a
// failure ends the one stream with the dialect's error frame — never a second stream spliced in.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import {
  fixture,
  fixtureBytes,
  fixtureFrames,
  loadFixture,
  type ReplyOptions,
  reset,
  sse,
} from '../fake-provider/index.ts';
import {
  assertErrorBody,
  type Dialect,
  ERROR_TYPES,
  obj,
  parseSse,
  rawPost,
} from '../passthrough/helpers.ts';
import { recorder, sdkClients } from '../sdk/sdk-helpers.ts';
import { DEFAULT_STREAM_TEXT, type DialectClient, dialectClients, PROVIDERS, routedBy } from './clients.ts';
import {
  addChain,
  attemptsOf,
  type Chain,
  type Provider,
  providerError,
  type RoutingRig,
  recordOf,
  startRoutingRig,
} from './rig.ts';

let rig: RoutingRig;
let clients: Record<Provider, DialectClient>;

before(async () => {
  rig = await startRoutingRig();
  clients = dialectClients(rig.gw.url).clients;
});
after(() => rig.close());
beforeEach(() => rig.reset());

const FAST = { timeouts: { first_byte_ms: 300, idle_ms: 300 } };

interface StreamCase {
  label: string;
  provider: Provider;
  dialect: Dialect;
  responses: boolean;
  fixture: string;
  path: (endpoint: string) => string;
}

const CASES: readonly StreamCase[] = [
  {
    label: 'OpenAI chat',
    provider: 'openai',
    dialect: 'openai',
    responses: false,
    fixture: 'openai/chat-stream-text.json',
    path: () => '/v1/chat/completions',
  },
  {
    label: 'OpenAI Responses',
    provider: 'openai',
    dialect: 'openai',
    responses: true,
    fixture: 'openai/responses-stream-text.json',
    path: () => '/v1/responses',
  },
  {
    label: 'Anthropic',
    provider: 'anthropic',
    dialect: 'anthropic',
    responses: false,
    fixture: 'anthropic/messages-stream-text.json',
    path: () => '/v1/messages',
  },
  {
    label: 'Gemini SSE',
    provider: 'gemini',
    dialect: 'gemini',
    responses: false,
    fixture: 'gemini/stream-sse-text.json',
    path: (ep) => `/v1beta/models/${ep}:streamGenerateContent?alt=sse`,
  },
];

function clientBody(c: { fixture: string; provider: Provider }, endpoint: string): string {
  const body = obj(loadFixture(c.fixture).request.body);
  assert.ok(c.provider === 'gemini' || body['stream'] === true, 'the fixture request streams');
  return JSON.stringify(c.provider === 'gemini' ? body : { ...body, model: endpoint });
}

function framesOf(name: string): string[] {
  return fixtureFrames(name).map((frame) => frame.toString('utf8'));
}

/** Exactly one error frame in `rest`, in the dialect's stream form. */
function assertOneErrorFrame(c: StreamCase, rest: string, kind: 'timeout' | 'unreachable'): void {
  const events = parseSse(rest);
  assert.equal(events.length, 1, `one error frame after the upstream frames, got ${JSON.stringify(rest)}`);
  const data: unknown = JSON.parse(events[0]!.data);
  if (c.responses) {
    assert.equal(events[0]!.event, 'error');
    assert.equal(obj(data)['type'], 'error');
    assert.equal(obj(data)['code'], ERROR_TYPES[kind].openai);
    return;
  }
  if (c.dialect === 'anthropic') assert.equal(events[0]!.event, 'error');
  assertErrorBody(c.dialect, data, kind === 'timeout' ? 504 : 502, { type: ERROR_TYPES[kind][c.dialect] });
}

async function streamRaw(c: StreamCase, chain: Chain) {
  const reply = await rawPost(rig.gw.url, c.path(chain.endpoint), clientBody(c, chain.endpoint));
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return { ...reply, gatewayHeaders: headers };
}

describe('a failure after the first event: one stream, ended by the error frame, no fallback', () => {
  for (const c of CASES) {
    const frames = framesOf(c.fixture);
    const failures: [string, ReplyOptions, 'timeout' | 'unreachable'][] = [
      ['a stall mid-stream (beyond idle_ms)', { stallAfterFrames: 2 }, 'timeout'],
      ['a reset mid-stream', { failAfterFrames: 2 }, 'unreachable'],
    ];
    for (const [label, options, kind] of failures) {
      it(`${c.label}: ${label}`, async () => {
        const chain = await addChain(rig, c.provider, [rig.a, rig.b], {
          ...FAST,
          retry: { attempts: 2, backoff_ms: 1 },
        });
        rig.a.enqueue(fixture(c.fixture, options));
        const reply = await streamRaw(c, chain);
        assert.equal(reply.status, 200);
        assert.equal(reply.complete, true, 'the stream ends properly after its error frame');
        const sent = frames[0]! + frames[1]!;
        assert.ok(reply.text.startsWith(sent), 'the two upstream events, unchanged');
        assertOneErrorFrame(c, reply.text.slice(sent.length), kind);
        assert.deepEqual(routedBy(reply.gatewayHeaders), { model: chain.models[0]!.name, attempts: '1' });
        assert.equal(rig.a.requests.length, 1, 'no retry once committed');
        assert.equal(rig.b.requests.length, 0, 'the fallback received nothing');
        const record = await recordOf(rig, reply.gatewayHeaders.get('x-request-id'));
        assert.deepEqual(attemptsOf(record), [[chain.models[0]!.name, 200]]);
        assert.equal(record.error, 'stream failed');
      });
    }
  }
});

describe('a failure before the first body byte: the fallback serves the whole stream', () => {
  for (const c of CASES) {
    const failures: [string, () => void][] = [
      ['a reset before any byte', () => rig.a.enqueue(reset())],
      ['a first byte slower than first_byte_ms', () => rig.a.enqueue(fixture(c.fixture, { delayMs: 2000 }))],
      [
        'headers, then silence beyond idle_ms before any event',
        () => rig.a.enqueue(fixture(c.fixture, { stallAfterFrames: 0 })),
      ],
      ['a 200 event stream with an empty body', () => rig.a.enqueue(sse([]))],
      ['a 503 JSON error', () => rig.a.enqueue(providerError(c.provider, 503, 'overloaded'))],
    ];
    for (const [label, fail] of failures) {
      it(`${c.label}: ${label}`, async () => {
        const chain = await addChain(rig, c.provider, [rig.a, rig.b], FAST);
        fail();
        rig.b.enqueue(fixture(c.fixture));
        const reply = await streamRaw(c, chain);
        assert.equal(reply.status, 200);
        assert.equal(reply.complete, true);
        assert.equal(reply.text, fixtureBytes(c.fixture).toString('utf8'), "the fallback's stream, whole");
        assert.deepEqual(routedBy(reply.gatewayHeaders), { model: chain.models[1]!.name, attempts: '2' });
        const record = await recordOf(rig, reply.gatewayHeaders.get('x-request-id'));
        assert.equal(record.attempts.length, 2);
        assert.equal(record.attempts[1]!.status, 200);
        assert.equal(record.error, undefined);
      });
    }
  }

  it('Gemini JSON-array stream: a reset before any byte falls back; the array arrives whole', async () => {
    const name = 'gemini/stream-json-array-text.json';
    const chain = await addChain(rig, 'gemini', [rig.a, rig.b], FAST);
    rig.a.enqueue(reset());
    rig.b.enqueue(fixture(name));
    const reply = await rawPost(
      rig.gw.url,
      `/v1beta/models/${chain.endpoint}:streamGenerateContent`,
      JSON.stringify(obj(loadFixture(name).request.body)),
    );
    assert.equal(reply.status, 200);
    assert.equal(reply.text, fixtureBytes(name).toString('utf8'));
    assert.equal(reply.headers['x-switchyard-attempts'], '2');
  });

  it('a retried stream (503, then the same model) is one clean stream too', async () => {
    const c = CASES[0]!;
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { retry: { attempts: 1, backoff_ms: 1 } });
    rig.a.enqueue(providerError('openai', 503, 'overloaded'));
    rig.a.enqueue(fixture(c.fixture));
    const reply = await streamRaw(c, chain);
    assert.equal(reply.text, fixtureBytes(c.fixture).toString('utf8'));
    assert.deepEqual(routedBy(reply.gatewayHeaders), { model: chain.models[0]!.name, attempts: '2' });
    assert.equal(rig.b.requests.length, 0);
  });
});

describe('through the official SDKs', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a reset before the first byte — the SDK reads the fallback's stream to its end`, async () => {
      const chain = await addChain(rig, provider, [rig.a, rig.b], FAST);
      rig.a.enqueue(reset());
      const answer = await clients[provider].stream(chain.endpoint);
      assert.equal(answer.text, DEFAULT_STREAM_TEXT);
      assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
    });
  }

  it('OpenAI: a reset after the first chunks — iteration throws APIError, the fallback is not called', async () => {
    const { openai } = sdkClients(rig.gw.url, recorder().fetch);
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], FAST);
    rig.a.enqueue(fixture('openai/chat-stream-text.json', { failAfterFrames: 3 }));
    const stream = await openai.chat.completions.create({
      model: chain.endpoint,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let chunks = 0;
    await assert.rejects(
      async () => {
        for await (const _chunk of stream) chunks++;
      },
      (error: unknown) => error instanceof OpenAI.APIError,
    );
    assert.equal(chunks, 3);
    assert.equal(rig.b.requests.length, 0);
  });

  it('Anthropic: a stall after the first events — the stream rejects with the error event, no fallback', async () => {
    const { anthropic } = sdkClients(rig.gw.url, recorder().fetch);
    const chain = await addChain(rig, 'anthropic', [rig.a, rig.b], FAST);
    rig.a.enqueue(fixture('anthropic/messages-stream-text.json', { stallAfterFrames: 3 }));
    const stream = anthropic.messages.stream({
      model: chain.endpoint,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await assert.rejects(stream.finalMessage(), (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.equal(error.type, 'timeout_error');
      return true;
    });
    assert.equal(rig.b.requests.length, 0);
  });

  it('Gemini: a reset mid-stream — the SDK stream throws ApiError, no fallback', async () => {
    const { gemini } = sdkClients(rig.gw.url, recorder().fetch);
    const chain = await addChain(rig, 'gemini', [rig.a, rig.b], FAST);
    rig.a.enqueue(fixture('gemini/stream-sse-text.json', { failAfterFrames: 1 }));
    const stream = await gemini.models.generateContentStream({ model: chain.endpoint, contents: 'hi' });
    let chunks = 0;
    await assert.rejects(
      async () => {
        for await (const _chunk of stream) chunks++;
      },
      (error: unknown) => error instanceof ApiError,
    );
    assert.equal(chunks, 1);
    assert.equal(rig.b.requests.length, 0);
  });
});
