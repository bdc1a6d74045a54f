import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { camelCase } from './fields.ts';

/** Keywords Gemini's `Schema` writes as int64, which its JSON form renders as strings. */
const COUNTS = new Set(['maxItems', 'minItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']);

/**
 * Gemini's OpenAPI-subset `Schema` (`parameters`, `responseSchema`) as JSON Schema: types in
 * lower case, `nullable` as a `null` type, snake_case keywords renamed, int64 counts as
 * numbers. `propertyOrdering` only orders Gemini's own output and is dropped.
 */
export function geminiSchemaToJsonSchema(schema: JsonObject): JsonObject {
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
      out['properties'] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, subschema(property)]),
      );
    } else if (key === 'items') {
      out['items'] = subschema(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out['anyOf'] = value.map(subschema);
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

function subschema(value: unknown): unknown {
  return isObject(value) ? geminiSchemaToJsonSchema(value) : value;
}
