import type { CanonicalRequest, ReasoningConfig } from '../../canonical/request.ts';
import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { camelCase, member } from './fields.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema.ts';

const PATH = 'generationConfig';

/**
 * Settings that ask for output other backends cannot produce (audio, images, logprobs),
 * with the value that asks for nothing (accepted).
 */
const GEMINI_ONLY: Readonly<Record<string, (value: unknown) => boolean>> = {
  responseLogprobs: (value) => value === true,
  logprobs: (value) => value !== 0,
  speechConfig: () => true,
  imageConfig: () => true,
  audioTimestamp: (value) => value === true,
  enableAffectiveDialog: (value) => value === true,
};

type Effort = NonNullable<ReasoningConfig['effort']>;
const LEVELS: Readonly<Record<string, Effort>> = {
  MINIMAL: 'minimal',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
};

/** `generationConfig` onto the request (sampling, limits, JSON output, thinking). */
export function applyGenerationConfig(value: unknown, request: CanonicalRequest): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) throw invalidField(PATH, 'must be an object');
  for (const [key, entry] of Object.entries(value)) {
    const name = camelCase(key);
    const asksForSomething = GEMINI_ONLY[name];
    if (entry !== undefined && entry !== null && asksForSomething?.(entry)) {
      request.dialectOnly.push(`Gemini generationConfig.${name}`);
    }
  }
  const maxTokens = integer(value, 'maxOutputTokens', 1);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = number(value, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = number(value, 'topP');
  if (topP !== undefined) request.topP = topP;
  const topK = number(value, 'topK');
  if (topK !== undefined) request.topK = topK;
  const seed = integer(value, 'seed');
  if (seed !== undefined) request.seed = seed;
  const presencePenalty = number(value, 'presencePenalty');
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = number(value, 'frequencyPenalty');
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const candidateCount = integer(value, 'candidateCount', 1);
  if (candidateCount !== undefined) request.candidateCount = candidateCount;
  const stop = member(value, 'stopSequences');
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || !stop.every((entry) => typeof entry === 'string')) {
      throw invalidField(`${PATH}.stopSequences`, 'must be an array of strings');
    }
    if (stop.length > 0) request.stop = stop;
  }
  applyModalities(member(value, 'responseModalities'), request);
  applyResponseFormat(value, request);
  const reasoning = decodeThinking(member(value, 'thinkingConfig'));
  if (reasoning) request.reasoning = reasoning;
}

function applyModalities(value: unknown, request: CanonicalRequest): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw invalidField(`${PATH}.responseModalities`, 'must be an array');
  for (const modality of value) {
    if (modality !== 'TEXT' && modality !== 'text') {
      request.dialectOnly.push(`Gemini responseModalities ${String(modality)}`);
    }
  }
}

function applyResponseFormat(config: JsonObject, request: CanonicalRequest): void {
  const mimeType = member(config, 'responseMimeType');
  const jsonSchema = member(config, 'responseJsonSchema');
  const legacySchema = member(config, 'responseSchema');
  const hasSchema = (jsonSchema ?? legacySchema ?? null) !== null;
  if (mimeType === undefined || mimeType === null || mimeType === 'text/plain') {
    if (hasSchema) {
      throw invalidField(
        `${PATH}.responseMimeType`,
        "must be 'application/json' when a response schema is set",
      );
    }
    return;
  }
  if (mimeType === 'text/x.enum') {
    request.dialectOnly.push('Gemini responseMimeType text/x.enum');
    return;
  }
  if (mimeType !== 'application/json') {
    throw invalidField(`${PATH}.responseMimeType`, `'${String(mimeType)}' is not supported`);
  }
  if (!hasSchema) {
    request.responseFormat = { type: 'json_object' };
    return;
  }
  let schema: JsonObject;
  if (jsonSchema !== undefined && jsonSchema !== null) {
    if (!isObject(jsonSchema)) throw invalidField(`${PATH}.responseJsonSchema`, 'must be an object');
    schema = jsonSchema;
  } else {
    if (!isObject(legacySchema)) throw invalidField(`${PATH}.responseSchema`, 'must be an object');
    schema = geminiSchemaToJsonSchema(legacySchema, `${PATH}.responseSchema`);
  }
  request.responseFormat = { type: 'json_schema', name: 'response', schema };
}

function decodeThinking(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const path = `${PATH}.thinkingConfig`;
  if (!isObject(value)) throw invalidField(path, 'must be an object');
  const reasoning: ReasoningConfig = {};
  // -1 asks for dynamic thinking: the backend's default, so no budget.
  const budget = integer(value, 'thinkingBudget', -1, 'thinkingConfig.');
  if (budget !== undefined && budget >= 0) reasoning.budgetTokens = budget;
  const include = member(value, 'includeThoughts');
  if (include !== undefined && include !== null) {
    if (typeof include !== 'boolean') throw invalidField(`${path}.includeThoughts`, 'must be a boolean');
    reasoning.includeThoughts = include;
  }
  const level = member(value, 'thinkingLevel');
  if (level !== undefined && level !== null && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    const effort = typeof level === 'string' ? LEVELS[level.toUpperCase()] : undefined;
    if (!effort)
      throw invalidField(`${path}.thinkingLevel`, "must be one of 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'");
    reasoning.effort = effort;
  }
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

function number(config: JsonObject, name: string, prefix = ''): number | undefined {
  const value = member(config, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidField(`${PATH}.${prefix}${name}`, 'must be a number');
  }
  return value;
}

function integer(config: JsonObject, name: string, minimum?: number, prefix = ''): number | undefined {
  const value = number(config, name, prefix);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (minimum !== undefined && value < minimum)) {
    const bound = minimum === undefined ? '' : ` >= ${minimum}`;
    throw invalidField(`${PATH}.${prefix}${name}`, `must be an integer${bound}`);
  }
  return value;
}
