import type { Dialect } from '../providers/registry.ts';
import { SSE_KEEPALIVE_COMMENT } from '../transport/sse-encoder.ts';

/** Anthropic clients skip `event: ping`; Claude Code warns after ~15 s without one. */
const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/** What a stream to this client dialect sends after upstream silence. */
export function keepaliveFrameFor(dialect: Dialect): string {
  return dialect === 'anthropic' ? ANTHROPIC_PING : SSE_KEEPALIVE_COMMENT;
}
