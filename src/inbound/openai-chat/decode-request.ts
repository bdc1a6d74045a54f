import type {
  CanonicalRequest,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/request.ts';
import { isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import { decodeMessages } from './decode-messages.ts';

/**
 * Fields whose effect another backend cannot reproduce, with the value that asks for
 * nothing (SDKs and frameworks often send those defaults; they are accepted).
 */
const UNTRANSLATABLE: Readonly<Record<string, (value: unknown) => boolean>> = {
  logprobs: (value) => value === true,
  top_logprobs: (value) => value !== null && value !== 0,
  logit_bias: (value) => !(isObject(value) && Object.keys(value).length === 0),
  audio: () => true,
  modalities: (value) => !(Array.isArray(value) && value.every((modality) => modality === 'text')),
  prediction: () => true,
  web_search_options: () => true,
  functions: () => true,
  function_call: () => true,
};

/**
 * `reasoning_effort` as the Responses decoder reads `reasoning.effort`: one to one, except
 * `xhigh` (the canonical scale tops out at high) and `none`, which asks for no reasoning.
 */
const EFFORTS = new Map<unknown, ReasoningConfig['effort'] | null>([
  ['none', null],
  ['minimal', 'minimal'],
  ['low', 'low'],
  ['medium', 'medium'],
  ['high', 'high'],
  ['xhigh', 'high'],
]);

/** An OpenAI chat request as the canonical request. Unknown harmless fields are ignored. */
export function decodeRequest(body: unknown): CanonicalRequest {
  if (!isObject(body)) throw new GatewayError('invalid_request', 'request body must be a JSON object');
  const model = body['model'];
  if (model !== undefined && model !== null && typeof model !== 'string') {
    throw invalidField('model', 'must be a string');
  }
  if (!model)
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  for (const [field, asksForSomething] of Object.entries(UNTRANSLATABLE)) {
    const value = body[field];
    if (value !== undefined && value !== null && asksForSomething(value)) {
      throw invalidField(field, 'not supported when translating to another provider');
    }
  }
  const { system, messages } = decodeMessages(body['messages']);
  const request: CanonicalRequest = {
    model,
    system,
    messages,
    tools: decodeTools(body['tools']),
    stream: optionalBoolean(body, 'stream') ?? false,
    dialectOnly: [],
  };
  const toolChoice = decodeToolChoice(body['tool_choice']);
  if (toolChoice) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens =
    optionalInteger(body, 'max_completion_tokens', 1) ?? optionalInteger(body, 'max_tokens', 1);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature', 0, 2);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p', 0, 1);
  if (topP !== undefined) request.topP = topP;
  // Not OpenAI's, but clients of vLLM and SGLang send it (extra_body).
  const topK = optionalInteger(body, 'top_k', -1);
  if (topK !== undefined) request.topK = topK;
  const stop = decodeStop(body['stop']);
  if (stop) request.stop = stop;
  const seed = optionalInteger(body, 'seed', Number.MIN_SAFE_INTEGER);
  if (seed !== undefined) request.seed = seed;
  const presence = optionalNumber(body, 'presence_penalty', -2, 2);
  if (presence !== undefined) request.presencePenalty = presence;
  const frequency = optionalNumber(body, 'frequency_penalty', -2, 2);
  if (frequency !== undefined) request.frequencyPenalty = frequency;
  const n = optionalInteger(body, 'n', 1);
  if (n !== undefined) request.candidateCount = n;
  const responseFormat = decodeResponseFormat(body['response_format']);
  if (responseFormat) request.responseFormat = responseFormat;
  const reasoning = decodeReasoningEffort(body['reasoning_effort']);
  if (reasoning) request.reasoning = reasoning;
  const user = body['user'];
  if (user !== undefined && user !== null) {
    if (typeof user !== 'string') throw invalidField('user', 'must be a string');
    request.user = user;
  }
  return request;
}

function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be a boolean');
  return value;
}

function optionalNumber(body: JsonObject, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidField(field, `must be a number from ${min} to ${max}`);
  }
  return value;
}

function optionalInteger(body: JsonObject, field: string, min: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidField(field, `must be an integer of at least ${min}`);
  }
  return value;
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidField('stop', 'must be a string or an array of strings');
  }
  return value.length > 0 ? value : undefined;
}

function decodeTools(value: unknown): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('tools', 'must be an array');
  return value.map((tool, i): ToolDefinition => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw invalidField(path, 'must be an object');
    // The type may be left out (some clients do); anything but a function tool is refused.
    if (tool['type'] !== 'function' && tool['type'] !== undefined) {
      throw invalidField(
        `${path}.type`,
        `${JSON.stringify(tool['type'])} tools are not supported when translating to another provider; only function tools are`,
      );
    }
    const fn = tool['function'];
    if (!isObject(fn)) throw invalidField(`${path}.function`, 'must be an object');
    const name = stringOf(fn['name']);
    if (!name) throw invalidField(`${path}.function.name`, 'must be a non-empty string');
    const parameters = fn['parameters'] ?? { type: 'object', properties: {} };
    if (!isObject(parameters))
      throw invalidField(`${path}.function.parameters`, 'must be a JSON Schema object');
    const definition: ToolDefinition = { name, parameters };
    const description = stringOf(fn['description']);
    if (description !== undefined) definition.description = description;
    if (typeof fn['strict'] === 'boolean') definition.strict = fn['strict'];
    return definition;
  });
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (isObject(value) && value['type'] === 'function') {
    const fn = value['function'];
    const name = isObject(fn) ? stringOf(fn['name']) : undefined;
    if (!name) throw invalidField('tool_choice.function.name', 'must be a non-empty string');
    return { type: 'tool', name };
  }
  if (isObject(value) && typeof value['type'] === 'string') {
    throw invalidField(
      'tool_choice',
      `${JSON.stringify(value['type'])} is not supported when translating to another provider`,
    );
  }
  throw invalidField(
    'tool_choice',
    "must be 'auto', 'none', 'required' or {type:'function', function:{name}}",
  );
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField('response_format', 'must be an object');
  switch (value['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = value['json_schema'];
      if (!isObject(spec)) throw invalidField('response_format.json_schema', 'must be an object');
      const name = stringOf(spec['name']);
      if (!name) throw invalidField('response_format.json_schema.name', 'must be a non-empty string');
      const schema = spec['schema'] ?? {};
      if (!isObject(schema)) throw invalidField('response_format.json_schema.schema', 'must be an object');
      const format: ResponseFormat = { type: 'json_schema', name, schema };
      if (typeof spec['strict'] === 'boolean') format.strict = spec['strict'];
      const description = stringOf(spec['description']);
      if (description) format.description = description;
      return format;
    }
    default:
      throw invalidField('response_format.type', "must be 'text', 'json_object' or 'json_schema'");
  }
}

function decodeReasoningEffort(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const effort = EFFORTS.get(value);
  if (effort === undefined) {
    throw invalidField('reasoning_effort', `must be one of ${[...EFFORTS.keys()].join(', ')}`);
  }
  return effort === null ? undefined : { effort };
}
