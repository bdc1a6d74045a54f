import { count, field, type Usage, usage } from '../../core/usage.ts';

/**
 * `input_tokens` already excludes cache reads and writes; `output_tokens` includes thinking,
 * which newer responses also count in `output_tokens_details.thinking_tokens`.
 */
export function messagesUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  return usage({
    inputTokens: count(field(raw, 'input_tokens')),
    outputTokens: count(field(raw, 'output_tokens')),
    cacheReadTokens: count(field(raw, 'cache_read_input_tokens')),
    cacheWriteTokens: count(field(raw, 'cache_creation_input_tokens')),
    reasoningTokens: count(field(field(raw, 'output_tokens_details'), 'thinking_tokens')),
  });
}
