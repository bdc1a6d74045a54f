// retryDelayMs: full-jitter exponential backoff under a 20 s cap, or the provider's
// retry-after exactly (and no retry at all when it asks for more than the cap).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BACKOFF_MS, MAX_RETRY_WAIT_MS, retryDelayMs } from '../../src/routing/backoff.ts';
import { prng } from '../support/prng.ts';
import { noRandom } from './unit-helpers.ts';

describe('retryDelayMs without retry-after', () => {
  it('documents its defaults: 250 ms base, 20 s cap', () => {
    assert.equal(DEFAULT_BACKOFF_MS, 250);
    assert.equal(MAX_RETRY_WAIT_MS, 20_000);
  });

  it('is random() × base × 2^retry, rounded down', () => {
    assert.equal(
      retryDelayMs(0, 250, () => 0.5, undefined),
      125,
    );
    assert.equal(
      retryDelayMs(1, 250, () => 0.5, undefined),
      250,
    );
    assert.equal(
      retryDelayMs(2, 250, () => 0.5, undefined),
      500,
    );
    assert.equal(
      retryDelayMs(3, 100, () => 0.25, undefined),
      200,
    );
    assert.equal(
      retryDelayMs(0, 250, () => 0.999, undefined),
      249,
    );
  });

  it('full jitter: random() = 0 means no wait at all', () => {
    for (let retry = 0; retry < 8; retry++)
      assert.equal(
        retryDelayMs(retry, 250, () => 0, undefined),
        0,
      );
  });

  it('stays in [0, min(20 s, base × 2^retry)) for many random values and retries', () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      for (let retry = 0; retry <= 12; retry++) {
        for (const base of [1, 10, 250, 1000, 60_000]) {
          const ceiling = Math.min(MAX_RETRY_WAIT_MS, base * 2 ** retry);
          for (let i = 0; i < 50; i++) {
            const delay = retryDelayMs(retry, base, random, undefined);
            assert.ok(delay !== undefined);
            assert.ok(Number.isInteger(delay), `integer delay: ${delay}`);
            assert.ok(
              delay >= 0 && delay < ceiling,
              `retry ${retry}, base ${base}: ${delay} ∉ [0, ${ceiling})`,
            );
          }
        }
      }
    }
  });

  it('is capped at 20 s however many retries came before', () => {
    assert.equal(
      retryDelayMs(30, 250, () => 0.5, undefined),
      10_000,
    );
    assert.equal(
      retryDelayMs(10, 60_000, () => 0.999999, undefined),
      19_999,
    );
  });

  it('a base of 0 never waits', () => {
    assert.equal(
      retryDelayMs(5, 0, () => 0.9, undefined),
      0,
    );
  });
});

describe('retryDelayMs with retry-after', () => {
  it('waits exactly what the provider asked, without consulting random()', () => {
    assert.equal(retryDelayMs(0, 250, noRandom, 1000), 1000);
    assert.equal(retryDelayMs(3, 250, noRandom, 0), 0);
    assert.equal(retryDelayMs(0, 250, noRandom, 7), 7);
  });

  it('up to the cap inclusive', () => {
    assert.equal(retryDelayMs(0, 250, noRandom, MAX_RETRY_WAIT_MS), MAX_RETRY_WAIT_MS);
  });

  it('past the cap: undefined (do not retry this model, move on)', () => {
    assert.equal(retryDelayMs(0, 250, noRandom, MAX_RETRY_WAIT_MS + 1), undefined);
    assert.equal(retryDelayMs(0, 250, noRandom, 3_600_000), undefined);
  });
});
