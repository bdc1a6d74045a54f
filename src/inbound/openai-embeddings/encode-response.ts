import type { EmbeddingRequest, EmbeddingResponse } from '../../canonical/embeddings.ts';
import { float32Base64 } from './float32-base64.ts';
import type { OpenAIEmbeddingsResponse } from './wire.ts';

/** The canonical answer as OpenAI's embeddings list, in the encoding the client asked for. */
export function encodeEmbeddingsResponse(
  response: EmbeddingResponse,
  request: EmbeddingRequest,
): OpenAIEmbeddingsResponse {
  return {
    object: 'list',
    data: response.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: request.encodingFormat === 'base64' ? float32Base64(vector) : vector,
    })),
    model: request.model,
    usage: { prompt_tokens: response.inputTokens, total_tokens: response.inputTokens },
  };
}
