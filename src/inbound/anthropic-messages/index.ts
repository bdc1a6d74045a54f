import type { InboundChatCodec } from '../../canonical/codecs.ts';
import type { CanonicalRequest } from '../../canonical/request.ts';
import { decodeMessagesRequest } from './decode-request.ts';
import { encodeMessagesResponse } from './encode-response.ts';
import { MessagesStreamEncoder } from './stream-encoder.ts';

/** Anthropic Messages clients (the SDKs, Claude Code) in front of any backend. */
export const anthropicMessagesInbound: InboundChatCodec = {
  decodeRequest: (body) => decodeMessagesRequest(body),
  encodeResponse: encodeMessagesResponse,
  streamEncoder: (context) => new MessagesStreamEncoder(context),
  streamNeedsInputEstimate: true,
};

/** A `count_tokens` body: a Messages request without `max_tokens`. */
export function decodeCountTokensRequest(body: unknown): CanonicalRequest {
  return decodeMessagesRequest(body, false);
}
