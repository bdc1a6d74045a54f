import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

let lastMillis = 0;
let sequence = 0;

/**
 * A sortable id: prefix, 10 base32 characters of milliseconds, 2 of a per-millisecond
 * sequence and 12 random. Ids made in one process sort in creation order, which is what
 * keyset pagination relies on.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMillis) sequence = (sequence + 1) % 1024;
  else {
    lastMillis = now;
    sequence = 0;
  }
  let time = '';
  let remaining = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  const seq = CROCKFORD[(sequence >> 5) & 31]! + CROCKFORD[sequence & 31]!;
  const random = randomBytes(12);
  let tail = '';
  for (const byte of random) tail += CROCKFORD[byte & 31];
  return `${prefix}_${time}${seq}${tail}`;
}

const REQUEST_ID_PREFIX = `req_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;

/**
 * Unique per process (a random prefix) and per request (a counter): no entropy is drawn on
 * the request path. Request ids identify, they do not authorise.
 */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(36).padStart(8, '0')}`;
}
