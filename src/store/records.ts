import type { SealedSecret } from '../secrets/vault.ts';

/** Rows as the store keeps them; the admin API and the snapshot shape them further. */
export interface SecretRecord {
  id: string;
  name: string;
  provider: string;
  sealed: SealedSecret;
  maskedValue: string;
  authConfig: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Pricing {
  input_per_mtok: number;
  output_per_mtok: number;
  cache_read_per_mtok?: number;
  cache_write_per_mtok?: number;
}

export interface ModelRecord {
  id: string;
  name: string;
  provider: string;
  modelName: string;
  secretId: string;
  pricing: Pricing | null;
  createdAt: string;
  updatedAt: string;
}

export type TargetRole = 'primary' | 'fallback';

export interface EndpointTarget {
  modelId: string;
  role: TargetRole;
  weight: number | null;
  order: number | null;
}

export type FallbackTrigger = '429' | '5xx' | 'timeout' | 'connect';

export interface EndpointPolicy {
  routing: 'first' | 'traffic_split';
  fallback: { max_attempts?: number; on?: FallbackTrigger[] } | null;
  retry: { attempts?: number; backoff_ms?: number } | null;
  timeouts: { connect_ms?: number; first_byte_ms?: number; idle_ms?: number; total_ms?: number } | null;
  usage_tracking: boolean;
}

export interface EndpointRecord {
  id: string;
  name: string;
  policy: EndpointPolicy;
  /** In the order the operator listed them. */
  targets: EndpointTarget[];
  createdAt: string;
  updatedAt: string;
}

export interface PageRequest {
  limit: number;
  /** Return rows whose id sorts after this one. */
  after: string | null;
}
