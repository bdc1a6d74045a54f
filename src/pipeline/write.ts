import type { ServerResponse } from 'node:http';

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
