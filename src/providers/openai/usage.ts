import { count, field, type Usage, usage } from '../../core/usage.ts';

/** Chat completions and embeddings: `prompt_tokens` includes cached tokens. */
export function chatUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const cached = count(field(field(raw, 'prompt_tokens_details'), 'cached_tokens'));
  return usage({
    inputTokens: Math.max(0, count(field(raw, 'prompt_tokens')) - cached),
    outputTokens: count(field(raw, 'completion_tokens')),
    cacheReadTokens: cached,
    reasoningTokens: count(field(field(raw, 'completion_tokens_details'), 'reasoning_tokens')),
  });
}

/** Responses API: `input_tokens` includes cached tokens. */
export function responsesUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const cached = count(field(field(raw, 'input_tokens_details'), 'cached_tokens'));
  return usage({
    inputTokens: Math.max(0, count(field(raw, 'input_tokens')) - cached),
    outputTokens: count(field(raw, 'output_tokens')),
    cacheReadTokens: cached,
    reasoningTokens: count(field(field(raw, 'output_tokens_details'), 'reasoning_tokens')),
  });
}
