/**
 * Token usage in one shape whatever the provider. `inputTokens` excludes cache reads and
 * writes (each is billed at its own rate); `outputTokens` includes reasoning tokens, which
 * `reasoningTokens` also counts on its own.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export function usage(partial: Partial<Usage>): Usage {
  return {
    inputTokens: partial.inputTokens ?? 0,
    outputTokens: partial.outputTokens ?? 0,
    cacheReadTokens: partial.cacheReadTokens ?? 0,
    cacheWriteTokens: partial.cacheWriteTokens ?? 0,
    reasoningTokens: partial.reasoningTokens ?? 0,
  };
}

/** A non-negative integer from an untrusted field, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
