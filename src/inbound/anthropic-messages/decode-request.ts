import type { CanonicalRequest, ReasoningConfig, ResponseFormat, TextPart } from '../../canonical/request.ts';
import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import { decodeMessages } from './decode-content.ts';
import { decodeToolChoice, decodeTools } from './decode-tools.ts';

/**
 * An Anthropic Messages request, validated as Anthropic would. `cache_control`,
 * `context_management`, `service_tier` and other delivery hints are accepted and dropped.
 * `requireMaxTokens` is off for `count_tokens`, whose body has no `max_tokens`.
 */
export function decodeMessagesRequest(body: unknown, requireMaxTokens = true): CanonicalRequest {
  if (!isObject(body)) throw new GatewayError('invalid_request', 'request body must be a JSON object');
  const dialectOnly = new Set<string>();
  const model = body['model'];
  if (model === undefined || model === null || model === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  if (typeof model !== 'string') throw invalidField('model', 'must be a string');

  const maxTokens = optionalNumber(body, 'max_tokens', { min: 1, integer: true });
  if (maxTokens === undefined && requireMaxTokens) throw invalidField('max_tokens', 'Field required');

  const request: CanonicalRequest = {
    model,
    system: decodeSystem(body['system']),
    messages: decodeMessages(body['messages'], dialectOnly),
    tools: decodeTools(body['tools'], dialectOnly),
    ...decodeToolChoice(body['tool_choice']),
    stream: optionalBoolean(body, 'stream') ?? false,
    dialectOnly: [],
  };
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature', { min: 0, max: 1 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body, 'top_k', { min: 0, integer: true });
  if (topK !== undefined) request.topK = topK;
  const stop = stopSequences(body['stop_sequences']);
  if (stop) request.stop = stop;
  const user = metadataUser(body['metadata']);
  if (user) request.user = user;
  const outputConfig = objectField(body, 'output_config');
  const reasoning = decodeThinking(body['thinking'], outputConfig?.['effort']);
  if (reasoning) request.reasoning = reasoning;
  // `output_format` is the structured-outputs beta's spelling of `output_config.format`.
  const format = outputConfig?.['format'] ?? body['output_format'];
  const responseFormat = decodeFormat(
    format,
    outputConfig?.['format'] === undefined ? 'output_format' : 'output_config.format',
  );
  if (responseFormat) request.responseFormat = responseFormat;

  if (Array.isArray(body['mcp_servers']) && body['mcp_servers'].length > 0) dialectOnly.add('mcp_servers');
  if (body['container'] !== undefined && body['container'] !== null) dialectOnly.add('container');
  request.dialectOnly = [...dialectOnly];
  return request;
}

/** The system prompt: one text part per block, in order (cache_control dropped). */
function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField('system', 'must be a string or an array of text blocks');
  return value.map((block, at) => {
    if (!isObject(block) || block['type'] !== 'text' || typeof block['text'] !== 'string') {
      throw invalidField(`system.${at}`, 'must be a text block ({"type": "text", "text": ...})');
    }
    return { type: 'text', text: block['text'] };
  });
}

const EFFORTS: Readonly<Record<string, ReasoningConfig['effort']>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

/**
 * `thinking`: a budget when enabled; `adaptive` (the model decides how much to think) asks
 * for thoughts with no budget, sized by `output_config.effort` when given; `disabled`
 * leaves the backend's default.
 */
function decodeThinking(value: unknown, effort: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField('thinking', 'must be an object');
  switch (value['type']) {
    case 'enabled': {
      const budget = optionalNumber(
        value,
        'budget_tokens',
        { min: 1024, integer: true },
        'thinking.budget_tokens',
      );
      if (budget === undefined) throw invalidField('thinking.budget_tokens', 'Field required');
      return { budgetTokens: budget, includeThoughts: true };
    }
    case 'adaptive':
    case 'between_tools': {
      const level = typeof effort === 'string' ? EFFORTS[effort] : undefined;
      return { includeThoughts: true, ...(level ? { effort: level } : {}) };
    }
    case 'disabled':
      return undefined;
    default:
      throw invalidField('thinking.type', 'must be "enabled", "adaptive" or "disabled"');
  }
}

function decodeFormat(value: unknown, field: string): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value['type'] !== 'json_schema')
    throw invalidField(`${field}.type`, 'must be "json_schema"');
  const schema = value['schema'];
  if (!isObject(schema)) throw invalidField(`${field}.schema`, 'Field required');
  return { type: 'json_schema', name: 'response', schema };
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((stop) => typeof stop === 'string')) {
    throw invalidField('stop_sequences', 'must be an array of strings');
  }
  return value.length > 0 ? value : undefined;
}

function metadataUser(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField('metadata', 'must be an object');
  const user = value['user_id'];
  if (user === undefined || user === null) return undefined;
  if (typeof user !== 'string') throw invalidField('metadata.user_id', 'must be a string');
  return user || undefined;
}

function objectField(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField(key, 'must be an object');
  return value;
}

function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(key, 'must be a boolean');
  return value;
}

function optionalNumber(
  body: JsonObject,
  key: string,
  range: { min?: number; max?: number; integer?: boolean },
  field = key,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField(field, 'must be a number');
  if (range.integer && !Number.isInteger(value)) throw invalidField(field, 'must be an integer');
  if (range.min !== undefined && value < range.min)
    throw invalidField(field, `must be at least ${range.min}`);
  if (range.max !== undefined && value > range.max) throw invalidField(field, `must be at most ${range.max}`);
  return value;
}
