import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { App } from '../app.ts';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests and streams finish up to `graceMs`, then closes. */
  shutdown(graceMs: number): Promise<{ drained: boolean }>;
}

export async function listen(app: App, host: string, port: number, log: Logger): Promise<RunningServer> {
  const active = new Set<ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | null = null;

  // requestTimeout bounds receiving a request (a slow upload), not streaming the answer.
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 300_000 }, (req, res) => {
    active.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      active.delete(res);
      if (draining && active.size === 0) onIdle?.();
    });
    app.handle(req, res);
  });
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    server,
    url,
    async shutdown(graceMs) {
      draining = true;
      // Requests already in flight finish, then their connection closes instead of idling.
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let drained = active.size === 0;
      if (!drained) {
        log.info({ in_flight: active.size, grace_ms: graceMs }, 'draining in-flight requests');
        drained = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), graceMs);
          onIdle = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
      }
      if (!drained) log.warn({ in_flight: active.size }, 'grace period over: closing remaining connections');
      server.closeAllConnections();
      await closed;
      return { drained };
    },
  };
}
