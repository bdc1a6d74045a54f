import type { ProviderSpec } from '../providers/registry.ts';
import type { EndpointPolicy, Pricing } from '../store/records.ts';

/** A provider credential, decrypted, ready for the request path. */
export interface Credential {
  secretId: string;
  secretName: string;
  /** Undefined for providers that need no key (local servers). */
  apiKey: string | undefined;
  /** Every key of the secret (one, or several used round-robin); empty when there is none. */
  apiKeys: readonly string[];
  /** The secret says: use the calling client's own provider key. */
  passthrough: boolean;
  authConfig: Readonly<Record<string, string>>;
}

export interface ModelTarget {
  id: string;
  name: string;
  provider: ProviderSpec;
  modelName: string;
  apiBase: string;
  credential: Credential;
  pricing: Pricing | null;
}

export interface RoutedEndpoint {
  id: string;
  name: string;
  createdAt: string;
  policy: EndpointPolicy;
  primaries: readonly { model: ModelTarget; weight: number }[];
  /** In fallback order. */
  fallbacks: readonly ModelTarget[];
}

/** An immutable view of everything the request path needs; rebuilt whole on every change. */
export interface ConfigSnapshot {
  version: number;
  builtAt: Date;
  endpoints: ReadonlyMap<string, RoutedEndpoint>;
  models: ReadonlyMap<string, ModelTarget>;
  credentialsBySecretName: ReadonlyMap<string, Credential & { provider: string }>;
  /** Secrets that could not be decrypted, with why (their models are left out). */
  problems: readonly string[];
}
