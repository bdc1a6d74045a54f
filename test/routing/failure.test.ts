// Which failures let the gateway try again (isTriggered), which ones count against a model's
// health (isModelFailure), and how retry-after / retry-after-ms are read.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AttemptFailure,
  DEFAULT_TRIGGERS,
  isModelFailure,
  isTriggered,
  retryAfterMs,
} from '../../src/routing/failure.ts';
import type { FallbackTrigger } from '../../src/store/records.ts';

const status = (code: number): AttemptFailure => ({ kind: 'status', status: code });
const TIMEOUT: AttemptFailure = { kind: 'timeout' };
const CONNECT: AttemptFailure = { kind: 'connect' };

function label(failure: AttemptFailure): string {
  return failure.kind === 'status' ? String(failure.status) : failure.kind;
}

describe('isTriggered', () => {
  const ALL = DEFAULT_TRIGGERS;
  const sets: Record<string, readonly FallbackTrigger[]> = {
    default: ALL,
    '5xx': ['5xx'],
    '429': ['429'],
    timeout: ['timeout'],
    connect: ['connect'],
    '429+connect': ['429', 'connect'],
  };
  // failure → the trigger sets under which it is retried / falls back.
  const table: [AttemptFailure, string[]][] = [
    [status(400), []],
    [status(401), []],
    [status(403), []],
    [status(404), []],
    [status(408), []],
    [status(409), []],
    [status(413), []],
    [status(422), []],
    [status(429), ['default', '429', '429+connect']],
    [status(499), []],
    [status(500), ['default', '5xx']],
    [status(502), ['default', '5xx']],
    [status(503), ['default', '5xx']],
    [status(504), ['default', '5xx']],
    [status(529), ['default', '5xx']],
    [status(599), ['default', '5xx']],
    [TIMEOUT, ['default', 'timeout']],
    [CONNECT, ['default', 'connect', '429+connect']],
  ];

  it('the default triggers are 429, 5xx, timeout and connect', () => {
    assert.deepEqual([...DEFAULT_TRIGGERS].sort(), ['429', '5xx', 'connect', 'timeout']);
  });

  for (const [failure, triggeredUnder] of table) {
    it(`${label(failure)} is triggered under exactly: ${triggeredUnder.join(', ') || 'none'}`, () => {
      for (const [name, triggers] of Object.entries(sets)) {
        assert.equal(
          isTriggered(failure, triggers),
          triggeredUnder.includes(name),
          `${label(failure)} under ${name}`,
        );
      }
    });
  }

  it('a status failure without a status is not triggered', () => {
    assert.equal(isTriggered({ kind: 'status' }, ALL), false);
  });
});

describe('isModelFailure (feeds the circuit breaker)', () => {
  const table: [AttemptFailure, boolean][] = [
    [TIMEOUT, true],
    [CONNECT, true],
    [status(500), true],
    [status(502), true],
    [status(503), true],
    [status(529), true],
    [status(429), false],
    [status(400), false],
    [status(401), false],
    [status(403), false],
    [status(404), false],
  ];
  for (const [failure, expected] of table) {
    it(`${label(failure)} → ${expected}`, () => {
      assert.equal(isModelFailure(failure), expected);
    });
  }
});

describe('retryAfterMs', () => {
  const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads retry-after in seconds', () => {
    assert.equal(retryAfterMs({ 'retry-after': '1' }, NOW), 1000);
    assert.equal(retryAfterMs({ 'retry-after': '0' }, NOW), 0);
    assert.equal(retryAfterMs({ 'retry-after': '120' }, NOW), 120_000);
    assert.equal(retryAfterMs({ 'retry-after': ' 2 ' }, NOW), 2000);
  });

  it('reads fractional seconds, rounding up to a whole millisecond', () => {
    assert.equal(retryAfterMs({ 'retry-after': '1.5' }, NOW), 1500);
    assert.equal(retryAfterMs({ 'retry-after': '0.0004' }, NOW), 1);
  });

  it('reads retry-after-ms, rounding up', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': '250' }, NOW), 250);
    assert.equal(retryAfterMs({ 'retry-after-ms': '250.2' }, NOW), 251);
    assert.equal(retryAfterMs({ 'retry-after-ms': '0' }, NOW), 0);
  });

  it('prefers retry-after-ms over retry-after', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': '300', 'retry-after': '5' }, NOW), 300);
  });

  it('falls back to retry-after when retry-after-ms is not a number', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '2' }, NOW), 2000);
    assert.equal(retryAfterMs({ 'retry-after-ms': '-5', 'retry-after': '2' }, NOW), 2000);
  });

  it('reads an HTTP date relative to now', () => {
    assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' }, NOW), 5000);
    assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:30:00 GMT' }, NOW), 120_000);
  });

  it('an HTTP date in the past means now (0), never negative', () => {
    assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, NOW), 0);
  });

  it('no header, an empty one or one that is neither a number nor a date: undefined', () => {
    assert.equal(retryAfterMs({}, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '   ' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '3s' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '1e3' }, NOW), undefined);
  });

  // V8's Date.parse reads '-1' as 2001-01-01 and '+5' as 2001-05-01: past dates, so read as
  // dates these junk values would mean "retry right now" instead of being ignored.
  it('a negative or signed number is junk, not an HTTP date: undefined', () => {
    assert.equal(retryAfterMs({ 'retry-after': '-1' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '+5' }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': '1 2' }, NOW), undefined);
  });
});
