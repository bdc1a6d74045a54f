import type { ServerResponse } from 'node:http';
import type { StreamDecoder, StreamEncoder, UpstreamFrame } from '../canonical/codecs.ts';
import type { StreamEvent, UpstreamFailure } from '../canonical/response.ts';
import type { Usage } from '../core/usage.ts';
import { TransportError } from '../transport/errors.ts';
import { SseDecoder, type SseEvent } from '../transport/sse-decoder.ts';
import type { StreamResult } from './exchange.ts';
import { midStreamError } from './relay-sse.ts';
import { startKeepalive, writeWithBackpressure } from './write.ts';

export interface TranslatedRelayOptions {
  /** Sent after `keepaliveMs` of upstream silence; null when the client format has none. */
  keepaliveFrame: string | null;
  keepaliveMs: number;
  clientStallMs: number;
}

const BACKEND_GAVE_UP: UpstreamFailure = {
  status: 502,
  message: 'the backend stopped with an error instead of an answer',
};

function upstreamFrame(frame: SseEvent): UpstreamFrame {
  return frame.event === undefined ? { data: frame.data } : { event: frame.event, data: frame.data };
}

/**
 * Relays a backend's SSE stream through its decoder and the client's encoder. Nothing the
 * backend sent is forwarded as is: the client sees only frames its encoder built, so the
 * stream is well formed for its SDK whatever the backend did.
 */
export async function relayTranslated(
  body: AsyncIterable<Uint8Array>,
  res: ServerResponse,
  decoder: StreamDecoder,
  writer: StreamEncoder,
  options: TranslatedRelayOptions,
): Promise<StreamResult> {
  const sse = new SseDecoder();
  let usage: Usage | null = null;
  let finished = false;
  let failed = false;

  const keepalive =
    options.keepaliveFrame === null
      ? undefined
      : startKeepalive(res, options.keepaliveFrame, options.keepaliveMs);

  const encode = (events: StreamEvent[]): string => {
    let out = '';
    for (const event of events) {
      if (failed) break;
      if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'start' && event.usage) usage = event.usage;
      else if (event.type === 'finish') finished = true;
      if (event.type === 'error') {
        failed = true;
        out += writer.fail(event.error);
        break;
      }
      if (event.type === 'finish' && event.stopReason === 'error') {
        // The backend gave up (a malformed tool call, say): an error the client can retry,
        // not an answer that looks finished.
        failed = true;
        out += writer.fail(BACKEND_GAVE_UP);
        break;
      }
      out += writer.encode(event);
    }
    return out;
  };

  try {
    for await (const chunk of body) {
      let out = '';
      for (const frame of sse.push(chunk))
        if (frame.type === 'event') out += encode(decoder.frame(upstreamFrame(frame)));
      if (out) {
        // Silence is what the client sees: upstream bytes that produce nothing (comments,
        // pings, dropped events) must not hold back the keepalive.
        keepalive?.refresh();
        await writeWithBackpressure(res, out, options.clientStallMs);
      }
      if (res.destroyed) return { outcome: 'client_gone', usage };
      if (failed) {
        res.end();
        return { outcome: 'failed', usage };
      }
    }
    let out = '';
    for (const frame of sse.end())
      if (frame.type === 'event') out += encode(decoder.frame(upstreamFrame(frame)));
    out += encode(decoder.end());
    if (failed) {
      res.end(out);
      return { outcome: 'failed', usage };
    }
    if (!finished) {
      res.end(
        out + writer.fail({ status: 502, message: 'the provider ended the stream before it was complete' }),
      );
      return { outcome: 'truncated', usage };
    }
    res.end(out + writer.end());
    return { outcome: 'complete', usage };
  } catch (error) {
    if (res.destroyed) return { outcome: 'client_gone', usage };
    if (!(error instanceof TransportError)) {
      // A bug in a codec, not the provider: end the stream cleanly, then let it be logged.
      res.end(writer.fail({ status: 500, message: 'the gateway failed while translating the stream' }));
      throw error;
    }
    const failure = midStreamError(error);
    res.end(writer.fail({ status: failure.status, message: failure.message }));
    return { outcome: 'failed', usage };
  } finally {
    clearTimeout(keepalive);
  }
}
