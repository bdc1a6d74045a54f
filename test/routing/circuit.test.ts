// The circuit breaker inside a real gateway (injected: threshold 3, cooldown 30 s, a clock the
// tests move): open circuits divert traffic to the other models, a half-open circuit lets one
// probe through, and an endpoint whose models are all open still tries them.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InProcessCircuitBreaker } from '../../src/routing/circuit-breaker.ts';
import { slowFirstByte } from '../fake-provider/index.ts';
import { post, sleep } from '../passthrough/helpers.ts';
import { type DialectClient, dialectClients, routedBy } from './clients.ts';
import {
  addChain,
  addEndpoint,
  addModel,
  attemptsOf,
  providerError,
  type RoutingRig,
  recordOf,
  startRoutingRig,
} from './rig.ts';

const THRESHOLD = 3;
const COOLDOWN_MS = 30_000;
const clock = { now: 1_000_000 };
const breaker = new InProcessCircuitBreaker({
  threshold: THRESHOLD,
  cooldownMs: COOLDOWN_MS,
  now: () => clock.now,
});

let rig: RoutingRig;
let openai: DialectClient;

before(async () => {
  rig = await startRoutingRig({ breaker });
  openai = dialectClients(rig.gw.url).clients.openai;
});
after(() => rig.close());
beforeEach(() => rig.reset());

function chatBody(endpoint: string): string {
  return JSON.stringify({ model: endpoint, messages: [{ role: 'user', content: 'hi' }] });
}

/** Primary on fake a, fallback on fake b; the primary fails `THRESHOLD` times with 503 (its circuit opens). */
async function openedChain() {
  const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
  for (let i = 0; i < THRESHOLD; i++) rig.a.enqueue(providerError('openai', 503, `down ${i}`));
  for (let i = 0; i < THRESHOLD; i++) {
    const answer = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
  }
  assert.equal(rig.a.requests.length, THRESHOLD);
  assert.equal(breaker.isOpen(chain.models[0]!.id), true);
  rig.a.clear();
  rig.b.clear();
  return chain;
}

