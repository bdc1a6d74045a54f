import type { EmbeddingRequest } from '../../../canonical/embeddings.ts';
import { GatewayError } from '../../../core/errors.ts';
import { type GeminiBatchEmbedContentsRequest, type GeminiEmbedContentRequest, MAX_BATCH } from './wire.ts';

export type GeminiEmbeddingsMethod = 'embedContent' | 'batchEmbedContents';

/** One input goes to `embedContent`, several to `batchEmbedContents` (same order back). */
export function geminiEmbeddingsMethod(request: EmbeddingRequest): GeminiEmbeddingsMethod {
  return request.inputs.length === 1 ? 'embedContent' : 'batchEmbedContents';
}

export function encodeEmbeddingsRequest(
  request: EmbeddingRequest,
  modelName: string,
): GeminiEmbedContentRequest | GeminiBatchEmbedContentsRequest {
  if (geminiEmbeddingsMethod(request) === 'embedContent') return embedContent(request.inputs[0]!, request);
  if (request.inputs.length > MAX_BATCH) {
    throw new GatewayError(
      'invalid_request',
      `input: Gemini embeds at most ${MAX_BATCH} inputs per request (got ${request.inputs.length}); split the batch`,
      { param: 'input' },
    );
  }
  const model = modelName.includes('/') ? modelName : `models/${modelName}`;
  return { requests: request.inputs.map((text) => ({ model, ...embedContent(text, request) })) };
}

function embedContent(text: string, request: EmbeddingRequest): GeminiEmbedContentRequest {
  const body: GeminiEmbedContentRequest = { content: { parts: [{ text }] } };
  if (request.dimensions !== undefined) body.outputDimensionality = request.dimensions;
  return body;
}
