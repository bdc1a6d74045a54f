import type { ProviderChatCodec } from '../../../canonical/codecs.ts';
import { decodeMessagesError } from './decode-error.ts';
import { decodeMessagesResponse } from './decode-response.ts';
import { encodeMessagesRequest } from './encode-request.ts';
import { MessagesStreamDecoder } from './stream-decoder.ts';

/** Anthropic Messages as a backend: canonical requests out, messages and SSE events back. */
export const anthropicMessagesCodec: ProviderChatCodec = {
  encodeRequest: encodeMessagesRequest,
  decodeResponse: decodeMessagesResponse,
  streamDecoder: () => new MessagesStreamDecoder(),
  decodeError: decodeMessagesError,
};
