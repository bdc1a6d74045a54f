import type { Operation } from '../../core/operation.ts';
import type { ProviderAdapter, UpstreamCallInput } from '../adapter.ts';
import { usageFromMember } from '../body-usage.ts';
import { chatStreamTap, responsesStreamTap } from './stream-taps.ts';
import { chatUsage, responsesUsage } from './usage.ts';

const PATHS: Partial<Record<Operation, string>> = {
  chat: '/chat/completions',
  responses: '/responses',
  embeddings: '/embeddings',
};

export const OPENAI_PROTOCOL_HEADERS = ['openai-organization', 'openai-project', 'openai-beta'];

export function openaiUsageFromBody(operation: Operation, body: Uint8Array) {
  return usageFromMember(body, 'usage', operation === 'responses' ? responsesUsage : chatUsage);
}

export function openaiStreamTap(operation: Operation, options: { undoInjectedUsage: boolean }) {
  return operation === 'responses' ? responsesStreamTap() : chatStreamTap(options.undoInjectedUsage);
}

/** OpenAI and every OpenAI-compatible server: `{api_base}/chat/completions`, Bearer auth. */
export const openaiAdapter: ProviderAdapter = {
  supports: (operation) => PATHS[operation] !== undefined,
  bodyModel: () => 'replace',
  protocolHeaders: OPENAI_PROTOCOL_HEADERS,
  upstream({ operation, target, apiKey, protocolHeaders }: UpstreamCallInput) {
    const headers: Record<string, string> = { ...protocolHeaders, 'content-type': 'application/json' };
    // With the operator's key, the client does not get to pick which organization or
    // project is billed; with its own key (!PASSTHRU) it does.
    if (!target.credential.passthrough) {
      delete headers['openai-organization'];
      delete headers['openai-project'];
    }
    if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
    const { organization, project } = target.credential.authConfig;
    if (organization) headers['openai-organization'] = organization;
    if (project) headers['openai-project'] = project;
    return { url: `${target.apiBase}${PATHS[operation]}`, headers };
  },
  usageFromBody: openaiUsageFromBody,
  streamTap: openaiStreamTap,
};
