import type { ProviderChatCodec } from '../../../canonical/codecs.ts';
import { decodeError } from './decode-error.ts';
import { decodeResponse } from './decode-response.ts';
import { ChatStreamDecoder } from './decode-stream.ts';
import { encodeRequest } from './encode-request.ts';
import type { OpenAIChatCodecOptions } from './wire.ts';

export type { OpenAIChatCodecOptions } from './wire.ts';

/** Chat completions to OpenAI and OpenAI-compatible servers (vLLM, Ollama, DeepSeek, ...). */
export function openaiChatCodec(options: OpenAIChatCodecOptions): ProviderChatCodec {
  return {
    encodeRequest: (request, modelName) => encodeRequest(request, modelName, options),
    decodeResponse,
    streamDecoder: () => new ChatStreamDecoder(),
    decodeError,
  };
}
