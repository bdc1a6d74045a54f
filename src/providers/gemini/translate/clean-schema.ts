import { isObject, type JsonObject } from '../../../canonical/wire.ts';
import { invalidField } from '../../../core/errors.ts';

/** Keywords whose value is a map of schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
/** Keywords whose value is a schema (or, for some, a boolean). */
const SCHEMA_VALUES = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
/** Meta keywords dropped: identifiers and definitions are rebuilt below. */
const DROPPED = new Set(['$schema', '$id', '$anchor', '$comment', '$defs', 'definitions']);

/**
 * A JSON Schema for `parametersJsonSchema` / `responseJsonSchema`, which take JSON Schema
 * (unlike the OpenAPI-subset `parameters`, which rejects unknown keywords). Gemini resolves
 * only `#/$defs/...` references and refuses other keywords beside a `$ref`, so local
 * references are inlined; a recursive one stays a `$ref` into a rebuilt `$defs`. A
 * reference outside the document cannot be resolved: 400.
 */
export function cleanSchema(schema: JsonObject, field: string): JsonObject {
  return new SchemaCleaner(schema, field).clean();
}

class SchemaCleaner {
  readonly #root: JsonObject;
  readonly #field: string;
  /** JSON pointer → its name under the output's `$defs` (recursive references only). */
  readonly #names = new Map<string, string>();
  readonly #defs: JsonObject = {};
  /** Pointers being inlined, outermost first: meeting one again means recursion. */
  #expanding: string[] = [];

  constructor(root: JsonObject, field: string) {
    this.#root = root;
    this.#field = field;
  }

  clean(): JsonObject {
    const out = this.#schema(this.#root);
    if (out['type'] === undefined && out['$ref'] === undefined && out['anyOf'] === undefined) {
      out['type'] = 'object';
    }
    if (this.#names.size > 0) out['$defs'] = this.#defs;
    return out;
  }

  #value(value: unknown): unknown {
    return isObject(value) ? this.#schema(value) : value;
  }

  #schema(node: JsonObject): JsonObject {
    const ref = node['$ref'];
    if (typeof ref === 'string') return this.#reference(ref, node);
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED.has(key)) continue;
      if (SCHEMA_MAPS.has(key) && isObject(value)) {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, entry]) => [name, this.#value(entry)]),
        );
      } else if ((SCHEMA_LISTS.has(key) || key === 'items') && Array.isArray(value)) {
        out[key] = value.map((entry) => this.#value(entry));
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = this.#value(value);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  #reference(ref: string, node: JsonObject): JsonObject {
    const target = this.#resolve(ref);
    const { $ref: _ref, ...siblings } = node;
    if (this.#expanding.includes(ref)) {
      const out: JsonObject = { $ref: `#/$defs/${this.#define(ref, target)}` };
      if (typeof siblings['description'] === 'string') out['description'] = siblings['description'];
      return out;
    }
    this.#expanding.push(ref);
    const inlined = this.#schema(target);
    this.#expanding.pop();
    return { ...inlined, ...this.#schema(siblings) };
  }

  /** The `$defs` name for a recursive reference, cleaning its target once. */
  #define(ref: string, target: JsonObject): string {
    const known = this.#names.get(ref);
    if (known !== undefined) return known;
    const base = (ref.slice(1).split('/').at(-1) ?? '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'root';
    let name = base;
    for (let n = 2; Object.hasOwn(this.#defs, name); n++) name = `${base}_${n}`;
    this.#names.set(ref, name);
    this.#defs[name] = {};
    const outer = this.#expanding;
    this.#expanding = [ref];
    this.#defs[name] = this.#schema(target);
    this.#expanding = outer;
    return name;
  }

  #resolve(ref: string): JsonObject {
    if (!ref.startsWith('#')) {
      throw invalidField(this.#field, `$ref '${ref}' points outside the schema and cannot be sent to Gemini`);
    }
    let node: unknown = this.#root;
    const path = ref.slice(1);
    if (path !== '') {
      for (const raw of path.replace(/^\//, '').split('/')) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
      }
    }
    if (!isObject(node)) throw invalidField(this.#field, `$ref '${ref}' does not resolve to a schema`);
    return node;
  }
}
