import type { ServerResponse } from 'node:http';

/** Writes and, when the client reads slower than the provider sends, waits for it to drain. */
export function writeWithBackpressure(
  res: ServerResponse,
  chunk: string | Uint8Array,
): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
