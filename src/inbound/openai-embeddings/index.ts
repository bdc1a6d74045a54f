import type { InboundEmbeddingsCodec } from '../../canonical/codecs.ts';
import { decodeEmbeddingsRequest } from './decode-request.ts';
import { encodeEmbeddingsResponse } from './encode-response.ts';

/** OpenAI embeddings clients in front of a backend that is not OpenAI-compatible. */
export const openaiEmbeddingsInbound: InboundEmbeddingsCodec = {
  decodeRequest: decodeEmbeddingsRequest,
  encodeResponse: encodeEmbeddingsResponse,
};
