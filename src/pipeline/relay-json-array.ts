import type { ServerResponse } from 'node:http';
import type { StreamTap } from '../core/stream-tap.ts';
import { JsonArraySplitter } from '../providers/gemini/json-array-stream.ts';
import type { RelayOutcome } from './exchange.ts';
import { writeWithBackpressure } from './write.ts';

/**
 * Relays a streamed JSON array (Gemini without `alt=sse`) byte for byte as it arrives,
 * observing its elements for usage. A failure mid-array cannot be expressed inside a
 * half-written element, so the connection is closed instead.
 */
export async function relayJsonArray(
  body: AsyncIterable<Uint8Array>,
  res: ServerResponse,
  tap: StreamTap,
  clientStallMs: number,
): Promise<RelayOutcome> {
  const splitter = new JsonArraySplitter();
  try {
    for await (const chunk of body) {
      for (const element of splitter.push(chunk)) {
        tap.event({
          type: 'event',
          event: undefined,
          data: element,
          id: undefined,
          retry: undefined,
          raw: '',
        });
      }
      await writeWithBackpressure(res, chunk, clientStallMs);
      if (res.destroyed) return 'client_gone';
    }
    if (splitter.closed) {
      res.end();
      return 'complete';
    }
    res.destroy();
    return 'truncated';
  } catch {
    if (res.destroyed) return 'client_gone';
    res.destroy();
    return 'failed';
  }
}
