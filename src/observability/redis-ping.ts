import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** A command as a RESP array, so arguments with spaces or odd bytes arrive intact. */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/**
 * Asks a Redis server for PONG, for readiness (`redis://` or `rediss://` over TLS, with
 * AUTH when the URL has credentials). No client library: nothing else uses Redis yet, and
 * a ping needs only a socket.
 */
export function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const password = decodeURIComponent(parsed.password);
  const username = decodeURIComponent(parsed.username);
  return new Promise((resolve, reject) => {
    const socket: Socket =
      parsed.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port });
    let answer = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`Redis did not answer within ${timeoutMs} ms`)));
    socket.once('error', (error) => fail(new Error(`Redis: ${error.message}`)));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      const auth = password
        ? username
          ? command('AUTH', username, password)
          : command('AUTH', password)
        : '';
      socket.write(`${auth}${command('PING')}`);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.startsWith('-')) fail(new Error(`Redis: ${answer.split('\r\n')[0]!.slice(1)}`));
      else if (answer.includes('+PONG\r\n')) {
        socket.end();
        resolve();
      }
    });
  });
}
