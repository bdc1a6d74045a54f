import { randomBytes } from 'node:crypto';
import { isObject } from './wire.ts';

/** Arguments as a JSON object text; invalid, empty or non-object text becomes `{}`. */
export function normalizeArguments(text: string | undefined): string {
  if (!text) return '{}';
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? text : '{}';
  } catch {
    return '{}';
  }
}

/** Arguments as an object, for dialects that carry them parsed; invalid becomes `{}`. */
export function argumentsObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** A fresh tool-call id in a dialect's style (`toolu_`, `call_`). */
export function newToolCallId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}
