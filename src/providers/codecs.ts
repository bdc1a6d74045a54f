import type { ProviderChatCodec, ProviderEmbeddingsCodec } from '../canonical/codecs.ts';
import type { EmbeddingRequest } from '../canonical/embeddings.ts';
import type { Operation } from '../core/operation.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';
import type { UpstreamCall } from './adapter.ts';
import { anthropicMessagesCodec } from './anthropic/translate/index.ts';
import { geminiEmbeddingsCall } from './gemini/adapter.ts';
import { geminiGenerateCodec } from './gemini/translate/index.ts';
import { geminiEmbeddingsCodec } from './gemini/translate-embeddings/index.ts';
import { openaiChatCodec } from './openai/translate/index.ts';
import type { Dialect, ProviderSpec } from './registry.ts';

const NO_QUERY = new URLSearchParams();
const ALT_SSE = new URLSearchParams('alt=sse');

/**
 * How each backend dialect is called when translating to it: the operation, and the query
 * (translated Gemini streams are always asked for SSE, the form the stream decoder reads).
 */
export function chatCallFor(
  dialect: Dialect,
  stream: boolean,
): { operation: Operation; query: URLSearchParams } {
  if (dialect === 'anthropic') return { operation: 'messages', query: NO_QUERY };
  if (dialect === 'gemini') {
    return stream
      ? { operation: 'stream_generate', query: ALT_SSE }
      : { operation: 'generate', query: NO_QUERY };
  }
  return { operation: 'chat', query: NO_QUERY };
}

const openaiCodecs = new Map<string, ProviderChatCodec>();

/** The codec that speaks this provider's chat dialect. */
export function chatCodecFor(provider: ProviderSpec): ProviderChatCodec {
  if (provider.dialect === 'anthropic') return anthropicMessagesCodec;
  if (provider.dialect === 'gemini') return geminiGenerateCodec;
  let codec = openaiCodecs.get(provider.name);
  if (!codec) {
    codec = openaiChatCodec({
      // OpenAI's reasoning models refuse `max_tokens`; many compatible servers ignore the newer name.
      maxTokensField: provider.nativeResponses ? 'max_completion_tokens' : 'max_tokens',
      includeUsageOption: provider.streamUsageOption,
      shortToolCallIds: provider.shortToolCallIds,
    });
    openaiCodecs.set(provider.name, codec);
  }
  return codec;
}

export interface EmbeddingsBackend {
  codec: ProviderEmbeddingsCodec;
  call(target: ModelTarget, apiKey: string | undefined, request: EmbeddingRequest): UpstreamCall;
}

/** Backends whose embeddings API differs from OpenAI's; undefined when there is none to translate to. */
export function embeddingsBackendFor(provider: ProviderSpec): EmbeddingsBackend | undefined {
  if (provider.dialect === 'gemini') return { codec: geminiEmbeddingsCodec, call: geminiEmbeddingsCall };
  return undefined;
}
