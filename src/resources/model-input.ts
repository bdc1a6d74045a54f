import { invalidField } from '../core/errors.ts';
import type { Pricing } from '../store/records.ts';
import {
  type JsonObject,
  optionalNumber,
  rejectUnknownFields,
  requireName,
  requireObject,
  requireString,
} from './fields.ts';
import { type ProviderPolicy, requireProvider } from './secret-input.ts';

export interface ModelInput {
  name: string;
  provider: string;
  model_name: string;
  secret: string;
  pricing: Pricing | null;
}

export type ModelPatch = Partial<ModelInput>;

const MODEL_FIELDS = ['name', 'provider', 'model_name', 'secret', 'pricing'] as const;
const PRICING_FIELDS = ['input_per_mtok', 'output_per_mtok', 'cache_read_per_mtok', 'cache_write_per_mtok'];

function parsePricing(raw: unknown): Pricing | null {
  if (raw === null) return null;
  const body = requireObject(raw, 'pricing');
  rejectUnknownFields(body, PRICING_FIELDS, 'pricing.');
  const required = (key: string): number => {
    const value = optionalNumber(body, key, 'pricing.', 0);
    if (value === undefined) throw invalidField(`pricing.${key}`, 'is required');
    return value;
  };
  const pricing: Pricing = {
    input_per_mtok: required('input_per_mtok'),
    output_per_mtok: required('output_per_mtok'),
  };
  const cacheRead = optionalNumber(body, 'cache_read_per_mtok', 'pricing.', 0);
  const cacheWrite = optionalNumber(body, 'cache_write_per_mtok', 'pricing.', 0);
  if (cacheRead !== undefined) pricing.cache_read_per_mtok = cacheRead;
  if (cacheWrite !== undefined) pricing.cache_write_per_mtok = cacheWrite;
  return pricing;
}

export function parseModelInput(body: unknown, isAllowed: ProviderPolicy): ModelInput {
  const input = requireObject(body, 'body');
  rejectUnknownFields(input, MODEL_FIELDS);
  return {
    name: requireName(input),
    provider: requireProvider(input, isAllowed).name,
    model_name: requireString(input, 'model_name'),
    secret: requireString(input, 'secret'),
    pricing: input['pricing'] === undefined ? null : parsePricing(input['pricing']),
  };
}

export function parseModelPatch(body: unknown, isAllowed: ProviderPolicy): ModelPatch {
  const input: JsonObject = requireObject(body, 'body');
  rejectUnknownFields(input, MODEL_FIELDS);
  const patch: ModelPatch = {};
  if (input['name'] !== undefined) patch.name = requireName(input);
  if (input['provider'] !== undefined) patch.provider = requireProvider(input, isAllowed).name;
  if (input['model_name'] !== undefined) patch.model_name = requireString(input, 'model_name');
  if (input['secret'] !== undefined) patch.secret = requireString(input, 'secret');
  if (input['pricing'] !== undefined) patch.pricing = parsePricing(input['pricing']);
  return patch;
}
