import type { CanonicalRequest, ReasoningConfig, ResponseFormat } from '../../canonical/request.ts';
import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import { optionalString, requiredString } from './decode-content.ts';
import { decodeInput } from './decode-input.ts';
import { decodeTools } from './decode-tools.ts';

/**
 * A Responses request as a canonical one. Switchyard keeps no state, so what needs OpenAI's
 * stored responses (`previous_response_id`, `conversation`, `background`, item references) is
 * refused; what only OpenAI's backends can run (its hosted tools and their items, prompt
 * templates, logprobs) is recorded as dialect-only. `store`, `metadata`, `truncation`,
 * `include`, `service_tier`, `prompt_cache_key` and the like change nothing a translated
 * backend does and are ignored.
 */
export function decodeRequest(body: unknown): CanonicalRequest {
  if (!isObject(body)) throw new GatewayError('invalid_request', 'request body must be a JSON object');
  refuseStoredState(body);
  const model = body['model'];
  if (model !== undefined && typeof model !== 'string') throw invalidField('model', 'must be a string');
  if (!model)
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });

  const input = decodeInput(body['input'], optionalString(body, 'instructions', 'instructions'));
  const tools = decodeTools(body['tools'], body['tool_choice']);
  const request: CanonicalRequest = {
    model,
    system: input.system,
    messages: input.messages,
    tools: tools.tools,
    stream: optionalBoolean(body, 'stream') ?? false,
    dialectOnly: [...tools.dialectOnly, ...input.dialectOnly],
  };
  if (tools.toolChoice) request.toolChoice = tools.toolChoice;
  const parallel = optionalBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens = optionalNumber(body, 'max_output_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature', 0, 2, false);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p', 0, 1, false);
  if (topP !== undefined) request.topP = topP;
  const format = responseFormat(body['text']);
  if (format) request.responseFormat = format;
  const reasoning = reasoningConfig(body['reasoning']);
  if (reasoning) request.reasoning = reasoning;
  const user =
    optionalString(body, 'user', 'user') ?? optionalString(body, 'safety_identifier', 'safety_identifier');
  if (user !== undefined) request.user = user;
  const topLogprobs = optionalNumber(body, 'top_logprobs', 0, 20, true);
  if (topLogprobs) request.dialectOnly.push('top_logprobs');
  if (body['prompt'] !== undefined && body['prompt'] !== null)
    request.dialectOnly.push('prompt templates (prompt)');
  const extras = unknownFields(body);
  if (extras) request.extras = { family: 'openai', fields: extras };
  return request;
}

/** Every field this decoder reads, refuses or deliberately ignores. */
const KNOWN_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'stream',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'reasoning',
  'user',
  'safety_identifier',
  'top_logprobs',
  'prompt',
  'previous_response_id',
  'conversation',
  'background',
  'store',
  'metadata',
  'truncation',
  'include',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'stream_options',
  'max_tool_calls',
]);

/**
 * What the client sent beyond the Responses API (an OpenAI-compatible server's own
 * parameters, via the SDK's extra body): forwarded to OpenAI-compatible backends as is.
 */
function unknownFields(body: JsonObject): Record<string, unknown> | undefined {
  let extras: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (KNOWN_FIELDS.has(key) || value === undefined) continue;
    extras ??= {};
    extras[key] = value;
  }
  return extras;
}

function refuseStoredState(body: JsonObject): void {
  if (body['previous_response_id'] !== undefined && body['previous_response_id'] !== null) {
    throw new GatewayError(
      'invalid_request',
      'previous_response_id is not supported: Switchyard does not store responses; send the whole conversation in input',
      { param: 'previous_response_id' },
    );
  }
  if (body['conversation'] !== undefined && body['conversation'] !== null) {
    throw new GatewayError(
      'invalid_request',
      'conversation is not supported: Switchyard does not store conversations; send the whole conversation in input',
      { param: 'conversation' },
    );
  }
  if (optionalBoolean(body, 'background')) {
    throw new GatewayError(
      'invalid_request',
      'background is not supported: Switchyard does not store responses, so it cannot run one in the background',
      { param: 'background' },
    );
  }
}

function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(key, 'must be a boolean');
  return value;
}

function optionalNumber(body: JsonObject, key: string, min: number, max: number, integer: boolean) {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField(key, 'must be a number');
  if (integer && !Number.isInteger(value)) throw invalidField(key, 'must be an integer');
  if (value < min || value > max) throw invalidField(key, `must be between ${min} and ${max}`);
  return value;
}

/** `text.format`; `text.verbosity` has no counterpart elsewhere and is a hint, so it is ignored. */
function responseFormat(text: unknown): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isObject(text)) throw invalidField('text', 'must be an object');
  const format = text['format'];
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) throw invalidField('text.format', 'must be an object');
  switch (format['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const name = requiredString(format['name'], 'text.format.name');
      const schema = format['schema'];
      if (!isObject(schema)) throw invalidField('text.format.schema', 'must be a JSON Schema object');
      const decoded: ResponseFormat = { type: 'json_schema', name, schema };
      const strict = format['strict'];
      if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
        throw invalidField('text.format.strict', 'must be a boolean');
      }
      if (typeof strict === 'boolean') decoded.strict = strict;
      const description = optionalString(format, 'description', 'text.format.description');
      if (description !== undefined) decoded.description = description;
      return decoded;
    }
    default:
      throw invalidField('text.format.type', 'must be "text", "json_object" or "json_schema"');
  }
}

const EFFORTS = new Map<string, ReasoningConfig['effort'] | null>([
  ['none', null],
  ['minimal', 'minimal'],
  ['low', 'low'],
  ['medium', 'medium'],
  ['high', 'high'],
  ['xhigh', 'high'],
]);

/**
 * `reasoning.effort` maps one to one, except `xhigh` (the canonical scale tops out at high)
 * and `none`, which asks for nothing. A summary asked for means the client wants the
 * model's thoughts back.
 */
function reasoningConfig(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField('reasoning', 'must be an object');
  const config: ReasoningConfig = {};
  const effort = optionalString(value, 'effort', 'reasoning.effort');
  if (effort !== undefined) {
    const mapped = EFFORTS.get(effort);
    if (mapped === undefined) {
      throw invalidField('reasoning.effort', 'must be "none", "minimal", "low", "medium", "high" or "xhigh"');
    }
    if (mapped !== null) config.effort = mapped;
  }
  const summary =
    optionalString(value, 'summary', 'reasoning.summary') ??
    optionalString(value, 'generate_summary', 'reasoning.generate_summary');
  if (summary !== undefined) config.includeThoughts = true;
  return config.effort === undefined && config.includeThoughts === undefined ? undefined : config;
}
