import { findMember, memberValue, objectMembers, valueAt } from '../core/json-scan.ts';
import type { Usage } from '../core/usage.ts';

const needles = new Map<string, Buffer>();

function needle(key: string): Buffer {
  let found = needles.get(key);
  if (!found) {
    found = Buffer.from(`"${key}"`);
    needles.set(key, found);
  }
  return found;
}

/**
 * Reads the usage member of a JSON reply without parsing the rest (embeddings can be
 * megabytes). Providers put it at the end of the top level, so the last occurrence of the
 * key is tried first; anything unexpected falls back to a scan of the top level.
 */
export function usageFromMember(
  body: Uint8Array,
  key: string,
  read: (raw: unknown) => Usage | null,
): Usage | null {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const at = buf.lastIndexOf(needle(key));
  if (at > 0 && buf[at - 1] !== 0x5c) {
    const value = valueAt(buf, at + key.length + 2);
    if (value !== undefined) {
      const found = read(value);
      if (found) return found;
    }
  }
  const members = objectMembers(body);
  if (!members) return null;
  const member = findMember(members, key);
  return member ? read(memberValue(body, member)) : null;
}
