import { findMember, memberValue, objectMembers } from '../core/json-scan.ts';
import type { Usage } from '../core/usage.ts';

/** Reads one top-level member of a JSON reply without parsing the rest (embeddings can be megabytes). */
export function usageFromMember(
  body: Uint8Array,
  key: string,
  read: (raw: unknown) => Usage | null,
): Usage | null {
  const members = objectMembers(body);
  if (!members) return null;
  const member = findMember(members, key);
  return member ? read(memberValue(body, member)) : null;
}
