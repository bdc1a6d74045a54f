import type { StreamTap } from '../../core/stream-tap.ts';
import { field, type Usage } from '../../core/usage.ts';
import type { SseEvent } from '../../transport/sse-decoder.ts';
import { generateUsage } from './usage.ts';

/**
 * generateContent stream chunks: each carries cumulative `usageMetadata`, so only the last
 * one that has it is parsed, at the end. A chunk with a `finishReason` (or an error) means
 * the stream finished properly.
 */
export function generateStreamTap(): StreamTap {
  let lastWithUsage: string | null = null;
  let parsed: Usage | null = null;
  let complete = false;
  return {
    event(event: SseEvent) {
      const data = event.data;
      if (data.includes('"usageMetadata"')) {
        lastWithUsage = data;
        parsed = null;
      }
      if (data.includes('"finishReason"') || data.startsWith('{"error"')) complete = true;
      return event.raw;
    },
    usage() {
      if (parsed === null && lastWithUsage !== null) {
        try {
          parsed = generateUsage(field(JSON.parse(lastWithUsage), 'usageMetadata'));
        } catch {
          parsed = null;
        }
      }
      return parsed;
    },
    complete: () => complete,
  };
}
