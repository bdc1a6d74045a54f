import type { JsonObject } from '../../canonical/wire.ts';

/**
 * A request field by its camelCase name. The google-genai SDKs send either camelCase or
 * snake_case (the Python SDK replays history as `function_call`, `thought_signature`, ...),
 * and the API accepts both.
 */
export function member(object: JsonObject, camelName: string): unknown {
  const value = object[camelName];
  if (value !== undefined) return value;
  return object[snakeCase(camelName)];
}

export function snakeCase(camelName: string): string {
  return camelName.replace(/[A-Z]/g, (letter) => '_' + letter.toLowerCase());
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
