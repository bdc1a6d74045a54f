// traffic_split through a real gateway, with the gateway's random source scripted: each
// request's primary is the weighted pick of the next value; failures go to the fallbacks.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { post } from '../passthrough/helpers.ts';
import { type DialectClient, dialectClients } from './clients.ts';
import {
  addEndpoint,
  addModel,
  attemptsOf,
  modelsAskedOf,
  providerError,
  type RoutingRig,
  recordOf,
  startRoutingRig,
} from './rig.ts';
import { evenly, tally } from './unit-helpers.ts';

let rig: RoutingRig;
let openai: DialectClient;

before(async () => {
  rig = await startRoutingRig();
  openai = dialectClients(rig.gw.url).clients.openai;
});
after(() => rig.close());
beforeEach(() => rig.reset());

/** Two primaries (weights 3 and 1) on one fake, told apart by model_name, and a fallback on another. */
async function split(weights: [number | undefined, number | undefined] = [3, 1]) {
  const heavy = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'heavy-upstream' });
  const light = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'light-upstream' });
  const fallback = await addModel(rig, {
    provider: 'openai',
    upstream: rig.b,
    modelName: 'fallback-upstream',
  });
  const endpoint = await addEndpoint(
    rig,
    [
      { model: heavy, ...(weights[0] === undefined ? {} : { weight: weights[0] }) },
      { model: light, ...(weights[1] === undefined ? {} : { weight: weights[1] }) },
      { model: fallback, role: 'fallback' },
    ],
    { routing: 'traffic_split' },
  );
  return { endpoint, heavy, light, fallback };
}

describe('traffic_split', () => {
  it('each request goes to the primary its random value picks (3:1 cut at 0.75)', async () => {
    const { endpoint, heavy, light } = await split();
    const values = [0.1, 0.8, 0.7499, 0.75, 0, 0.99];
    rig.random.push(...values);
    const served: (string | null)[] = [];
    for (const _ of values) served.push((await openai.ask(endpoint)).headers.get('x-switchyard-model'));
    assert.deepEqual(served, [heavy.name, light.name, heavy.name, light.name, heavy.name, light.name]);
    assert.deepEqual(modelsAskedOf(rig.a), [
      'heavy-upstream',
      'light-upstream',
      'heavy-upstream',
      'light-upstream',
      'heavy-upstream',
      'light-upstream',
    ]);
    assert.equal(rig.random.pending, 0, 'one random value per request');
    assert.equal(rig.b.requests.length, 0);
  });

  it('over 40 evenly spaced values the split is exactly 30 / 10', async () => {
    const { endpoint } = await split();
    rig.random.push(...evenly(40));
    const body = JSON.stringify({ model: endpoint, messages: [{ role: 'user', content: 'hi' }] });
    const replies = await Promise.all(evenly(40).map(() => post(rig.gw.url, '/v1/chat/completions', body)));
    assert.deepEqual(
      replies.map((r) => r.status),
      evenly(40).map(() => 200),
    );
    assert.deepEqual(tally(modelsAskedOf(rig.a).map(String)), { 'heavy-upstream': 30, 'light-upstream': 10 });
  });

  it('weights left out count as 1 each: an even split', async () => {
    const { endpoint, heavy, light } = await split([undefined, undefined]);
    rig.random.push(0.49, 0.5);
    assert.equal((await openai.ask(endpoint)).headers.get('x-switchyard-model'), heavy.name);
    assert.equal((await openai.ask(endpoint)).headers.get('x-switchyard-model'), light.name);
  });

  it('when the picked primary fails, the fallback answers; the other primary is not tried', async () => {
    const { endpoint, light, fallback } = await split();
    rig.random.push(0.9);
    rig.a.enqueue(providerError('openai', 503, 'light is down'));
    const answer = await openai.ask(endpoint);
    assert.equal(answer.headers.get('x-switchyard-model'), fallback.name);
    assert.deepEqual(modelsAskedOf(rig.a), ['light-upstream']);
    assert.deepEqual(modelsAskedOf(rig.b), ['fallback-upstream']);
    const record = await recordOf(rig, answer.headers.get('x-request-id'));
    assert.deepEqual(attemptsOf(record), [
      [light.name, 503],
      [fallback.name, 200],
    ]);
  });

  it('the pick is made once per request: retries stay on the picked model, jitter takes the next values', async () => {
    const heavy = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'heavy-upstream' });
    const light = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'light-upstream' });
    const endpoint = await addEndpoint(
      rig,
      [
        { model: heavy, weight: 1 },
        { model: light, weight: 1 },
      ],
      { routing: 'traffic_split', retry: { attempts: 2, backoff_ms: 10 } },
    );
    rig.random.push(0.6, 0.1, 0.9); // pick light, then the two backoff waits
    rig.a.enqueue(providerError('openai', 500, 'once'));
    rig.a.enqueue(providerError('openai', 500, 'twice'));
    const answer = await openai.ask(endpoint);
    assert.equal(answer.headers.get('x-switchyard-model'), light.name);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '3');
    assert.deepEqual(modelsAskedOf(rig.a), ['light-upstream', 'light-upstream', 'light-upstream']);
    assert.equal(rig.random.pending, 0);
  });

  it("routing 'first' never consults the random source", async () => {
    const first = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'first-upstream' });
    const second = await addModel(rig, { provider: 'openai', upstream: rig.a, modelName: 'second-upstream' });
    const endpoint = await addEndpoint(rig, [
      { model: first, weight: 1 },
      { model: second, weight: 100 },
    ]);
    for (let i = 0; i < 3; i++) await openai.ask(endpoint);
    assert.equal(rig.random.calls, 0);
    assert.deepEqual(modelsAskedOf(rig.a), ['first-upstream', 'first-upstream', 'first-upstream']);
  });
});
