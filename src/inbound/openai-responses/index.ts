import type { InboundChatCodec } from '../../canonical/codecs.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

/** OpenAI Responses clients (`client.responses.create/stream`) in front of any backend. */
export const openaiResponsesInbound: InboundChatCodec = {
  decodeRequest,
  encodeResponse,
  streamEncoder: (context) => new ResponsesStreamEncoder(context),
};
