import { connect } from 'node:net';

/**
 * Asks a Redis server for PONG over RESP, for readiness. No client library: nothing else
 * uses Redis yet, and a ping needs only a socket.
 */
export function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:')
    return Promise.reject(new Error(`unsupported Redis URL scheme ${parsed.protocol}`));
  const password = decodeURIComponent(parsed.password);
  const username = decodeURIComponent(parsed.username);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) });
    let answer = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`Redis did not answer within ${timeoutMs} ms`)));
    socket.once('error', (error) => fail(new Error(`Redis: ${error.message}`)));
    socket.once('connect', () => {
      const auth = password ? (username ? `AUTH ${username} ${password}\r\n` : `AUTH ${password}\r\n`) : '';
      socket.write(`${auth}PING\r\n`);
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
