import { GatewayError } from '../core/errors.ts';
import { findProvider } from '../providers/registry.ts';
import type { ConfigSnapshot, RoutedEndpoint } from '../snapshot/config-snapshot.ts';
import type { EndpointPolicy } from '../store/records.ts';

const DIRECT_POLICY: EndpointPolicy = {
  routing: 'first',
  fallback: null,
  retry: null,
  timeouts: null,
  usage_tracking: true,
};

/** Direct `provider:model` endpoints, built once per snapshot (they hold its credentials). */
const directCache = new WeakMap<ConfigSnapshot, Map<string, RoutedEndpoint>>();

/**
 * The endpoint a client named: a configured one, or `provider:model_name`, which goes straight
 * to that provider with the secret named `default-<provider>`. Endpoint names cannot hold a
 * colon, so the two never collide. Undefined when nothing matches.
 */
export function resolveEndpoint(snapshot: ConfigSnapshot, name: string): RoutedEndpoint | undefined {
  const configured = snapshot.endpoints.get(name);
  if (configured) return configured;
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === name.length - 1) return undefined;
  const provider = findProvider(name.slice(0, colon));
  if (!provider) return undefined;

  let cache = directCache.get(snapshot);
  if (!cache) {
    cache = new Map();
    directCache.set(snapshot, cache);
  }
  const cached = cache.get(name);
  if (cached) return cached;

  const secretName = `default-${provider.name}`;
  const credential = snapshot.credentialsBySecretName.get(secretName);
  if (!credential) {
    throw new GatewayError(
      'invalid_request',
      `'${name}' names ${provider.displayName} directly, which needs a secret named '${secretName}'; none exists`,
      { param: 'model' },
    );
  }
  if (credential.provider !== provider.name) {
    throw new GatewayError(
      'invalid_request',
      `secret '${secretName}' is for provider '${credential.provider}', not '${provider.name}'`,
      { param: 'model' },
    );
  }
  const modelName = name.slice(colon + 1);
  const endpoint: RoutedEndpoint = {
    id: `direct:${name}`,
    name,
    createdAt: snapshot.builtAt.toISOString(),
    policy: DIRECT_POLICY,
    primaries: [
      {
        weight: 1,
        model: {
          id: `direct:${name}`,
          name,
          provider,
          modelName,
          apiBase: credential.authConfig['api_base'] ?? provider.defaultApiBase ?? '',
          credential,
          pricing: null,
        },
      },
    ],
    fallbacks: [],
  };
  // Bounded: a client cycling through made-up model names must not grow it without end.
  if (cache.size < 10_000) cache.set(name, endpoint);
  return endpoint;
}
