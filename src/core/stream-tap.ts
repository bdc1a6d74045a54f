import type { SseEvent } from '../transport/sse-decoder.ts';
import type { Usage } from './usage.ts';

/**
 * Watches a passthrough stream event by event: reads usage and whether the stream reached
 * its proper end. It forwards each event's raw text unchanged, except to undo what the
 * gateway itself caused (usage the client did not ask for).
 */
export interface StreamTap {
  /** The text to forward for this event; null withholds it. */
  event(event: SseEvent): string | null;
  usage(): Usage | null;
  /** The stream ended the way its dialect ends a stream (or with an error event). */
  complete(): boolean;
}
