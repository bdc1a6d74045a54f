// Retries and fallback for whole (non-streamed) answers, through the official SDKs: which
// failures move on, how long the gateway waits, what the headers and the record say.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { html, raw, slowFirstByte } from '../fake-provider/index.ts';
import { DEFAULT_TEXT, type DialectClient, dialectClients, PROVIDERS, routedBy } from './clients.ts';
import {
  addChain,
  addEndpoint,
  addModel,
  attemptsOf,
  providerError,
  type RoutingRig,
  recordOf,
  startRoutingRig,
  UPSTREAM_MODEL,
} from './rig.ts';

let rig: RoutingRig;
let clients: Record<'openai' | 'anthropic' | 'gemini', DialectClient>;

before(async () => {
  rig = await startRoutingRig();
  clients = dialectClients(rig.gw.url).clients;
});
after(() => rig.close());
beforeEach(() => rig.reset());

const FAST = { first_byte_ms: 300, idle_ms: 300 };

describe('fallback in every dialect', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a dead primary port falls back, and the fallback answers`, async () => {
      const chain = await addChain(rig, provider, [rig.dead, rig.b]);
      const answer = await clients[provider].ask(chain.endpoint);
      assert.equal(answer.text, DEFAULT_TEXT);
      assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
      assert.equal(rig.b.requests.length, 1);
      const record = await recordOf(rig, answer.headers.get('x-request-id'));
      assert.deepEqual(attemptsOf(record), [
        [chain.models[0]!.name, null],
        [chain.models[1]!.name, 200],
      ]);
      assert.match(record.attempts[0]!.error ?? '', /could not reach/);
      assert.equal(record.model, chain.models[1]!.name);
      assert.equal(record.status, 200);
    });

    it(`${provider}: a 503 is retried on the same model with retry.attempts = 1; the fallback is not called`, async () => {
      const chain = await addChain(rig, provider, [rig.a, rig.b], { retry: { attempts: 1, backoff_ms: 10 } });
      rig.a.enqueue(providerError(provider, 503, 'overloaded, try again'));
      const answer = await clients[provider].ask(chain.endpoint);
      assert.equal(answer.text, DEFAULT_TEXT);
      assert.deepEqual(routedBy(answer.headers), { model: chain.models[0]!.name, attempts: '2' });
      assert.equal(rig.a.requests.length, 2);
      assert.equal(rig.b.requests.length, 0, 'the fallback received nothing');
      const record = await recordOf(rig, answer.headers.get('x-request-id'));
      assert.deepEqual(attemptsOf(record), [
        [chain.models[0]!.name, 503],
        [chain.models[0]!.name, 200],
      ]);
    });

    it(`${provider}: a 400 from the primary is answered at once: no retry, no fallback`, async () => {
      const chain = await addChain(rig, provider, [rig.a, rig.b], { retry: { attempts: 2, backoff_ms: 10 } });
      rig.a.enqueue(providerError(provider, 400, 'messages: bad role'));
      const refusal = await clients[provider].refuse(chain.endpoint);
      assert.equal(refusal.status, 400);
      assert.match(refusal.message, /bad role/);
      assert.deepEqual(routedBy(refusal.headers), { model: chain.models[0]!.name, attempts: '1' });
      assert.equal(rig.a.requests.length, 1);
      assert.equal(rig.b.requests.length, 0);
    });
  }
});

describe('which failures move on (OpenAI SDK)', () => {
  const openai = () => clients.openai;

  for (const status of [401, 403, 404, 409, 422]) {
    it(`a ${status} is the client's: answered at once with retries and a fallback configured`, async () => {
      const chain = await addChain(rig, 'openai', [rig.a, rig.b], { retry: { attempts: 2, backoff_ms: 10 } });
      rig.a.enqueue(providerError('openai', status, `upstream said ${status}`));
      const refusal = await openai().refuse(chain.endpoint);
      assert.equal(refusal.status, status);
      assert.equal(refusal.headers.get('x-switchyard-attempts'), '1');
      assert.equal(rig.a.requests.length, 1);
      assert.equal(rig.b.requests.length, 0);
    });
  }

  it('an HTML 503 page from the primary falls back', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    rig.a.enqueue(html(503, '<html><body><h1>503 Service Unavailable</h1></body></html>'));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.text, DEFAULT_TEXT);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [
      [chain.models[0]!.name, 503],
      [chain.models[1]!.name, 200],
    ]);
  });

  it('a 200 that is an HTML page (a captive proxy) is unusable and falls back', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    rig.a.enqueue(html(200, '<html>please log in</html>'));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.text, DEFAULT_TEXT);
    assert.equal(answer.headers.get('x-switchyard-model'), chain.models[1]!.name);
  });

  // Relayed, the empty body would make the SDK fail ("Unexpected end of JSON input") while
  // the fallback could have answered.
  it('a 200 with an empty application/json body is unusable and falls back', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    rig.a.enqueue(raw(200, '', 'application/json'));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.text, DEFAULT_TEXT);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
  });

  it('a first byte slower than timeouts.first_byte_ms falls back', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { timeouts: FAST });
    rig.a.enqueue(slowFirstByte(2000));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.text, DEFAULT_TEXT);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [
      [chain.models[0]!.name, null],
      [chain.models[1]!.name, 200],
    ]);
    assert.match(record.attempts[0]!.error ?? '', /did not answer in time/);
  });

  it("fallback.on: ['5xx'] — a 429 is neither retried nor sent to the fallback", async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], {
      fallback: { on: ['5xx'] },
      retry: { attempts: 2, backoff_ms: 10 },
    });
    rig.a.enqueue(providerError('openai', 429, 'slow down', { 'retry-after': '0' }));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 429);
    assert.equal(refusal.errorClass, 'RateLimitError');
    assert.equal(refusal.headers.get('x-switchyard-attempts'), '1');
    assert.equal(rig.a.requests.length, 1);
    assert.equal(rig.b.requests.length, 0);
  });

  it("fallback.on: ['5xx'] — a 503 still falls back", async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { fallback: { on: ['5xx'] } });
    rig.a.enqueue(providerError('openai', 503, 'down'));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.headers.get('x-switchyard-model'), chain.models[1]!.name);
  });

  it("fallback.on: ['429'] — a dead port (connect) is answered 502 without fallback", async () => {
    const chain = await addChain(rig, 'openai', [rig.dead, rig.b], { fallback: { on: ['429'] } });
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 502);
    assert.deepEqual(routedBy(refusal.headers), { model: chain.models[0]!.name, attempts: '1' });
    assert.equal(rig.b.requests.length, 0);
  });

  it("fallback.on: ['connect'] — a first-byte timeout is answered 504 without fallback", async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], {
      fallback: { on: ['connect'] },
      timeouts: FAST,
    });
    rig.a.enqueue(slowFirstByte(2000));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 504);
    assert.equal(rig.b.requests.length, 0);
  });
});

