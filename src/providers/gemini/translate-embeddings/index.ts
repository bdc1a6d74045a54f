import type { ProviderEmbeddingsCodec } from '../../../canonical/codecs.ts';
import { decodeEmbeddingsResponse } from './decode-response.ts';
import { encodeEmbeddingsRequest } from './encode-request.ts';

export { type GeminiEmbeddingsMethod, geminiEmbeddingsMethod } from './encode-request.ts';

/** Canonical embeddings to Gemini's embedContent / batchEmbedContents and back. */
export const geminiEmbeddingsCodec: ProviderEmbeddingsCodec = {
  encodeRequest: encodeEmbeddingsRequest,
  decodeResponse: decodeEmbeddingsResponse,
};
