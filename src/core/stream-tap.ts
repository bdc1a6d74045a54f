import type { SseEvent } from '../transport/sse-decoder.ts';
import type { Usage } from './usage.ts';

/**
 * Watches a passthrough stream event by event without changing it: reads usage and
 * whether the stream reached its proper end. `event` may withhold an event the gateway
 * itself caused (a usage chunk the client did not ask for).
 */
export interface StreamTap {
  /** False: do not forward this event. */
  event(event: SseEvent): boolean;
  usage(): Usage | null;
  /** The stream ended the way its dialect ends a stream (or with an error event). */
  complete(): boolean;
}
