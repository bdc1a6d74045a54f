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

export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}
