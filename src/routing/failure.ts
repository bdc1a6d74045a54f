import type { FallbackTrigger } from '../store/records.ts';

/** Why one upstream attempt did not produce an answer for the client. */
export type FailureKind = 'status' | 'timeout' | 'connect';

export interface AttemptFailure {
  kind: FailureKind;
  /** The upstream status for `status` failures. */
  status?: number;
  /** `retry-after` / `retry-after-ms` of the upstream answer, in milliseconds. */
  retryAfterMs?: number;
}

export const DEFAULT_TRIGGERS: readonly FallbackTrigger[] = ['429', '5xx', 'timeout', 'connect'];

/** Whether a failure lets the gateway try again (same model or the next). Other 4xx are the client's. */
export function isTriggered(failure: AttemptFailure, triggers: readonly FallbackTrigger[]): boolean {
  switch (failure.kind) {
    case 'timeout':
      return triggers.includes('timeout');
    case 'connect':
      return triggers.includes('connect');
    case 'status': {
      const status = failure.status ?? 0;
      if (status === 429) return triggers.includes('429');
      return status >= 500 && triggers.includes('5xx');
    }
  }
}

/** Failures that say the model (not the key or the request) is unhealthy: they feed the circuit breaker. */
export function isModelFailure(failure: AttemptFailure): boolean {
  return failure.kind !== 'status' || (failure.status ?? 0) >= 500;
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(
  headers: Readonly<Record<string, string>>,
  now = Date.now(),
): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date names its weekday or month; bare signed numbers are junk, not dates.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
