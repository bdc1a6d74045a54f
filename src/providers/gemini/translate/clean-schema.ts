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
 * Inlining copies a definition at every use, so definitions that use each other twice
 * double per level. Past this many schemas, or this deep, references are kept instead.
 */
export const MAX_INLINED_SCHEMAS = 10_000;
/** Deeper schemas are refused: no real tool needs them, and cleaning recurses per level. */
export const MAX_SCHEMA_DEPTH = 64;

/**
 * A JSON Schema for `parametersJsonSchema` / `responseJsonSchema`, which take JSON Schema
 * (unlike the OpenAPI-subset `parameters`, which rejects unknown keywords). Gemini resolves
 * only `#/$defs/...` references and refuses other keywords beside a `$ref`, so local
 * references are inlined; a recursive one stays a `$ref` into a rebuilt `$defs`. A schema
 * whose inlined form would be too big keeps every reference that way instead (each
 * definition cleaned once). A reference outside the document cannot be resolved: 400.
 * `subject` names the schema in error messages ("tool 'f'").
 */
export function cleanSchema(schema: JsonObject, field: string, subject: string): JsonObject {
  try {
    return new SchemaCleaner(schema, field, subject, 'inline').clean();
  } catch (error) {
    if (!(error instanceof InlineBudgetExceeded)) throw error;
    return new SchemaCleaner(schema, field, subject, 'reference').clean();
  }
}

class InlineBudgetExceeded extends Error {}

type Mode = 'inline' | 'reference';

class SchemaCleaner {
  readonly #root: JsonObject;
  readonly #field: string;
  readonly #subject: string;
  readonly #mode: Mode;
  /** JSON pointer → its name under the output's `$defs`. */
  readonly #names = new Map<string, string>();
  readonly #defs: JsonObject = {};
  /** Next suffix to try per base name, so many references with one name stay linear. */
  readonly #suffixes = new Map<string, number>();
  /** Reference mode: definitions named but not cleaned yet, cleaned one after another. */
  readonly #pending: { name: string; target: JsonObject }[] = [];
  /** Inline mode: pointers being inlined, outermost first: meeting one again means recursion. */
  #expanding: string[] = [];
  #depth = 0;
  #schemas = 0;

  constructor(root: JsonObject, field: string, subject: string, mode: Mode) {
    this.#root = root;
    this.#field = field;
    this.#subject = subject;
    this.#mode = mode;
  }

  clean(): JsonObject {
    const out = this.#schema(this.#root);
    if (out['type'] === undefined && out['$ref'] === undefined && out['anyOf'] === undefined) {
      out['type'] = 'object';
    }
    // Cleaning a definition may name more: a queue keeps the recursion one schema deep.
    for (let at = 0; at < this.#pending.length; at++) {
      const { name, target } = this.#pending[at]!;
      this.#defs[name] = this.#schema(target);
    }
    if (this.#names.size > 0) out['$defs'] = this.#defs;
    return out;
  }

  #value(value: unknown): unknown {
    return isObject(value) ? this.#schema(value) : value;
  }

  #schema(node: JsonObject): JsonObject {
    this.#schemas++;
    const tooDeep = this.#depth >= MAX_SCHEMA_DEPTH;
    if (this.#mode === 'inline' && (tooDeep || this.#schemas > MAX_INLINED_SCHEMAS)) {
      throw new InlineBudgetExceeded();
    }
    if (tooDeep) {
      throw invalidField(
        this.#field,
        `the schema of ${this.#subject} is nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
      );
    }
    this.#depth++;
    try {
      return this.#cleanNode(node);
    } finally {
      this.#depth--;
    }
  }

  #cleanNode(node: JsonObject): JsonObject {
    const ref = node['$ref'];
    if (typeof ref === 'string') return this.#reference(ref, node);
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED.has(key)) continue;
      if (SCHEMA_MAPS.has(key) && isObject(value)) {
        const map: JsonObject = {};
        for (const [name, entry] of Object.entries(value)) map[name] = this.#value(entry);
        out[key] = map;
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
    if (this.#mode === 'reference' || this.#expanding.includes(ref)) {
      const out: JsonObject = { $ref: `#/$defs/${this.#define(ref, target)}` };
      if (typeof siblings['description'] === 'string') out['description'] = siblings['description'];
      return out;
    }
    this.#expanding.push(ref);
    const inlined = this.#schema(target);
    this.#expanding.pop();
    return { ...inlined, ...this.#schema(siblings) };
  }

  /** The `$defs` name for a kept reference, cleaning its target once. */
  #define(ref: string, target: JsonObject): string {
    const known = this.#names.get(ref);
    if (known !== undefined) return known;
    const name = this.#freeName(ref);
    this.#names.set(ref, name);
    this.#defs[name] = {};
    if (this.#mode === 'reference') {
      this.#pending.push({ name, target });
      return name;
    }
    const outer = this.#expanding;
    this.#expanding = [ref];
    this.#defs[name] = this.#schema(target);
    this.#expanding = outer;
    return name;
  }

  #freeName(ref: string): string {
    const base = (ref.slice(1).split('/').at(-1) ?? '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'root';
    if (!Object.hasOwn(this.#defs, base)) return base;
    let n = this.#suffixes.get(base) ?? 2;
    while (Object.hasOwn(this.#defs, `${base}_${n}`)) n++;
    this.#suffixes.set(base, n + 1);
    return `${base}_${n}`;
  }

  #resolve(ref: string): JsonObject {
    if (!ref.startsWith('#')) {
      throw invalidField(this.#field, `$ref '${ref}' points outside the schema and cannot be sent to Gemini`);
    }
    let node: unknown = this.#root;
    const path = ref.slice(1);
    if (path !== '') {
      for (const raw of path.replace(/^\//, '').split('/')) {
        const key = pointerKey(raw);
        if (key === undefined) throw invalidField(this.#field, `$ref '${ref}' is not a valid JSON pointer`);
        if (Array.isArray(node)) node = node[Number(key)];
        else node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
      }
    }
    if (!isObject(node)) throw invalidField(this.#field, `$ref '${ref}' does not resolve to a schema`);
    return node;
  }
}

/** A JSON pointer segment from a URI fragment; undefined when its `%` escapes are malformed. */
function pointerKey(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}
