import type { ServerResponse } from 'node:http';
import type { Delivery } from './exchange.ts';

/** Response headers of every stream: no caching, no proxy buffering. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** A whole JSON answer, with the gateway's headers and its length. */
export function writeJson(
  delivery: Delivery,
  status: number,
  headers: Readonly<Record<string, string>>,
  value: unknown,
): void {
  const payload = typeof value === 'string' ? value : JSON.stringify(value);
  delivery.writeHead(
    status,
    { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    true,
  );
  delivery.res.end(payload);
}

/**
 * Sends `frame` after every `ms` of silence toward the client, until cleared; callers
 * `refresh()` it whenever they write.
 */
export function startKeepalive(res: ServerResponse, frame: string, ms: number): NodeJS.Timeout {
  const timer = setTimeout(function beat() {
    if (!res.writableEnded && !res.destroyed) {
      res.write(frame);
      timer.refresh();
    }
  }, ms);
  timer.unref();
  return timer;
}

/**
 * Writes and, when the client reads slower than the provider sends, waits for it to drain,
 * for at most `timeoutMs`: a client that stops reading must not hold its connection (and
 * the upstream) forever. After that the connection is destroyed.
 */
export function writeWithBackpressure(
  res: ServerResponse,
  chunk: string | Uint8Array,
  timeoutMs: number,
): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(() => {
      res.destroy();
      done();
    }, timeoutMs);
    res.on('drain', done);
    res.on('close', done);
  });
}
