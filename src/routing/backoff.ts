import type { RandomSource } from './targets.ts';

export const DEFAULT_BACKOFF_MS = 250;
/** No single wait between retries is longer than this, `retry-after` included. */
export const MAX_RETRY_WAIT_MS = 20_000;

/**
 * The wait before retry number `retry` (0 for the first retry): exponential backoff with
 * full jitter, or the provider's `retry-after` when it gave one. Returns undefined when the
 * provider asks for longer than the cap allows: better to fall back than to wait.
 */
export function retryDelayMs(
  retry: number,
  baseMs: number,
  random: RandomSource,
  retryAfter: number | undefined,
): number | undefined {
  if (retryAfter !== undefined) return retryAfter <= MAX_RETRY_WAIT_MS ? retryAfter : undefined;
  const ceiling = Math.min(MAX_RETRY_WAIT_MS, baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
