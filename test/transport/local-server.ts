import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';

export interface LocalServer {
  url: string;
  /** Every socket the server accepted, in order. */
  sockets: Socket[];
  close(): Promise<void>;
}

export async function listen(server: NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<LocalServer> {
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.push(socket);
    // The client side is under test: a reset it causes (an aborted exchange) is expected
    // here and must not surface as an uncaught error in whichever test is running.
    socket.on('error', () => {});
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A promise with its resolve function, for handing control between server and client. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
