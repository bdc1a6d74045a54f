import type { StopReason } from '../../canonical/response.ts';
import type { Usage } from '../../core/usage.ts';
import type { FinishReason, WireUsage } from './wire.ts';

/** A chat completion id: the backend's when it already looks like one, else prefixed. */
export function completionId(id: string | undefined, requestId: string): string {
  const base = id || requestId;
  return base.startsWith('chatcmpl-') ? base : `chatcmpl-${base}`;
}

/** Any tool call in the answer means the client must run it, whatever the backend said. */
export function finishReason(stopReason: StopReason, sawToolCall: boolean): FinishReason {
  if (sawToolCall) return 'tool_calls';
  switch (stopReason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** OpenAI counts cached prompt tokens inside `prompt_tokens`. */
export function wireUsage(usage: Usage): WireUsage {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
