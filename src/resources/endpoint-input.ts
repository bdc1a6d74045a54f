import { invalidField } from '../core/errors.ts';
import type { EndpointPolicy, FallbackTrigger, TargetRole } from '../store/records.ts';
import {
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  rejectUnknownFields,
  requireName,
  requireObject,
  requireString,
} from './fields.ts';

export interface EndpointModelInput {
  /** A model id or name, resolved by the catalog. */
  model: string;
  role: TargetRole;
  weight: number | null;
  order: number | null;
}

export interface EndpointInput {
  name: string;
  models: EndpointModelInput[];
  policy: EndpointPolicy;
}

export const ENDPOINT_FIELDS = [
  'name',
  'models',
  'routing',
  'fallback',
  'retry',
  'timeouts',
  'usage_tracking',
];
const FALLBACK_TRIGGERS: readonly FallbackTrigger[] = ['429', '5xx', 'timeout', 'connect'];
const TIMEOUT_FIELDS = ['connect_ms', 'first_byte_ms', 'idle_ms', 'total_ms'] as const;
const HOUR_MS = 3_600_000;

function parseModels(raw: unknown, routing: EndpointPolicy['routing']): EndpointModelInput[] {
  if (!Array.isArray(raw)) throw invalidField('models', 'must be an array of {model, role, weight?, order?}');
  if (raw.length === 0) throw invalidField('models', 'must list at least one model');
  const seen = new Set<string>();
  const models = raw.map((item: unknown, i): EndpointModelInput => {
    const prefix = `models[${i}].`;
    const entry = requireObject(item, `models[${i}]`);
    rejectUnknownFields(entry, ['model', 'role', 'weight', 'order'], prefix);
    const model = requireString(entry, 'model', prefix);
    if (seen.has(model)) throw invalidField(`${prefix}model`, `'${model}' is listed twice`);
    seen.add(model);
    const role = entry['role'] ?? 'primary';
    if (role !== 'primary' && role !== 'fallback')
      throw invalidField(`${prefix}role`, "must be 'primary' or 'fallback'");
    const weight = optionalNumber(entry, 'weight', prefix, 0) ?? null;
    if (routing === 'traffic_split' && role === 'primary' && weight === 0) {
      throw invalidField(`${prefix}weight`, 'must be greater than 0 for a traffic_split primary');
    }
    return { model, role, weight, order: optionalInteger(entry, 'order', prefix, 0) ?? null };
  });
  if (!models.some((m) => m.role === 'primary')) {
    throw invalidField('models', "an endpoint needs at least one model with role 'primary'");
  }
  return models;
}

function parseFallback(raw: unknown, hasFallbackModels: boolean): EndpointPolicy['fallback'] {
  if (raw === undefined || raw === null) return null;
  const body = requireObject(raw, 'fallback');
  rejectUnknownFields(body, ['max_attempts', 'on'], 'fallback.');
  if (!hasFallbackModels) throw invalidField('fallback', "is set but no model has role 'fallback'");
  const fallback: NonNullable<EndpointPolicy['fallback']> = {};
  const maxAttempts = optionalInteger(body, 'max_attempts', 'fallback.', 1, 100);
  if (maxAttempts !== undefined) fallback.max_attempts = maxAttempts;
  if (body['on'] !== undefined) {
    const on = body['on'];
    if (!Array.isArray(on) || on.length === 0) {
      throw invalidField('fallback.on', `must be a non-empty array of ${FALLBACK_TRIGGERS.join(', ')}`);
    }
    fallback.on = on.map((trigger: unknown, i) => {
      if (!FALLBACK_TRIGGERS.includes(trigger as FallbackTrigger)) {
        throw invalidField(`fallback.on[${i}]`, `must be one of ${FALLBACK_TRIGGERS.join(', ')}`);
      }
      return trigger as FallbackTrigger;
    });
  }
  return fallback;
}

function parseRetry(raw: unknown): EndpointPolicy['retry'] {
  if (raw === undefined || raw === null) return null;
  const body = requireObject(raw, 'retry');
  rejectUnknownFields(body, ['attempts', 'backoff_ms'], 'retry.');
  const retry: NonNullable<EndpointPolicy['retry']> = {};
  const attempts = optionalInteger(body, 'attempts', 'retry.', 0, 10);
  const backoff = optionalInteger(body, 'backoff_ms', 'retry.', 0, 60_000);
  if (attempts !== undefined) retry.attempts = attempts;
  if (backoff !== undefined) retry.backoff_ms = backoff;
  return retry;
}

function parseTimeouts(raw: unknown): EndpointPolicy['timeouts'] {
  if (raw === undefined || raw === null) return null;
  const body = requireObject(raw, 'timeouts');
  rejectUnknownFields(body, TIMEOUT_FIELDS, 'timeouts.');
  const timeouts: NonNullable<EndpointPolicy['timeouts']> = {};
  for (const field of TIMEOUT_FIELDS) {
    const value = optionalInteger(body, field, 'timeouts.', 1, HOUR_MS);
    if (value !== undefined) timeouts[field] = value;
  }
  return timeouts;
}

export function parseEndpointInput(body: unknown): EndpointInput {
  const input: JsonObject = requireObject(body, 'body');
  rejectUnknownFields(input, ENDPOINT_FIELDS);
  const name = requireName(input);
  const routing = input['routing'] ?? 'first';
  if (routing !== 'first' && routing !== 'traffic_split') {
    throw invalidField('routing', "must be 'first' or 'traffic_split'");
  }
  if (input['models'] === undefined) throw invalidField('models', 'is required');
  const models = parseModels(input['models'], routing);
  return {
    name,
    models,
    policy: {
      routing,
      fallback: parseFallback(
        input['fallback'],
        models.some((m) => m.role === 'fallback'),
      ),
      retry: parseRetry(input['retry']),
      timeouts: parseTimeouts(input['timeouts']),
      usage_tracking: optionalBoolean(input, 'usage_tracking') ?? true,
    },
  };
}
