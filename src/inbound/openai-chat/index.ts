import type { InboundChatCodec } from '../../canonical/codecs.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { ChatStreamEncoder } from './encode-stream.ts';

/** OpenAI Chat Completions clients talking to a backend of another dialect. */
export const openaiChatInbound: InboundChatCodec = {
  decodeRequest,
  encodeResponse,
  streamEncoder: (context) => new ChatStreamEncoder(context),
};
