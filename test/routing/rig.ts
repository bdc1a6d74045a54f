// A gateway with three fake providers and a closed port, for routing tests: each test builds
// its own secrets, models and endpoint (fresh names, so circuits and key rotations of one
// test never leak into another), and reads back the request record by x-request-id.

import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/pipeline/request-record.ts';
import { MemoryRecordSink } from '../../src/pipeline/request-record.ts';
import type { CircuitBreaker } from '../../src/routing/circuit-breaker.ts';
import {
  anthropicError,
  type FakeProvider,
  geminiError,
  openaiError,
  type Reply,
  startFakeProvider,
} from '../fake-provider/index.ts';
import { closedPort } from '../passthrough/helpers.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

export type Provider = 'openai' | 'anthropic' | 'gemini';

/** What a model points at: a fake provider, or a bare URL (the closed port). */
export type Upstream = FakeProvider | { readonly url: string };

/**
 * The gateway's random source: values queued by a test are used first, in order; after
 * them it returns `otherwise` (0 by default: no backoff wait, first weighted primary).
 */
export class ScriptedRandom {
  readonly #queue: number[] = [];
  otherwise = 0;
  calls = 0;

  readonly next = (): number => {
    this.calls++;
    return this.#queue.shift() ?? this.otherwise;
  };

  push(...values: number[]): void {
    this.#queue.push(...values);
  }

  reset(): void {
    this.#queue.length = 0;
    this.otherwise = 0;
    this.calls = 0;
  }

  get pending(): number {
    return this.#queue.length;
  }
}

export interface RoutingRig {
  gw: TestGateway;
  sink: MemoryRecordSink;
  random: ScriptedRandom;
  /** Three independent upstreams: typically primary, first fallback, second fallback. */
  a: FakeProvider;
  b: FakeProvider;
  c: FakeProvider;
  /** Nothing listens there (bound, then closed). */
  dead: Upstream;
  /** Forget recorded requests and queued replies on every fake; reset the random source. */
  reset(): void;
  close(): Promise<void>;
}

export async function startRoutingRig(extra: { breaker?: CircuitBreaker } = {}): Promise<RoutingRig> {
  const [a, b, c] = await Promise.all([startFakeProvider(), startFakeProvider(), startFakeProvider()]);
  const sink = new MemoryRecordSink();
  const random = new ScriptedRandom();
  const gw = await startGateway({}, { sink, keepaliveMs: 5000, random: random.next, ...extra });
  const dead = { url: `http://127.0.0.1:${await closedPort()}` };
  return {
    gw,
    sink,
    random,
    a,
    b,
    c,
    dead,
    reset() {
      a.reset();
      b.reset();
      c.reset();
      random.reset();
    },
    async close() {
      await gw.close();
      await Promise.all([a.close(), b.close(), c.close()]);
    },
  };
}

/** The upstream model name each provider's models get unless a test says otherwise. */
export const UPSTREAM_MODEL: Readonly<Record<Provider, string>> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
};

export function apiBase(provider: Provider, upstream: Upstream): string {
  return provider === 'openai' ? `${upstream.url}/v1` : upstream.url;
}

let counter = 0;
export function fresh(prefix: string): string {
  counter++;
  return `${prefix}-${counter}`;
}

export interface ModelRef {
  name: string;
  id: string;
}

/** A secret (one key, several keys, or !PASSTHRU) and a model on it. */
export async function addModel(
  rig: RoutingRig,
  spec: {
    provider: Provider;
    upstream: Upstream;
    modelName?: string;
    keys?: readonly string[];
    apiKey?: string;
    name?: string;
  },
): Promise<ModelRef> {
  const name = spec.name ?? fresh(`${spec.provider}-m`);
  const value =
    spec.keys === undefined ? { api_key: spec.apiKey ?? `sk-${name}-0000000000` } : { api_keys: spec.keys };
  const secret = await rig.gw.call('POST', '/api/v1/secrets', {
    name: `${name}-secret`,
    provider: spec.provider,
    value,
    auth_config: { api_base: apiBase(spec.provider, spec.upstream) },
  });
  assert.equal(secret.status, 201, secret.text);
  const model = await rig.gw.call('POST', '/api/v1/models', {
    name,
    provider: spec.provider,
    model_name: spec.modelName ?? UPSTREAM_MODEL[spec.provider],
    secret: `${name}-secret`,
  });
  assert.equal(model.status, 201, model.text);
  const id = (model.body as { id?: unknown } | null)?.id;
  assert.equal(typeof id, 'string');
  return { name, id: id as string };
}

export interface EndpointModel {
  model: ModelRef;
  role?: 'primary' | 'fallback';
  weight?: number;
  order?: number;
}

/** An endpoint over the given models, with any policy fields (routing, fallback, retry, timeouts). */
export async function addEndpoint(
  rig: RoutingRig,
  models: readonly EndpointModel[],
  policy: Record<string, unknown> = {},
): Promise<string> {
  const name = fresh('ep');
  const reply = await rig.gw.call('POST', '/api/v1/endpoints', {
    name,
    models: models.map((m) => ({
      model: m.model.name,
      role: m.role ?? 'primary',
      ...(m.weight === undefined ? {} : { weight: m.weight }),
      ...(m.order === undefined ? {} : { order: m.order }),
    })),
    ...policy,
  });
  assert.equal(reply.status, 201, reply.text);
  return name;
}

export interface Chain {
  endpoint: string;
  /** In plan order: the primary, then each fallback. */
  models: ModelRef[];
}

/**
 * The common shape: one primary on the first upstream, then one fallback per further upstream
 * (in that order), all of one provider.
 */
export async function addChain(
  rig: RoutingRig,
  provider: Provider,
  upstreams: readonly Upstream[],
  policy: Record<string, unknown> = {},
): Promise<Chain> {
  const models: ModelRef[] = [];
  for (const upstream of upstreams) models.push(await addModel(rig, { provider, upstream }));
  const endpoint = await addEndpoint(
    rig,
    models.map((model, i) => (i === 0 ? { model } : { model, role: 'fallback', order: i })),
    policy,
  );
  return { endpoint, models };
}

/** The record of a request, by its x-request-id (streams are recorded after their last byte). */
export async function recordOf(
  rig: RoutingRig,
  requestId: string | null | undefined,
): Promise<RequestRecord> {
  assert.ok(requestId, 'the response has an x-request-id');
  const deadline = Date.now() + 3000;
  for (;;) {
    const found = rig.sink.records.find((r) => r.requestId === requestId);
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`no request record for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `[model, status]` of each attempt, in order. */
export function attemptsOf(record: RequestRecord): [string, number | null][] {
  return record.attempts.map((a) => [a.model, a.status]);
}

/** The `model` field of each body a fake received (what the gateway asked it for). */
export function modelsAskedOf(fake: FakeProvider): unknown[] {
  return fake.requests.map((r) => (r.json as { model?: unknown } | undefined)?.model);
}

/** An error reply in the provider's own shape. */
export function providerError(
  provider: Provider,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  switch (provider) {
    case 'openai':
      return openaiError(status, message, { headers });
    case 'anthropic':
      return anthropicError(status, message, { headers });
    case 'gemini':
      return geminiError(status, message, { headers });
  }
}
