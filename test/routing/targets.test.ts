// planTargets / pickWeighted: which models one request may try, in which order, with the
// traffic split decided by an injected random source (so counts are exact).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickWeighted, planTargets } from '../../src/routing/targets.ts';
import { endpoint, evenly, noRandom, sequence, tally, target } from './unit-helpers.ts';

const A = target('a');
const B = target('b');
const C = target('c');
const D = target('d');
const F1 = target('f1');
const F2 = target('f2');
const F3 = target('f3');

function picks(primaries: readonly [typeof A, number][], values: readonly number[]): Record<string, number> {
  const random = sequence(values);
  const names = values.map(() => pickWeighted(endpoint(primaries).primaries, random)?.name ?? '(none)');
  assert.equal(random.used, values.length, 'one random() per pick');
  return tally(names);
}

describe('pickWeighted', () => {
  it('splits 3:1 exactly over 100 evenly spaced values', () => {
    assert.deepEqual(
      picks(
        [
          [A, 3],
          [B, 1],
        ],
        evenly(100),
      ),
      { a: 75, b: 25 },
    );
  });

  it('splits 1:1:2 exactly over 1000 evenly spaced values', () => {
    assert.deepEqual(
      picks(
        [
          [A, 1],
          [B, 1],
          [C, 2],
        ],
        evenly(1000),
      ),
      { a: 250, b: 250, c: 500 },
    );
  });

  it('honours fractional weights', () => {
    assert.deepEqual(
      picks(
        [
          [A, 0.5],
          [B, 1.5],
        ],
        evenly(100),
      ),
      { a: 25, b: 75 },
    );
  });

  it('never picks a zero-weight primary, wherever it sits', () => {
    assert.deepEqual(
      picks(
        [
          [A, 0],
          [B, 1],
          [C, 0],
          [D, 1],
        ],
        evenly(100),
      ),
      { b: 50, d: 50 },
    );
  });

  it('treats a negative weight as zero', () => {
    assert.deepEqual(
      picks(
        [
          [A, -5],
          [B, 1],
        ],
        evenly(10),
      ),
      { b: 10 },
    );
  });

  it('cuts the interval at the exact weight boundaries', () => {
    const primaries = endpoint([
      [A, 3],
      [B, 1],
    ]).primaries;
    assert.equal(pickWeighted(primaries, () => 0)?.name, 'a');
    assert.equal(pickWeighted(primaries, () => 0.7499999)?.name, 'a');
    assert.equal(pickWeighted(primaries, () => 0.75)?.name, 'b');
    assert.equal(pickWeighted(primaries, () => 0.9999999)?.name, 'b');
  });

  it('a source that returns 1 (outside [0, 1)) still gets the last weighted primary, not nothing', () => {
    const primaries = endpoint([
      [A, 1],
      [B, 1],
      [C, 0],
    ]).primaries;
    assert.equal(pickWeighted(primaries, () => 1)?.name, 'b');
  });

  it('returns undefined when every weight is zero, or there are no primaries', () => {
    assert.equal(
      pickWeighted(
        endpoint([
          [A, 0],
          [B, 0],
        ]).primaries,
        () => 0.5,
      ),
      undefined,
    );
    assert.equal(
      pickWeighted([], () => 0.5),
      undefined,
    );
  });
});

describe('planTargets', () => {
  it("'first': the first primary, then the fallbacks in order, without consulting random()", () => {
    const plan = planTargets(
      endpoint(
        [
          [A, 1],
          [B, 5],
        ],
        [F1, F2],
      ),
      noRandom,
    );
    assert.deepEqual(
      plan.map((t) => t.name),
      ['a', 'f1', 'f2'],
    );
  });

  it("'first' ignores weights, even a zero weight on the first primary", () => {
    const plan = planTargets(
      endpoint(
        [
          [A, 0],
          [B, 1],
        ],
        [],
      ),
      noRandom,
    );
    assert.deepEqual(
      plan.map((t) => t.name),
      ['a'],
    );
  });

  it("'traffic_split': one weighted pick per request, then the fallbacks; the other primaries are not tried", () => {
    const ep = endpoint(
      [
        [A, 1],
        [B, 3],
      ],
      [F1],
      { routing: 'traffic_split' },
    );
    const random = sequence(evenly(40));
    const plans = evenly(40).map(() => planTargets(ep, random).map((t) => t.name));
    assert.equal(random.used, 40);
    assert.deepEqual(tally(plans.map((p) => p.join(','))), { 'a,f1': 10, 'b,f1': 30 });
  });

  it("'traffic_split' with every primary at weight 0 plans only the fallbacks", () => {
    const ep = endpoint(
      [
        [A, 0],
        [B, 0],
      ],
      [F1, F2],
      { routing: 'traffic_split' },
    );
    assert.deepEqual(
      planTargets(ep, () => 0.3).map((t) => t.name),
      ['f1', 'f2'],
    );
  });

  it('fallback.max_attempts caps the number of models, the primary included', () => {
    const ep = (max: number) => endpoint([[A, 1]], [F1, F2, F3], { fallback: { max_attempts: max } });
    assert.deepEqual(
      planTargets(ep(1), noRandom).map((t) => t.name),
      ['a'],
    );
    assert.deepEqual(
      planTargets(ep(2), noRandom).map((t) => t.name),
      ['a', 'f1'],
    );
    assert.deepEqual(
      planTargets(ep(4), noRandom).map((t) => t.name),
      ['a', 'f1', 'f2', 'f3'],
    );
    assert.deepEqual(
      planTargets(ep(50), noRandom).map((t) => t.name),
      ['a', 'f1', 'f2', 'f3'],
    );
  });

  it('a cap below 1 still leaves the primary (the API refuses it, but a plan is never empty)', () => {
    const ep = endpoint([[A, 1]], [F1], { fallback: { max_attempts: 0 } });
    assert.deepEqual(
      planTargets(ep, noRandom).map((t) => t.name),
      ['a'],
    );
  });

  it('fallback.on alone does not cap anything', () => {
    const ep = endpoint([[A, 1]], [F1, F2], { fallback: { on: ['5xx'] } });
    assert.deepEqual(
      planTargets(ep, noRandom).map((t) => t.name),
      ['a', 'f1', 'f2'],
    );
  });

  it('a model that is both the picked primary and a fallback is tried once', () => {
    const ep = endpoint([[A, 1]], [F1, A, F2]);
    assert.deepEqual(
      planTargets(ep, noRandom).map((t) => t.name),
      ['a', 'f1', 'f2'],
    );
  });

  it('the cap counts the picked primary under traffic_split too', () => {
    const ep = endpoint(
      [
        [A, 1],
        [B, 1],
      ],
      [F1, F2],
      { routing: 'traffic_split', fallback: { max_attempts: 2 } },
    );
    assert.deepEqual(
      planTargets(ep, () => 0.9).map((t) => t.name),
      ['b', 'f1'],
    );
  });
});
