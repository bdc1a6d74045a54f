// InProcessKeyPool on an injected clock: round-robin per secret, keys set aside for a
// cooldown, and the soonest-free key when every key is set aside.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InProcessKeyPool, KEY_COOLDOWN_MS } from '../../src/routing/key-pool.ts';

const KEYS = ['k1', 'k2', 'k3'] as const;

function rig() {
  const clock = { now: 1_000_000 };
  const pool = new InProcessKeyPool(() => clock.now);
  const picks = (n: number, secret = 's', keys: readonly string[] = KEYS) =>
    Array.from({ length: n }, () => pool.pick(secret, keys));
  return { clock, pool, picks };
}

describe('InProcessKeyPool', () => {
  it('sets keys aside for 60 s by default', () => {
    assert.equal(KEY_COOLDOWN_MS, 60_000);
  });

  it('no keys: undefined; one key: always that key', () => {
    const { pool, picks } = rig();
    assert.equal(pool.pick('s', []), undefined);
    assert.deepEqual(picks(3, 's', ['only']), ['only', 'only', 'only']);
    pool.setAside('s', 'only', 60_000);
    assert.equal(pool.pick('s', ['only']), 'only', 'a single key is used even when set aside');
  });

  it('round-robins over the keys in order', () => {
    const { picks } = rig();
    assert.deepEqual(picks(7), ['k1', 'k2', 'k3', 'k1', 'k2', 'k3', 'k1']);
  });

  it('each secret has its own rotation', () => {
    const { pool } = rig();
    assert.equal(pool.pick('a', KEYS), 'k1');
    assert.equal(pool.pick('a', KEYS), 'k2');
    assert.equal(pool.pick('b', KEYS), 'k1');
    assert.equal(pool.pick('a', KEYS), 'k3');
    assert.equal(pool.pick('b', KEYS), 'k2');
  });

  it('skips a key set aside until its cooldown has passed, then rotates it back in', () => {
    const { clock, pool, picks } = rig();
    pool.setAside('s', 'k2', KEY_COOLDOWN_MS);
    assert.deepEqual(picks(4), ['k1', 'k3', 'k1', 'k3']);
    clock.now += KEY_COOLDOWN_MS - 1;
    assert.deepEqual(picks(2), ['k1', 'k3']);
    clock.now += 1;
    assert.deepEqual(picks(3), ['k1', 'k2', 'k3']);
  });

  it('a key set aside in one secret is usable in another', () => {
    const { pool } = rig();
    pool.setAside('a', 'k1', 60_000);
    assert.equal(pool.pick('a', KEYS), 'k2');
    assert.equal(pool.pick('b', KEYS), 'k1');
  });

  it('when every key is set aside, the one free soonest is used', () => {
    const { pool } = rig();
    pool.setAside('s', 'k1', 30_000);
    pool.setAside('s', 'k2', 10_000);
    pool.setAside('s', 'k3', 20_000);
    assert.equal(pool.pick('s', KEYS), 'k2');
    assert.equal(pool.pick('s', KEYS), 'k2');
  });

  it('hasAlternative: another key of the secret is free now', () => {
    const { clock, pool } = rig();
    assert.equal(pool.hasAlternative('s', KEYS, 'k1'), true);
    pool.setAside('s', 'k2', 1000);
    assert.equal(pool.hasAlternative('s', KEYS, 'k1'), true, 'k3 is free');
    pool.setAside('s', 'k3', 1000);
    assert.equal(pool.hasAlternative('s', KEYS, 'k1'), false);
    assert.equal(pool.hasAlternative('s', ['k1'], 'k1'), false, 'a single key has no alternative');
    clock.now += 1000;
    assert.equal(pool.hasAlternative('s', KEYS, 'k1'), true);
  });

  it('setting aside again replaces the previous cooldown (a shorter one shortens it)', () => {
    const { clock, pool, picks } = rig();
    pool.setAside('s', 'k1', 60_000);
    pool.setAside('s', 'k1', 5_000);
    clock.now += 5_000;
    assert.deepEqual(picks(3), ['k1', 'k2', 'k3']);
  });
});
