import { findProvider } from '../providers/registry.ts';
import { type SecretValue, secretKeys } from '../resources/secret-input.ts';
import type { Vault } from '../secrets/vault.ts';
import type { EndpointRecord, ModelRecord, SecretRecord } from '../store/records.ts';
import type { ConfigSnapshot, Credential, ModelTarget, RoutedEndpoint } from './config-snapshot.ts';

export interface SnapshotRows {
  version: number;
  secrets: SecretRecord[];
  models: ModelRecord[];
  endpoints: EndpointRecord[];
}

/** Decrypted values survive rebuilds while their ciphertext is unchanged. */
export type DecryptCache = Map<string, { ciphertext: string; value: SecretValue }>;

function decrypt(vault: Vault, secret: SecretRecord, cache: DecryptCache): SecretValue {
  const cached = cache.get(secret.id);
  if (cached && cached.ciphertext === secret.sealed.ciphertext) return cached.value;
  const value = vault.open(secret.id, secret.sealed) as SecretValue;
  cache.set(secret.id, { ciphertext: secret.sealed.ciphertext, value });
  return value;
}

export function buildSnapshot(rows: SnapshotRows, vault: Vault, cache: DecryptCache): ConfigSnapshot {
  const problems: string[] = [];
  const credentials = new Map<string, Credential & { provider: string }>();
  const credentialsById = new Map<string, Credential & { provider: string }>();
  for (const secret of rows.secrets) {
    try {
      const value = decrypt(vault, secret, cache);
      const credential = {
        secretId: secret.id,
        secretName: secret.name,
        provider: secret.provider,
        apiKey: secretKeys(value)[0],
        apiKeys: secretKeys(value),
        passthrough: value.api_key === '!PASSTHRU',
        authConfig: secret.authConfig,
      };
      credentials.set(secret.name, credential);
      credentialsById.set(secret.id, credential);
    } catch (error) {
      problems.push(`secret '${secret.name}': ${(error as Error).message}`);
    }
  }
  const liveIds = new Set(rows.secrets.map((s) => s.id));
  for (const id of cache.keys()) if (!liveIds.has(id)) cache.delete(id);

  const modelsById = new Map<string, ModelTarget>();
  const models = new Map<string, ModelTarget>();
  for (const model of rows.models) {
    const provider = findProvider(model.provider);
    const credential = credentialsById.get(model.secretId);
    if (!provider || !credential) continue;
    const target: ModelTarget = {
      id: model.id,
      name: model.name,
      provider,
      modelName: model.modelName,
      apiBase: credential.authConfig['api_base'] ?? provider.defaultApiBase ?? '',
      credential,
      pricing: model.pricing,
    };
    modelsById.set(model.id, target);
    models.set(model.name, target);
  }

  const endpoints = new Map<string, RoutedEndpoint>();
  for (const endpoint of rows.endpoints) {
    const primaries: { model: ModelTarget; weight: number }[] = [];
    const fallbacks: { model: ModelTarget; order: number; position: number }[] = [];
    for (const [position, t] of endpoint.targets.entries()) {
      const model = modelsById.get(t.modelId);
      if (!model) continue;
      if (t.role === 'primary') primaries.push({ model, weight: t.weight ?? 1 });
      else fallbacks.push({ model, order: t.order ?? Number.MAX_SAFE_INTEGER, position });
    }
    fallbacks.sort((a, b) => a.order - b.order || a.position - b.position);
    endpoints.set(endpoint.name, {
      id: endpoint.id,
      name: endpoint.name,
      createdAt: endpoint.createdAt,
      policy: endpoint.policy,
      primaries,
      fallbacks: fallbacks.map((f) => f.model),
    });
  }

  return {
    version: rows.version,
    builtAt: new Date(),
    endpoints,
    models,
    credentialsBySecretName: credentials,
    problems,
  };
}
