import type { EndpointRecord, ModelRecord, Pricing, SecretRecord } from '../store/records.ts';

/** The admin API's JSON for each resource. Secret values never appear, only their mask. */
export interface SecretView {
  id: string;
  name: string;
  provider: string;
  masked_value: string;
  auth_config: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface ModelView {
  id: string;
  name: string;
  provider: string;
  model_name: string;
  secret: string;
  secret_id: string;
  pricing: Pricing | null;
  created_at: string;
  updated_at: string;
}

export interface EndpointModelView {
  model: string;
  model_id: string;
  role: 'primary' | 'fallback';
  weight: number | null;
  order: number | null;
}

export interface EndpointView {
  id: string;
  name: string;
  models: EndpointModelView[];
  routing: 'first' | 'traffic_split';
  fallback: EndpointRecord['policy']['fallback'];
  retry: EndpointRecord['policy']['retry'];
  timeouts: EndpointRecord['policy']['timeouts'];
  usage_tracking: boolean;
  created_at: string;
  updated_at: string;
}

export function secretView(s: SecretRecord): SecretView {
  return {
    id: s.id,
    name: s.name,
    provider: s.provider,
    masked_value: s.maskedValue,
    auth_config: s.authConfig,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

export function modelView(m: ModelRecord, secretName: string): ModelView {
  return {
    id: m.id,
    name: m.name,
    provider: m.provider,
    model_name: m.modelName,
    secret: secretName,
    secret_id: m.secretId,
    pricing: m.pricing,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

export function endpointView(e: EndpointRecord, modelNames: ReadonlyMap<string, string>): EndpointView {
  return {
    id: e.id,
    name: e.name,
    models: e.targets.map((t) => ({
      model: modelNames.get(t.modelId) ?? t.modelId,
      model_id: t.modelId,
      role: t.role,
      weight: t.weight,
      order: t.order,
    })),
    routing: e.policy.routing,
    fallback: e.policy.fallback,
    retry: e.policy.retry,
    timeouts: e.policy.timeouts,
    usage_tracking: e.policy.usage_tracking,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

/** Each key masked; several keys are listed comma-separated. */
export function maskSecretValue(value: { api_key?: string; api_keys?: string[] }): string {
  if (value.api_keys) return value.api_keys.map(maskApiKey).join(', ');
  return maskApiKey(value.api_key);
}

/** `sk-...wxyz`: enough to recognise a key, never enough to use it. */
export function maskApiKey(apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === '') return '';
  if (apiKey === '!PASSTHRU') return apiKey;
  if (apiKey.length < 12) return '...';
  return `${apiKey.slice(0, 3)}...${apiKey.slice(-4)}`;
}
