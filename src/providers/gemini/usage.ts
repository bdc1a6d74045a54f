import { count, field, type Usage, usage } from '../../core/usage.ts';

/** `usageMetadata`: the prompt count includes cached content; thoughts are billed as output. */
export function generateUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const cached = count(field(raw, 'cachedContentTokenCount'));
  const thoughts = count(field(raw, 'thoughtsTokenCount'));
  return usage({
    inputTokens: Math.max(0, count(field(raw, 'promptTokenCount')) - cached),
    outputTokens: count(field(raw, 'candidatesTokenCount')) + thoughts,
    cacheReadTokens: cached,
    reasoningTokens: thoughts,
  });
}
