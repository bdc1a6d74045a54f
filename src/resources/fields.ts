import { GatewayError, invalidField } from '../core/errors.ts';

/** Readers for untrusted JSON payloads; each failure names the field at fault. */
export type JsonObject = Record<string, unknown>;

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** A name shaped like a server-made id would be shadowed by that id in `{ref}` lookups. */
const ID_SHAPED = /^[a-z]+_[0-9a-z]{24}$/;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) {
    if (field === 'body') throw new GatewayError('invalid_request', 'request body must be a JSON object');
    throw invalidField(field, 'must be an object');
  }
  return value;
}

export function rejectUnknownFields(body: JsonObject, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalidField(`${prefix}${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function requireString(body: JsonObject, key: string, prefix = ''): string {
  const value = body[key];
  if (value === undefined || value === null) throw invalidField(prefix + key, 'is required');
  if (typeof value !== 'string') throw invalidField(prefix + key, 'must be a string');
  if (value.length === 0) throw invalidField(prefix + key, 'must not be empty');
  return value;
}

export function optionalString(body: JsonObject, key: string, prefix = ''): string | undefined {
  if (body[key] === undefined) return undefined;
  return requireString(body, key, prefix);
}

export function requireName(body: JsonObject, key = 'name'): string {
  const name = requireString(body, key);
  if (!NAME_PATTERN.test(name)) {
    throw invalidField(key, 'must be 1-128 characters of letters, digits, dot, underscore or hyphen');
  }
  if (ID_SHAPED.test(name))
    throw invalidField(key, 'must not look like a server-made id (prefix_ + 24 characters)');
  return name;
}

export function optionalInteger(
  body: JsonObject,
  key: string,
  prefix: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidField(prefix + key, 'must be an integer');
  if (value < min) throw invalidField(prefix + key, `must be at least ${min}`);
  if (value > max) throw invalidField(prefix + key, `must be at most ${max}`);
  return value;
}

export function optionalNumber(
  body: JsonObject,
  key: string,
  prefix: string,
  min: number,
): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidField(prefix + key, 'must be a number');
  if (value < min) throw invalidField(prefix + key, `must be at least ${min}`);
  return value;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidField(key, 'must be true or false');
  return value;
}
