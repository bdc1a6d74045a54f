import type { Operation } from '../../core/operation.ts';
import type { ProviderAdapter } from '../adapter.ts';
import { OPENAI_PROTOCOL_HEADERS, openaiStreamTap, openaiUsageFromBody } from '../openai/adapter.ts';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';
const RESPONSES_API_VERSION = '2025-04-01-preview';

const DEPLOYMENT_PATHS: Partial<Record<Operation, string>> = {
  chat: 'chat/completions',
  embeddings: 'embeddings',
};

/**
 * Azure OpenAI: the deployment (the model's `model_name`) is in the path, so `model` leaves
 * the body; the Responses API takes the deployment as `model` instead. `api-key` auth.
 */
export const azureAdapter: ProviderAdapter = {
  supports: (operation) => DEPLOYMENT_PATHS[operation] !== undefined || operation === 'responses',
  bodyModel: (operation) => (operation === 'responses' ? 'replace' : 'remove'),
  protocolHeaders: OPENAI_PROTOCOL_HEADERS,
  upstream({ operation, target, apiKey, protocolHeaders }) {
    const headers: Record<string, string> = { ...protocolHeaders, 'content-type': 'application/json' };
    if (!target.credential.passthrough) {
      delete headers['openai-organization'];
      delete headers['openai-project'];
    }
    if (apiKey) headers['api-key'] = apiKey;
    const configured = target.credential.authConfig['api_version'];
    if (operation === 'responses') {
      const version = encodeURIComponent(configured ?? RESPONSES_API_VERSION);
      return { url: `${target.apiBase}/openai/responses?api-version=${version}`, headers };
    }
    const version = encodeURIComponent(configured ?? AZURE_DEFAULT_API_VERSION);
    const deployment = encodeURIComponent(target.modelName);
    return {
      url: `${target.apiBase}/openai/deployments/${deployment}/${DEPLOYMENT_PATHS[operation]}?api-version=${version}`,
      headers,
    };
  },
  usageFromBody: openaiUsageFromBody,
  streamTap: openaiStreamTap,
};
