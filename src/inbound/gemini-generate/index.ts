import type { InboundChatCodec } from '../../canonical/codecs.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { GeminiSseEncoder } from './encode-stream.ts';

export { GeminiChunkEncoder, GeminiJsonArrayEncoder, geminiChunkEncoder } from './encode-stream.ts';

/** Gemini generateContent clients (google-genai SDKs, Gemini CLI) talking to a backend of another dialect. */
export const geminiGenerateInbound: InboundChatCodec = {
  decodeRequest,
  encodeResponse,
  streamEncoder: (context) => new GeminiSseEncoder(context),
};
