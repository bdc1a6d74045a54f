import type { ProviderAdapter } from '../adapter.ts';
import { usageFromMember } from '../body-usage.ts';
import { messagesStreamTap } from './stream-tap.ts';
import { messagesUsage } from './usage.ts';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic Messages: `x-api-key`, and `anthropic-version` defaulted when the client sends none. */
export const anthropicAdapter: ProviderAdapter = {
  supports: (operation) => operation === 'messages' || operation === 'count_tokens',
  bodyModel: () => 'replace',
  protocolHeaders: ['anthropic-version', 'anthropic-beta'],
  upstream({ operation, target, apiKey, protocolHeaders, query }) {
    const headers: Record<string, string> = {
      'anthropic-version': DEFAULT_ANTHROPIC_VERSION,
      ...protocolHeaders,
      'content-type': 'application/json',
    };
    if (apiKey) headers['x-api-key'] = apiKey;
    const path = operation === 'count_tokens' ? '/v1/messages/count_tokens' : '/v1/messages';
    // The SDK's beta client marks its calls with ?beta=true; it is kept, other query keys are not.
    const beta = query.get('beta');
    const suffix = beta === null ? '' : `?beta=${encodeURIComponent(beta)}`;
    return { url: `${target.apiBase}${path}${suffix}`, headers };
  },
  usageFromBody: (operation, body) =>
    operation === 'messages' ? usageFromMember(body, 'usage', messagesUsage) : null,
  streamTap: () => messagesStreamTap(),
};
