import type { ProviderChatCodec } from '../../../canonical/codecs.ts';
import { decodeError } from './decode-error.ts';
import { decodeResponse } from './decode-response.ts';
import { GeminiStreamDecoder } from './decode-stream.ts';
import { encodeRequest } from './encode-request.ts';

/** Gemini generateContent as the backend for clients of another dialect (streams use `alt=sse`). */
export const geminiGenerateCodec: ProviderChatCodec = {
  encodeRequest,
  decodeResponse,
  streamDecoder: () => new GeminiStreamDecoder(),
  decodeError,
};
