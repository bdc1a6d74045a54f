import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { camelCase } from './fields.ts';

/** Keywords Gemini's `Schema` writes as int64, which its JSON form renders as strings. */
const COUNTS = new Set(['maxItems', 'minItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']);

/** Deeper schemas are refused: no real tool needs them, and converting recurses per level. */
export const MAX_SCHEMA_DEPTH = 64;

/**
 * Gemini's OpenAPI-subset `Schema` (`parameters`, `responseSchema`) as JSON Schema: types in
 * lower case, `nullable` as a `null` type, snake_case keywords renamed, int64 counts as
 * numbers. `propertyOrdering` only orders Gemini's own output and is dropped. `field` names
 * the schema in the error for one nested too deep.
 */
export function geminiSchemaToJsonSchema(schema: JsonObject, field: string): JsonObject {
  return convert(schema, field, 1);
}

function convert(schema: JsonObject, field: string, depth: number): JsonObject {
  if (depth > MAX_SCHEMA_DEPTH) {
    throw invalidField(field, `the schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
  }
  const subschema = (value: unknown): unknown => (isObject(value) ? convert(value, field, depth + 1) : value);
  const out: JsonObject = {};
  let nullable = false;
  for (const [rawKey, value] of Object.entries(schema)) {
    const key = camelCase(rawKey);
    if (key === 'type') {
      if (typeof value === 'string' && value !== 'TYPE_UNSPECIFIED') out['type'] = value.toLowerCase();
    } else if (key === 'nullable') {
      nullable = value === true;
    } else if (key === 'propertyOrdering') {
      // Gemini-only.
    } else if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) properties[name] = subschema(property);
      out['properties'] = properties;
    } else if (key === 'items') {
      out['items'] = subschema(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out['anyOf'] = value.map((entry) => subschema(entry));
    } else if (key === 'example') {
      out['examples'] = [value];
    } else if (COUNTS.has(key) && typeof value === 'string' && /^[0-9]+$/.test(value)) {
      out[key] = Number(value);
    } else {
      out[key] = value;
    }
  }
  if (nullable) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    else if (Array.isArray(out['anyOf'])) out['anyOf'] = [...out['anyOf'], { type: 'null' }];
  }
  return out;
}