describe('retry waits (OpenAI SDK)', () => {
  const openai = () => clients.openai;

  it('a 429 with retry-after: 1 waits about a second, then retries the same model', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { retry: { attempts: 1, backoff_ms: 10 } });
    rig.a.enqueue(providerError('openai', 429, 'slow down', { 'retry-after': '1' }));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.text, DEFAULT_TEXT);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[0]!.name, attempts: '2' });
    assert.equal(rig.a.requests.length, 2);
    assert.equal(rig.b.requests.length, 0);
    const gap = rig.a.requests[1]!.receivedAt - rig.a.requests[0]!.receivedAt;
    assert.ok(gap >= 990, `waited ${gap} ms, expected about 1000`);
  });

  it('retry-after-ms is honoured (and preferred over retry-after)', async () => {
    const chain = await addChain(rig, 'openai', [rig.a], { retry: { attempts: 1, backoff_ms: 10 } });
    rig.a.enqueue(
      providerError('openai', 429, 'slow down', { 'retry-after-ms': '400', 'retry-after': '30' }),
    );
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '2');
    const gap = rig.a.requests[1]!.receivedAt - rig.a.requests[0]!.receivedAt;
    assert.ok(gap >= 390, `waited ${gap} ms, expected about 400`);
  });

  it('a retry-after beyond the 20 s cap is not waited for: the fallback answers at once', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { retry: { attempts: 3, backoff_ms: 10 } });
    rig.a.enqueue(providerError('openai', 429, 'come back in a minute', { 'retry-after': '60' }));
    const started = Date.now();
    const answer = await openai().ask(chain.endpoint);
    // Far below the 60 s asked for (and the 20 s cap): the gateway did not wait.
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
    assert.equal(rig.a.requests.length, 1, 'the primary was not retried');
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [
      [chain.models[0]!.name, 429],
      [chain.models[1]!.name, 200],
    ]);
  });

  it('without a fallback, that 429 reaches the client with its retry-after', async () => {
    const chain = await addChain(rig, 'openai', [rig.a], { retry: { attempts: 3, backoff_ms: 10 } });
    rig.a.enqueue(providerError('openai', 429, 'come back in a minute', { 'retry-after': '60' }));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 429);
    assert.equal(refusal.headers.get('retry-after'), '60');
    assert.equal(rig.a.requests.length, 1);
  });

  it('a retry-after that would pass timeouts.total_ms is not waited for: the fallback answers', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], {
      retry: { attempts: 2, backoff_ms: 10 },
      timeouts: { total_ms: 700 },
    });
    rig.a.enqueue(providerError('openai', 429, 'slow down', { 'retry-after': '1' }));
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.headers.get('x-switchyard-model'), chain.models[1]!.name);
    assert.equal(rig.a.requests.length, 1);
  });

  it('without retry-after: full-jitter backoff, random() × backoff_ms × 2^n', async () => {
    const chain = await addChain(rig, 'openai', [rig.a], { retry: { attempts: 2, backoff_ms: 200 } });
    rig.a.enqueue(providerError('openai', 500, 'oops'));
    rig.a.enqueue(providerError('openai', 502, 'oops'));
    rig.random.push(0.99, 0.75); // waits floor(0.99 × 200) = 198 ms, then floor(0.75 × 400) = 300 ms
    const answer = await openai().ask(chain.endpoint);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '3');
    assert.equal(rig.random.pending, 0, 'one random() per wait');
    const [first, second, third] = rig.a.requests.map((r) => r.receivedAt);
    assert.ok(second! - first! >= 190, `first wait ${second! - first!} ms, expected about 198`);
    assert.ok(third! - second! >= 290, `second wait ${third! - second!} ms, expected about 300`);
  });

  it('retry.attempts retries each model, then moves to the next one', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { retry: { attempts: 2, backoff_ms: 1 } });
    for (let i = 0; i < 3; i++) rig.a.enqueue(providerError('openai', 503, `down ${i}`));
    rig.b.enqueue(providerError('openai', 500, 'b hiccup'));
    const answer = await openai().ask(chain.endpoint);
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    const [p, f] = chain.models.map((m) => m.name);
    assert.deepEqual(attemptsOf(record), [
      [p, 503],
      [p, 503],
      [p, 503],
      [f, 500],
      [f, 200],
    ]);
    assert.deepEqual(routedBy(answer.headers), { model: f!, attempts: '5' });
  });
});

