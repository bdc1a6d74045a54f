// Pure-test helpers: model targets and endpoints built in memory, and random sources that
// return a fixed sequence (and fail when asked for more than the test planned).

import assert from 'node:assert/strict';
import { findProvider } from '../../src/providers/registry.ts';
import type { RandomSource } from '../../src/routing/targets.ts';
import type { ModelTarget, RoutedEndpoint } from '../../src/snapshot/config-snapshot.ts';
import type { EndpointPolicy } from '../../src/store/records.ts';

export function target(name: string): ModelTarget {
  const provider = findProvider('openai');
  assert.ok(provider);
  return {
    id: `id-${name}`,
    name,
    provider,
    modelName: name,
    apiBase: 'http://127.0.0.1:9/v1',
    credential: {
      secretId: 'sec-1',
      secretName: 'secret',
      apiKey: 'sk-test',
      apiKeys: ['sk-test'],
      passthrough: false,
      authConfig: {},
    },
    pricing: null,
  };
}

export function endpoint(
  primaries: readonly [ModelTarget, number][],
  fallbacks: readonly ModelTarget[] = [],
  policy: Partial<EndpointPolicy> = {},
): RoutedEndpoint {
  return {
    id: 'ep-1',
    name: 'ep',
    createdAt: '2026-01-01T00:00:00.000Z',
    policy: {
      routing: 'first',
      fallback: null,
      retry: null,
      timeouts: null,
      usage_tracking: true,
      ...policy,
    },
    primaries: primaries.map(([model, weight]) => ({ model, weight })),
    fallbacks,
  };
}

/** Returns `values` in order; asking for one more fails the test. */
export function sequence(values: readonly number[]): RandomSource & { readonly used: number } {
  let used = 0;
  const next = (): number => {
    assert.ok(used < values.length, `random() called more than the ${values.length} planned times`);
    return values[used++]!;
  };
  Object.defineProperty(next, 'used', { get: () => used });
  return next as RandomSource & { readonly used: number };
}

/** A random source the code under test must not call. */
export const noRandom: RandomSource = () => assert.fail('random() must not be called here');

/** `n` evenly spaced values in [0, 1): 0, 1/n, 2/n, ... */
export function evenly(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i / n);
}

/** How often each key occurs. */
export function tally(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
