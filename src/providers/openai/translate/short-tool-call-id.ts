import { createHash } from 'node:crypto';

const SHORT_ID = /^[A-Za-z0-9]{9}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A tool-call id in the form Mistral insists on (nine letters and digits): an id already in
 * that form stays, any other becomes nine base62 characters of its SHA-256. The same id always
 * gives the same result, so a call and the result that answers it still pair, with no state.
 */
export function shortToolCallId(id: string): string {
  if (SHORT_ID.test(id)) return id;
  let value = createHash('sha256').update(id, 'utf8').digest().readBigUInt64BE(0);
  let short = '';
  for (let i = 0; i < 9; i++) {
    short += BASE62[Number(value % 62n)];
    value /= 62n;
  }
  return short;
}
