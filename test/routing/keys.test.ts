// Secrets holding several keys (`value.api_keys`): round-robin per request, and a key the
// provider refuses (401/403/429) is set aside while the same request is retried at once, on
// the same model, with the next key.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FakeProvider } from '../fake-provider/index.ts';
import { type DialectClient, dialectClients, PROVIDERS, routedBy } from './clients.ts';
import {
  addEndpoint,
  addModel,
  attemptsOf,
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

let serial = 0;
/** Three distinct keys, unique to the test. */
function keys(provider: Provider): string[] {
  serial++;
  return [1, 2, 3].map((i) => `${provider}-key-${serial}-${i}-0000000000`);
}

const KEY_HEADER: Record<Provider, (key: string) => [string, string]> = {
  openai: (key) => ['authorization', `Bearer ${key}`],
  anthropic: (key) => ['x-api-key', key],
  gemini: (key) => ['x-goog-api-key', key],
};

/** The key each request to `fake` carried, in order. */
function keysSeen(fake: FakeProvider, provider: Provider): string[] {
  const [header, sample] = KEY_HEADER[provider]('');
  return fake.requests.map((r) => (r.headers[header] ?? '').slice(sample.length));
}

async function multiKeyEndpoint(
  provider: Provider,
  secretKeys: string[],
  policy: Record<string, unknown> = {},
) {
  const model = await addModel(rig, { provider, upstream: rig.a, keys: secretKeys });
  const fallback = await addModel(rig, { provider, upstream: rig.b });
  const endpoint = await addEndpoint(rig, [{ model }, { model: fallback, role: 'fallback' }], policy);
  return { endpoint, model, fallback };
}

describe('several keys in one secret', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: requests take the keys in turn`, async () => {
      const k = keys(provider);
      const { endpoint } = await multiKeyEndpoint(provider, k);
      for (let i = 0; i < 7; i++) await clients[provider].ask(endpoint);
      assert.deepEqual(keysSeen(rig.a, provider), [k[0], k[1], k[2], k[0], k[1], k[2], k[0]]);
    });
  }

  for (const status of [401, 403, 429]) {
    it(`a ${status} on one key: the same request is retried at once on the same model with the next key`, async () => {
      const k = keys('openai');
      const { endpoint, model } = await multiKeyEndpoint('openai', k);
      await clients.openai.ask(endpoint); // k1
      rig.a.clear();
      rig.a.enqueue(providerError('openai', status, `key refused (${status})`, { 'retry-after': '1' }));
      const answer = await clients.openai.ask(endpoint);
      assert.deepEqual(routedBy(answer.headers), { model: model.name, attempts: '2' });
      assert.deepEqual(keysSeen(rig.a, 'openai'), [k[1], k[2]]);
      assert.equal(rig.b.requests.length, 0, 'no fallback: another key did it');
      const record = await recordOf(rig, answer.headers.get('x-request-id'));
      assert.deepEqual(attemptsOf(record), [
        [model.name, status],
        [model.name, 200],
      ]);
      // The refused key sits out while the other two keep turning.
      rig.a.clear();
      for (let i = 0; i < 4; i++) await clients.openai.ask(endpoint);
      assert.deepEqual(keysSeen(rig.a, 'openai'), [k[0], k[2], k[0], k[2]]);
    });
  }

  it('anthropic: a 401 on one key → the next key, through the Anthropic SDK', async () => {
    const k = keys('anthropic');
    const { endpoint, model } = await multiKeyEndpoint('anthropic', k);
    rig.a.enqueue(providerError('anthropic', 401, 'invalid x-api-key'));
    const answer = await clients.anthropic.ask(endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: model.name, attempts: '2' });
    assert.deepEqual(keysSeen(rig.a, 'anthropic'), [k[0], k[1]]);
  });

  it('every key refused: each is tried once, then the 401 is answered (no fallback for a key problem)', async () => {
    const k = keys('openai');
    const { endpoint, model } = await multiKeyEndpoint('openai', k, {
      retry: { attempts: 2, backoff_ms: 1 },
    });
    for (let i = 0; i < 3; i++) rig.a.enqueue(providerError('openai', 401, `bad key ${i}`));
    const refusal = await clients.openai.refuse(endpoint);
    assert.equal(refusal.status, 401);
    assert.equal(refusal.errorClass, 'AuthenticationError');
    assert.deepEqual(routedBy(refusal.headers), { model: model.name, attempts: '3' });
    assert.deepEqual(keysSeen(rig.a, 'openai'), k);
    assert.equal(rig.b.requests.length, 0);
  });

  it('every key rate limited: each is tried once, then the 429 goes on to the fallback', async () => {
    const k = keys('openai');
    const { endpoint, fallback } = await multiKeyEndpoint('openai', k);
    for (let i = 0; i < 3; i++)
      rig.a.enqueue(providerError('openai', 429, `busy ${i}`, { 'retry-after': '0' }));
    const answer = await clients.openai.ask(endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: fallback.name, attempts: '4' });
    assert.deepEqual(keysSeen(rig.a, 'openai'), k);
  });

  it('a 5xx is not a key problem: no key switch, the usual retry/fallback', async () => {
    const k = keys('openai');
    const { endpoint, fallback } = await multiKeyEndpoint('openai', k);
    rig.a.enqueue(providerError('openai', 503, 'down'));
    const answer = await clients.openai.ask(endpoint);
    assert.deepEqual(routedBy(answer.headers), { model: fallback.name, attempts: '2' });
    assert.equal(rig.a.requests.length, 1);
  });

  it('a single-key secret answered 401: no retry, the 401 is the answer', async () => {
    const model = await addModel(rig, { provider: 'openai', upstream: rig.a });
    const fallback = await addModel(rig, { provider: 'openai', upstream: rig.b });
    const endpoint = await addEndpoint(rig, [{ model }, { model: fallback, role: 'fallback' }]);
    rig.a.enqueue(providerError('openai', 401, 'bad key'));
    const refusal = await clients.openai.refuse(endpoint);
    assert.equal(refusal.status, 401);
    assert.equal(refusal.headers.get('x-switchyard-attempts'), '1');
    assert.equal(rig.b.requests.length, 0);
  });

  it('the admin API never shows the keys, only each one masked', async () => {
    const k = keys('openai');
    const model = await addModel(rig, { provider: 'openai', upstream: rig.a, keys: k });
    const secret = await rig.gw.call('GET', `/api/v1/secrets/${model.name}-secret`);
    assert.equal(secret.status, 200);
    for (const key of k) assert.ok(!secret.text.includes(key.slice(3, -4)), 'no key material');
    const masked = (secret.body as { masked_value?: unknown }).masked_value;
    assert.equal(masked, k.map((key) => `${key.slice(0, 3)}...${key.slice(-4)}`).join(', '));
  });

  it('a PATCH to another key list is used from the next request on', async () => {
    const k = keys('openai');
    const model = await addModel(rig, { provider: 'openai', upstream: rig.a, keys: k.slice(0, 2) });
    const endpoint = await addEndpoint(rig, [{ model }]);
    await clients.openai.ask(endpoint);
    const patched = await rig.gw.call('PATCH', `/api/v1/secrets/${model.name}-secret`, {
      value: { api_keys: [k[2]] },
    });
    assert.equal(patched.status, 200, patched.text);
    await clients.openai.ask(endpoint);
    await clients.openai.ask(endpoint);
    assert.deepEqual(keysSeen(rig.a, 'openai'), [k[0], k[2], k[2]]);
  });
});