describe('circuit breaker in the request path', () => {
  it('opens after N consecutive failures; while open the primary receives nothing and the fallback answers first', async () => {
    const chain = await openedChain();
    for (let i = 0; i < 3; i++) {
      const answer = await openai.ask(chain.endpoint);
      assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '1' });
      const record = await recordOf(rig, answer.headers.get('x-request-id'));
      assert.deepEqual(attemptsOf(record), [[chain.models[1]!.name, 200]]);
    }
    clock.now += COOLDOWN_MS - 1;
    await openai.ask(chain.endpoint);
    assert.equal(rig.a.requests.length, 0, 'no request reached the primary while its circuit was open');
    assert.equal(rig.b.requests.length, 4);
  });

  it('after the cooldown one probe goes to the primary; its success closes the circuit', async () => {
    const chain = await openedChain();
    clock.now += COOLDOWN_MS;
    const probe = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(probe.headers), { model: chain.models[0]!.name, attempts: '1' });
    assert.equal(breaker.isOpen(chain.models[0]!.id), false);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await openai.ask(chain.endpoint)).headers.get('x-switchyard-model'),
        chain.models[0]!.name,
      );
    }
    assert.equal(rig.a.requests.length, 4);
    assert.equal(rig.b.requests.length, 0);
  });

  it('a failed probe reopens the circuit at once: the next request goes straight to the fallback', async () => {
    const chain = await openedChain();
    clock.now += COOLDOWN_MS;
    rig.a.enqueue(providerError('openai', 500, 'still down'));
    const probe = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(probe.headers), { model: chain.models[1]!.name, attempts: '2' });
    assert.equal(rig.a.requests.length, 1);
    const next = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(next.headers), { model: chain.models[1]!.name, attempts: '1' });
    assert.equal(rig.a.requests.length, 1, 'no second probe before another cooldown');
    clock.now += COOLDOWN_MS;
    assert.equal((await openai.ask(chain.endpoint)).headers.get('x-switchyard-model'), chain.models[0]!.name);
  });

  it('half-open admits a single probe: a request arriving meanwhile goes to the fallback', async () => {
    const chain = await openedChain();
    clock.now += COOLDOWN_MS;
    rig.a.enqueue(slowFirstByte(400));
    const probe = post(rig.gw.url, '/v1/chat/completions', chatBody(chain.endpoint));
    await rig.a.waitForRequests(1);
    const meanwhile = await post(rig.gw.url, '/v1/chat/completions', chatBody(chain.endpoint));
    assert.equal(meanwhile.status, 200);
    assert.equal(meanwhile.headers.get('x-switchyard-model'), chain.models[1]!.name);
    const probed = await probe;
    assert.equal(probed.status, 200);
    assert.equal(probed.headers.get('x-switchyard-model'), chain.models[0]!.name);
    assert.equal(rig.a.requests.length, 1);
  });

  it('connect failures open it too (a dead port is not dialled while open)', async () => {
    const chain = await addChain(rig, 'openai', [rig.dead, rig.b]);
    for (let i = 0; i < THRESHOLD; i++) {
      assert.equal((await openai.ask(chain.endpoint)).headers.get('x-switchyard-attempts'), '2');
    }
    const answer = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '1' });
  });

  it("the client's errors (400) and rate limits (429) do not open it", async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    for (let i = 0; i < THRESHOLD + 2; i++) {
      rig.a.enqueue(providerError('openai', i % 2 === 0 ? 400 : 429, 'not a health problem'));
    }
    for (let i = 0; i < THRESHOLD + 2; i++) await openai.ask(chain.endpoint).catch(() => undefined);
    assert.equal(breaker.isOpen(chain.models[0]!.id), false);
    const answer = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[0]!.name, attempts: '1' });
  });

  it('only consecutive failures count: a success in between resets the streak', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    const fail = () => rig.a.enqueue(providerError('openai', 503, 'down'));
    for (let i = 0; i < THRESHOLD - 1; i++) fail();
    for (let i = 0; i < THRESHOLD - 1; i++) await openai.ask(chain.endpoint);
    await openai.ask(chain.endpoint); // the primary answers
    for (let i = 0; i < THRESHOLD - 1; i++) fail();
    for (let i = 0; i < THRESHOLD - 1; i++) await openai.ask(chain.endpoint);
    assert.equal(breaker.isOpen(chain.models[0]!.id), false);
    assert.equal((await openai.ask(chain.endpoint)).headers.get('x-switchyard-model'), chain.models[0]!.name);
  });

  it('a single-model endpoint whose circuit is open still tries its model (never left with nothing)', async () => {
    const chain = await addChain(rig, 'openai', [rig.a]);
    for (let i = 0; i < THRESHOLD; i++) rig.a.enqueue(providerError('openai', 503, 'down'));
    for (let i = 0; i < THRESHOLD; i++) {
      assert.equal((await openai.refuse(chain.endpoint)).status, 503);
    }
    assert.equal(breaker.isOpen(chain.models[0]!.id), true);
    const answer = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[0]!.name, attempts: '1' });
    assert.equal(rig.a.requests.length, THRESHOLD + 1);
    assert.equal(breaker.isOpen(chain.models[0]!.id), false, 'its success closed the circuit');
  });

  it('an endpoint whose models are all open tries each of them, in order', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b]);
    for (const fake of [rig.a, rig.b]) {
      for (let i = 0; i < THRESHOLD; i++) fake.enqueue(providerError('openai', 503, 'down'));
    }
    for (let i = 0; i < THRESHOLD; i++) await openai.refuse(chain.endpoint);
    assert.equal(breaker.isOpen(chain.models[0]!.id), true);
    assert.equal(breaker.isOpen(chain.models[1]!.id), true);
    rig.a.enqueue(providerError('openai', 503, 'still down'));
    const answer = await openai.ask(chain.endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: chain.models[1]!.name, attempts: '2' });
  });

  it('the circuit belongs to the model: another endpoint using it is diverted too', async () => {
    const chain = await openedChain();
    const other = await addModel(rig, { provider: 'openai', upstream: rig.c });
    const endpoint = await addEndpoint(rig, [
      { model: chain.models[0]! },
      { model: other, role: 'fallback' },
    ]);
    const answer = await openai.ask(endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: other.name, attempts: '1' });
    assert.equal(rig.a.requests.length, 0);
  });

  it('a probe whose client went away does not keep the circuit open for good', async () => {
    const chain = await openedChain();
    clock.now += COOLDOWN_MS;
    rig.a.enqueue(slowFirstByte(5000));
    const client = new AbortController();
    const abandoned = fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody(chain.endpoint),
      signal: client.signal,
    }).catch(() => undefined);
    await rig.a.waitForRequests(1);
    client.abort();
    await abandoned;
    await rig.a.waitForAborts(1);
    await sleep(50);
    // Long after any cooldown, the primary gets a probe again instead of being skipped forever.
    clock.now += 10 * COOLDOWN_MS;
    const answer = await openai.ask(chain.endpoint);
    assert.equal(answer.headers.get('x-switchyard-model'), chain.models[0]!.name);
  });

  it('a probe refused before it was sent (a !PASSTHRU model, no client key) does not keep the circuit open', async () => {
    const own = await addModel(rig, { provider: 'openai', upstream: rig.a, apiKey: '!PASSTHRU' });
    const fallback = await addModel(rig, { provider: 'openai', upstream: rig.b });
    const endpoint = await addEndpoint(rig, [{ model: own }, { model: fallback, role: 'fallback' }]);
    const withKey = { authorization: 'Bearer sk-client-own-key-0001' };
    for (let i = 0; i < THRESHOLD; i++) rig.a.enqueue(providerError('openai', 503, 'down'));
    for (let i = 0; i < THRESHOLD; i++) {
      assert.equal((await post(rig.gw.url, '/v1/chat/completions', chatBody(endpoint), withKey)).status, 200);
    }
    assert.equal(breaker.isOpen(own.id), true);
    clock.now += COOLDOWN_MS;
    const keyless = await post(rig.gw.url, '/v1/chat/completions', chatBody(endpoint));
    assert.equal(keyless.status, 401);
    clock.now += 10 * COOLDOWN_MS;
    rig.a.clear();
    const next = await post(rig.gw.url, '/v1/chat/completions', chatBody(endpoint), withKey);
    assert.equal(next.status, 200);
    assert.equal(next.headers.get('x-switchyard-model'), own.name, 'the primary is probed again');
    assert.equal(rig.a.requests.length, 1);
  });

  it('a half-open model answered locally (count_tokens estimate) does not keep the circuit open', async () => {
    const chain = await openedChain();
    clock.now += COOLDOWN_MS;
    const count = await post(
      rig.gw.url,
      '/v1/messages/count_tokens',
      JSON.stringify({ model: chain.endpoint, messages: [{ role: 'user', content: 'hi' }] }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(count.status, 200, count.text);
    assert.equal(rig.a.requests.length, 0, 'an estimate, made without the provider');
    clock.now += 10 * COOLDOWN_MS;
    const answer = await openai.ask(chain.endpoint);
    assert.equal(
      answer.headers.get('x-switchyard-model'),
      chain.models[0]!.name,
      'the primary is probed again',
    );
  });

  it('a fallback the total deadline left no time for is not counted as failing', async () => {
    const chain = await addChain(rig, 'openai', [rig.a, rig.b], { timeouts: { total_ms: 300 } });
    for (let i = 0; i < THRESHOLD; i++) {
      rig.a.enqueue(slowFirstByte(2000));
      assert.equal((await openai.refuse(chain.endpoint)).status, 504);
    }
    assert.equal(rig.b.requests.length, 0, 'the fallback was never contacted');
    assert.equal(breaker.isOpen(chain.models[1]!.id), false, 'so its circuit has no reason to open');
  });
});