describe('the models tried (OpenAI SDK)', () => {
  const openai = () => clients.openai;

  it('fallback.max_attempts caps the models tried; the last one tried answers with its error', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b, rig.c], { fallback: { max_attempts: 2 } });
    rig.a.enqueue(providerError('openai', 503, 'a down'));
    rig.b.enqueue(providerError('openai', 500, 'b down'));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 500);
    assert.match(refusal.message, /b down/);
    assert.deepEqual(routedBy(refusal.headers), { model: chain.models[1]!.name, attempts: '2' });
    assert.equal(rig.c.requests.length, 0, 'the third model is beyond max_attempts');
  });

  it('max_attempts: 1 means the primary only', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { fallback: { max_attempts: 1 } });
    rig.a.enqueue(providerError('openai', 503, 'a down'));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 503);
    assert.equal(rig.b.requests.length, 0);
  });

  it('fallbacks are tried by order (unordered ones last), whatever order they were listed in', async () => {
    const primary = await addModel(rig, { provider: 'openai', upstream: rig.dead });
    const second = await addModel(rig, { provider: 'openai', upstream: rig.b, modelName: 'second' });
    const first = await addModel(rig, { provider: 'openai', upstream: rig.c, modelName: 'first' });
    const last = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'last' });
    const endpoint = await addEndpoint(rig, [
      { model: primary },
      { model: last, role: 'fallback' },
      { model: second, role: 'fallback', order: 7 },
      { model: first, role: 'fallback', order: 2 },
    ]);
    rig.c.enqueue(providerError('openai', 503, 'first down'));
    rig.b.enqueue(providerError('openai', 503, 'second down'));
    const answer = await openai().ask(endpoint);
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [
      [primary.name, null],
      [first.name, 503],
      [second.name, 503],
      [last.name, 200],
    ]);
    assert.deepEqual(routedBy(answer.headers), { model: last.name, attempts: '4' });
  });

  it('every model failing: the last answer is relayed, the record lists each attempt', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.dead, rig.c]);
    rig.a.enqueue(providerError('openai', 503, 'a down'));
    rig.c.enqueue(providerError('openai', 529, 'c overloaded'));
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 529);
    assert.match(refusal.message, /c overloaded/);
    const record = await recordOf(rig, refusal.headers.get('x-request-id'));
    const [a, dead, c] = chain.models.map((m) => m.name);
    assert.deepEqual(attemptsOf(record), [
      [a, 503],
      [dead, null],
      [c, 529],
    ]);
    assert.equal(record.status, 529);
    assert.equal(record.model, c);
  });

  it('every model unreachable: 502 naming no address, x-switchyard-model the last one tried', async () => {
    const chain = await addChain(rig, 'openai', [rig.dead, rig.dead]);
    const refusal = await openai().refuse(chain.endpoint);
    assert.equal(refusal.status, 502);
    assert.doesNotMatch(refusal.message, /127\.0\.0\.1|ECONNREFUSED/);
    assert.deepEqual(routedBy(refusal.headers), { model: chain.models[1]!.name, attempts: '2' });
  });

  it('the fallback gets its own model_name and its own key, not the primary one', async () => {
    const primary = await addModel(rig, {
      provider: 'openai',
      upstream: rig.a,
      apiKey: 'sk-primary-000000001',
    });
    const fallback = await addModel(rig, {
      provider: 'openai',
      upstream: rig.b,
      apiKey: 'sk-fallback-00000002',
      modelName: 'gpt-4o',
    });
    const endpoint = await addEndpoint(rig, [{ model: primary }, { model: fallback, role: 'fallback' }]);
    rig.a.enqueue(raw(502, 'Bad Gateway', 'text/plain'));
    await openai().ask(endpoint);
    assert.equal(rig.a.requests[0]!.headers['authorization'], 'Bearer sk-primary-000000001');
    assert.equal((rig.a.requests[0]!.json as { model?: unknown }).model, UPSTREAM_MODEL.openai);
    assert.equal(rig.b.requests[0]!.headers['authorization'], 'Bearer sk-fallback-00000002');
    assert.equal((rig.b.requests[0]!.json as { model?: unknown }).model, 'gpt-4o');
  });
});

describe('the total deadline (OpenAI SDK)', () => {
  it('a primary that uses up timeouts.total_ms answers 504; a fallback never contacted is no attempt', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { timeouts: { total_ms: 300 } });
    rig.a.enqueue(slowFirstByte(2000));
    const refusal = await clients.openai.refuse(chain.endpoint);
    assert.equal(refusal.status, 504);
    assert.equal(rig.b.requests.length, 0, 'no time was left for the fallback');
    // x-switchyard-attempts counts upstream attempts: only the primary was asked.
    assert.deepEqual(routedBy(refusal.headers), { model: chain.models[0]!.name, attempts: '1' });
    const record = await recordOf(rig, refusal.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [[chain.models[0]!.name, null]]);
  });
});
