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

/** The chat operation each backend dialect is called with when translating to it. */
export function chatOperationFor(dialect: Dialect, stream: boolean): Operation {
  if (dialect === 'anthropic') return 'messages';
  if (dialect === 'gemini') return stream ? 'stream_generate' : 'generate';
  return 'chat';
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
