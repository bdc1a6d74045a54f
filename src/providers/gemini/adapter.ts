import type { EmbeddingRequest } from '../../canonical/embeddings.ts';
import type { ModelTarget } from '../../snapshot/config-snapshot.ts';
import type { ProviderAdapter, UpstreamCall } from '../adapter.ts';
import { usageFromMember } from '../body-usage.ts';
import { generateStreamTap } from './stream-tap.ts';
import { geminiEmbeddingsMethod } from './translate-embeddings/index.ts';
import { generateUsage } from './usage.ts';

/**
 * Gemini: the model is in the path (`/v1beta/models/{model}:generateContent`), so the body
 * passes untouched; `x-goog-api-key` auth; the client's API version and `alt` are kept.
 */
export const geminiAdapter: ProviderAdapter = {
  supports: (operation) => operation === 'generate' || operation === 'stream_generate',
  bodyModel: () => 'keep',
  protocolHeaders: [],
  upstream({ operation, target, apiKey, query, apiVersion }) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey) headers['x-goog-api-key'] = apiKey;
    const version = apiVersion ?? 'v1beta';
    const method = operation === 'stream_generate' ? 'streamGenerateContent' : 'generateContent';
    const alt = query.get('alt');
    const suffix = alt ? `?alt=${encodeURIComponent(alt)}` : '';
    return {
      url: `${target.apiBase}/${version}/models/${encodeURIComponent(target.modelName)}:${method}${suffix}`,
      headers,
    };
  },
  usageFromBody: (_operation, body) => usageFromMember(body, 'usageMetadata', generateUsage),
  streamTap: () => generateStreamTap(),
};

/** `embedContent` for one input, `batchEmbedContents` for several. */
export function geminiEmbeddingsCall(
  target: ModelTarget,
  apiKey: string | undefined,
  request: EmbeddingRequest,
): UpstreamCall {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers['x-goog-api-key'] = apiKey;
  const method = geminiEmbeddingsMethod(request);
  return {
    url: `${target.apiBase}/v1beta/models/${encodeURIComponent(target.modelName)}:${method}`,
    headers,
  };
}
