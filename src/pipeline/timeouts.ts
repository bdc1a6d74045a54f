import type { EndpointPolicy } from '../store/records.ts';
import type { UpstreamTimeouts } from '../transport/http-client.ts';

/**
 * Defaults long enough for reasoning models, which can think for minutes before the first
 * byte of a non-streamed answer.
 */
export const DEFAULT_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 10_000,
  firstByteMs: 600_000,
  idleMs: 300_000,
  totalMs: 1_800_000,
};

export function endpointTimeouts(policy: EndpointPolicy): UpstreamTimeouts {
  const t = policy.timeouts;
  if (!t) return DEFAULT_TIMEOUTS;
  return {
    connectMs: t.connect_ms ?? DEFAULT_TIMEOUTS.connectMs,
    firstByteMs: t.first_byte_ms ?? DEFAULT_TIMEOUTS.firstByteMs,
    idleMs: t.idle_ms ?? DEFAULT_TIMEOUTS.idleMs,
    totalMs: t.total_ms ?? DEFAULT_TIMEOUTS.totalMs,
  };
}
