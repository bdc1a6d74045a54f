import type { ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.ts';
import type { StreamTap } from '../core/stream-tap.ts';
import { TransportError } from '../transport/errors.ts';
import { SseDecoder, type SseFrame } from '../transport/sse-decoder.ts';
import type { RelayOutcome } from './exchange.ts';
import { startKeepalive, writeWithBackpressure } from './write.ts';

export interface RelayOptions {
  /** What to send after `keepaliveMs` of upstream silence (a comment, or Anthropic's ping). */
  keepaliveFrame: string;
  keepaliveMs: number;
  /** How long a client that stops reading may hold the stream before it is dropped. */
  clientStallMs: number;
  /** The dialect's mid-stream error frame. */
  errorFrame: (error: GatewayError) => string;
}

export function midStreamError(error: unknown): GatewayError {
  if (error instanceof TransportError && error.kind === 'timeout') {
    return new GatewayError(
      'upstream_timeout',
      `the provider stopped sending (${error.phase ?? 'timeout'} timeout)`,
    );
  }
  return new GatewayError('upstream_unreachable', 'the provider connection failed mid-stream');
}

/**
 * Relays an SSE stream: every upstream event is written as soon as it is complete, exactly
 * as received; the tap reads each one on the way. Only whole events are written, so a
 * keepalive or an error frame can always be added without splitting an event.
 */
export async function relaySse(
  body: AsyncIterable<Uint8Array>,
  res: ServerResponse,
  tap: StreamTap,
  options: RelayOptions,
): Promise<RelayOutcome> {
  const decoder = new SseDecoder();
  const keepalive = startKeepalive(res, options.keepaliveFrame, options.keepaliveMs);

  const forward = (frames: SseFrame[]): string => {
    let out = '';
    for (const frame of frames) {
      if (frame.type === 'comment') out += frame.raw;
      else out += tap.event(frame) ?? '';
    }
    return out;
  };

  try {
    for await (const chunk of body) {
      keepalive.refresh();
      const out = forward(decoder.push(chunk));
      if (out) await writeWithBackpressure(res, out, options.clientStallMs);
      if (res.destroyed) return 'client_gone';
    }
    const rest = forward(decoder.end());
    if (rest) res.write(rest);
    if (tap.complete()) {
      res.end();
      return 'complete';
    }
    res.end(
      options.errorFrame(
        new GatewayError('upstream_unreachable', 'the provider ended the stream before it was complete'),
      ),
    );
    return 'truncated';
  } catch (error) {
    if (res.destroyed) return 'client_gone';
    res.end(options.errorFrame(midStreamError(error)));
    return 'failed';
  } finally {
    clearTimeout(keepalive);
  }
}
