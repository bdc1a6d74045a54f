import type { ToolChoice, ToolDefinition } from '../../canonical/request.ts';
import { isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { camelCase, member } from './fields.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema.ts';

/**
 * `tools`: function declarations become tool definitions; Google-hosted tools (googleSearch,
 * codeExecution, urlContext, ...) are named in `dialectOnly` for encoders to refuse.
 */
export function decodeTools(value: unknown, dialectOnly: string[]): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('tools', 'must be an array');
  const definitions: ToolDefinition[] = [];
  value.forEach((tool, i) => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw invalidField(path, 'must be an object');
    for (const [key, entry] of Object.entries(tool)) {
      if (entry === undefined || entry === null) continue;
      const name = camelCase(key);
      if (name !== 'functionDeclarations') {
        dialectOnly.push(`Gemini ${name} tool`);
        continue;
      }
      if (!Array.isArray(entry)) throw invalidField(`${path}.functionDeclarations`, 'must be an array');
      entry.forEach((declaration, j) => {
        definitions.push(decodeDeclaration(declaration, `${path}.functionDeclarations[${j}]`));
      });
    }
  });
  return definitions;
}

function decodeDeclaration(value: unknown, path: string): ToolDefinition {
  if (!isObject(value)) throw invalidField(path, 'must be an object');
  const name = stringOf(value['name']);
  if (name === undefined || name === '') throw invalidField(`${path}.name`, 'must be a non-empty string');
  const definition: ToolDefinition = { name, parameters: parameters(value, path) };
  const description = value['description'];
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string') throw invalidField(`${path}.description`, 'must be a string');
    if (description !== '') definition.description = description;
  }
  return definition;
}

function parameters(declaration: JsonObject, path: string): Record<string, unknown> {
  const jsonSchema = member(declaration, 'parametersJsonSchema');
  if (jsonSchema !== undefined && jsonSchema !== null) {
    if (!isObject(jsonSchema)) throw invalidField(`${path}.parametersJsonSchema`, 'must be an object');
    return jsonSchema;
  }
  const schema = declaration['parameters'];
  if (schema !== undefined && schema !== null) {
    if (!isObject(schema)) throw invalidField(`${path}.parameters`, 'must be an object');
    return geminiSchemaToJsonSchema(schema, `${path}.parameters`);
  }
  return { type: 'object', properties: {} };
}

export interface DecodedToolConfig {
  toolChoice?: ToolChoice;
  /** `allowedFunctionNames` naming some of several tools: only those may be called. */
  allowed?: string[];
}

/** `toolConfig.functionCallingConfig`: mode AUTO/ANY/NONE/VALIDATED and `allowedFunctionNames`. */
export function decodeToolConfig(value: unknown, tools: ToolDefinition[]): DecodedToolConfig {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidField('toolConfig', 'must be an object');
  const config = member(value, 'functionCallingConfig');
  if (config === undefined || config === null) return {};
  const path = 'toolConfig.functionCallingConfig';
  if (!isObject(config)) throw invalidField(path, 'must be an object');
  const allowed = allowedNames(member(config, 'allowedFunctionNames'), `${path}.allowedFunctionNames`, tools);
  const mode = config['mode'];
  switch (mode) {
    case undefined:
    case null:
    case 'MODE_UNSPECIFIED':
      return allowed ? { toolChoice: { type: 'auto' }, allowed } : {};
    case 'AUTO':
    // VALIDATED lets the model answer in text or call a function, checked against its schema.
    case 'VALIDATED':
      return allowed ? { toolChoice: { type: 'auto' }, allowed } : { toolChoice: { type: 'auto' } };
    case 'NONE':
      return { toolChoice: { type: 'none' } };
    case 'ANY':
      if (allowed?.length === 1) return { toolChoice: { type: 'tool', name: allowed[0]! } };
      return allowed ? { toolChoice: { type: 'required' }, allowed } : { toolChoice: { type: 'required' } };
    default:
      throw invalidField(`${path}.mode`, "must be one of 'AUTO', 'ANY', 'NONE', 'VALIDATED'");
  }
}

function allowedNames(value: unknown, field: string, tools: ToolDefinition[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField(field, 'must be an array of function names');
  if (value.length === 0) return undefined;
  const declared = new Set(tools.map((tool) => tool.name));
  const names: string[] = [];
  for (const name of value) {
    if (typeof name !== 'string' || !declared.has(name)) {
      throw invalidField(field, `'${String(name)}' is not a declared function`);
    }
    names.push(name);
  }
  return names;
}
