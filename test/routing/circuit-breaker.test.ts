// InProcessCircuitBreaker as a state machine on an injected clock: closed → open after N
// consecutive failures → half-open (one probe) after the cooldown → closed or open again.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER, InProcessCircuitBreaker } from '../../src/routing/circuit-breaker.ts';

function rig(threshold = 3, cooldownMs = 1000) {
  const clock = { now: 10_000 };
  const breaker = new InProcessCircuitBreaker({ threshold, cooldownMs, now: () => clock.now });
  const failTimes = (model: string, n: number) => {
    for (let i = 0; i < n; i++) breaker.failed(model);
  };
  return { clock, breaker, failTimes };
}

describe('InProcessCircuitBreaker', () => {
  it('defaults to 5 consecutive failures and a 30 s cooldown', () => {
    assert.deepEqual(DEFAULT_BREAKER, { threshold: 5, cooldownMs: 30_000 });
    const breaker = new InProcessCircuitBreaker();
    for (let i = 0; i < 4; i++) breaker.failed('m');
    assert.equal(breaker.isOpen('m'), false);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
  });

  it('an unknown model is closed and may be tried', () => {
    const { breaker } = rig();
    assert.equal(breaker.isOpen('m'), false);
    assert.equal(breaker.tryAcquire('m'), true);
    assert.equal(breaker.tryAcquire('m'), true, 'a closed circuit admits every request');
  });

  it('stays closed below the threshold, opens at it', () => {
    const { breaker, failTimes } = rig(3);
    failTimes('m', 2);
    assert.equal(breaker.isOpen('m'), false);
    assert.equal(breaker.tryAcquire('m'), true);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
    assert.equal(breaker.tryAcquire('m'), false);
  });

  it('only consecutive failures count: a success resets the streak', () => {
    const { breaker, failTimes } = rig(3);
    failTimes('m', 2);
    breaker.succeeded('m');
    failTimes('m', 2);
    assert.equal(breaker.isOpen('m'), false);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
  });

  it('stays open until the cooldown has fully passed', () => {
    const { clock, breaker, failTimes } = rig(3, 1000);
    failTimes('m', 3);
    clock.now += 999;
    assert.equal(breaker.isOpen('m'), true);
    assert.equal(breaker.tryAcquire('m'), false);
    clock.now += 1;
    assert.equal(breaker.isOpen('m'), false, 'half-open at exactly the cooldown');
  });

  it('half-open admits a single probe; others are kept off while it is in flight', () => {
    const { clock, breaker, failTimes } = rig(3, 1000);
    failTimes('m', 3);
    clock.now += 1000;
    assert.equal(breaker.tryAcquire('m'), true, 'the probe');
    assert.equal(breaker.isOpen('m'), true, 'open to everyone else while the probe runs');
    assert.equal(breaker.tryAcquire('m'), false, 'a second probe is refused');
    clock.now += 60_000;
    assert.equal(breaker.tryAcquire('m'), false, 'still one probe, however long it takes');
  });

  it('a successful probe closes the circuit: a full streak is needed to open it again', () => {
    const { clock, breaker, failTimes } = rig(3, 1000);
    failTimes('m', 3);
    clock.now += 1000;
    assert.equal(breaker.tryAcquire('m'), true);
    breaker.succeeded('m');
    assert.equal(breaker.isOpen('m'), false);
    assert.equal(breaker.tryAcquire('m'), true);
    assert.equal(breaker.tryAcquire('m'), true);
    failTimes('m', 2);
    assert.equal(breaker.isOpen('m'), false);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
  });

  it('a failed probe reopens the circuit at once for another full cooldown', () => {
    const { clock, breaker, failTimes } = rig(3, 1000);
    failTimes('m', 3);
    clock.now += 1000;
    assert.equal(breaker.tryAcquire('m'), true);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
    assert.equal(breaker.tryAcquire('m'), false);
    clock.now += 999;
    assert.equal(breaker.tryAcquire('m'), false);
    clock.now += 1;
    assert.equal(breaker.tryAcquire('m'), true, 'the next probe after the new cooldown');
  });

  it('failures while open (tried anyway, as the last resort) push the cooldown out', () => {
    const { clock, breaker, failTimes } = rig(3, 1000);
    failTimes('m', 3);
    clock.now += 800;
    breaker.failed('m');
    clock.now += 500;
    assert.equal(breaker.isOpen('m'), true, 'cooldown counted from the latest failure');
    clock.now += 500;
    assert.equal(breaker.isOpen('m'), false);
  });

  it('each model has its own circuit', () => {
    const { breaker, failTimes } = rig(2);
    failTimes('a', 2);
    breaker.failed('b');
    assert.equal(breaker.isOpen('a'), true);
    assert.equal(breaker.isOpen('b'), false);
    breaker.succeeded('b');
    assert.equal(breaker.isOpen('a'), true, "b's success does not close a");
  });

  it('a threshold of 1 opens on the first failure', () => {
    const { breaker } = rig(1);
    breaker.failed('m');
    assert.equal(breaker.isOpen('m'), true);
  });
});
