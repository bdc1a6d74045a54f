import { GatewayError, invalidField } from '../core/errors.ts';
import { findProvider, PROVIDER_NAMES, type ProviderSpec } from '../providers/registry.ts';
import {
  type JsonObject,
  optionalString,
  rejectUnknownFields,
  requireName,
  requireObject,
  requireString,
} from './fields.ts';

export interface SecretValue {
  api_key?: string;
  /** Several keys for one provider account, used round-robin. Exclusive with `api_key`. */
  api_keys?: string[];
}

/** Every key a secret value holds, in order. */
export function secretKeys(value: SecretValue): string[] {
  if (value.api_keys) return value.api_keys;
  return value.api_key === undefined ? [] : [value.api_key];
}

export interface SecretInput {
  name: string;
  provider: string;
  value: SecretValue;
  auth_config: Record<string, string>;
}

export interface SecretPatch {
  name?: string;
  value?: SecretValue;
  auth_config?: Record<string, string>;
}

export type ProviderPolicy = (provider: string) => boolean;

const SECRET_FIELDS = ['name', 'provider', 'value', 'auth_config'] as const;

export function requireProvider(body: JsonObject, isAllowed: ProviderPolicy): ProviderSpec {
  const name = requireString(body, 'provider');
  const spec = findProvider(name);
  if (!spec)
    throw invalidField('provider', `unknown provider '${name}' (known: ${PROVIDER_NAMES.join(', ')})`);
  if (!isAllowed(name)) {
    throw invalidField('provider', `provider '${name}' is not allowed here (SWITCHYARD_ALLOWED_PROVIDERS)`);
  }
  return spec;
}

// A key goes into a header; a pasted trailing newline would fail every request.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function parseValue(raw: unknown, provider: ProviderSpec): SecretValue {
  const value = requireObject(raw, 'value');
  rejectUnknownFields(value, ['api_key', 'api_keys'], 'value.');
  const apiKey = optionalString(value, 'api_key', 'value.');
  const keys = value['api_keys'];
  if (keys !== undefined) {
    if (apiKey !== undefined) throw invalidField('value.api_keys', "cannot be set together with 'api_key'");
    if (!Array.isArray(keys) || keys.length === 0) {
      throw invalidField('value.api_keys', 'must be a non-empty array of keys');
    }
    const list = keys.map((key: unknown, i) => {
      if (typeof key !== 'string' || key.trim() === '') {
        throw invalidField(`value.api_keys[${i}]`, 'must be a non-empty string');
      }
      if (CONTROL_CHARACTER.test(key)) {
        throw invalidField(`value.api_keys[${i}]`, 'holds a control character (a stray newline?)');
      }
      if (key === '!PASSTHRU') {
        throw invalidField(`value.api_keys[${i}]`, "'!PASSTHRU' goes in 'api_key' on its own");
      }
      return key;
    });
    if (new Set(list).size !== list.length) throw invalidField('value.api_keys', 'holds the same key twice');
    return { api_keys: list };
  }
  if (apiKey === undefined && provider.apiKeyRequired) throw invalidField('value.api_key', 'is required');
  if (apiKey !== undefined && CONTROL_CHARACTER.test(apiKey)) {
    throw invalidField('value.api_key', 'holds a control character (a stray newline?)');
  }
  return apiKey === undefined ? {} : { api_key: apiKey };
}

function parseAuthConfig(raw: unknown, provider: ProviderSpec): Record<string, string> {
  const config = raw === undefined ? {} : requireObject(raw, 'auth_config');
  const result: Record<string, string> = {};
  const known = provider.authConfig.map((f) => f.name);
  for (const [key, value] of Object.entries(config)) {
    if (!known.includes(key)) {
      throw invalidField(
        `auth_config.${key}`,
        `unknown field for provider '${provider.name}' (allowed: ${known.join(', ')})`,
      );
    }
    if (typeof value !== 'string') throw invalidField(`auth_config.${key}`, 'must be a string');
    result[key] = value;
  }
  for (const field of provider.authConfig) {
    if (field.required && !result[field.name]) {
      throw invalidField(`auth_config.${field.name}`, `is required for provider '${provider.name}'`);
    }
  }
  const base = result['api_base'];
  if (base !== undefined) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw invalidField('auth_config.api_base', 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw invalidField('auth_config.api_base', 'must be an absolute http(s) URL');
    }
    result['api_base'] = base.replace(/\/+$/, '');
  }
  return result;
}

export function parseSecretInput(body: unknown, isAllowed: ProviderPolicy): SecretInput {
  const input = requireObject(body, 'body');
  rejectUnknownFields(input, SECRET_FIELDS);
  const name = requireName(input);
  const provider = requireProvider(input, isAllowed);
  if (input['value'] === undefined && provider.apiKeyRequired) throw invalidField('value', 'is required');
  return {
    name,
    provider: provider.name,
    value: input['value'] === undefined ? {} : parseValue(input['value'], provider),
    auth_config: parseAuthConfig(input['auth_config'], provider),
  };
}

export function parseSecretPatch(body: unknown, currentProvider: string): SecretPatch {
  const input = requireObject(body, 'body');
  rejectUnknownFields(input, SECRET_FIELDS);
  if (input['provider'] !== undefined && input['provider'] !== currentProvider) {
    throw invalidField('provider', 'cannot be changed; create a new secret for another provider');
  }
  const provider = findProvider(currentProvider);
  if (!provider)
    throw new GatewayError('internal', `stored secret has unknown provider '${currentProvider}'`);
  const patch: SecretPatch = {};
  if (input['name'] !== undefined) patch.name = requireName(input);
  if (input['value'] !== undefined) patch.value = parseValue(input['value'], provider);
  if (input['auth_config'] !== undefined) patch.auth_config = parseAuthConfig(input['auth_config'], provider);
  return patch;
}
