import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { closeUpstreamConnections } from '../../src/transport/dispatcher.ts';
import { TransportError } from '../../src/transport/errors.ts';
import {
  sendUpstream,
  type UpstreamRequest,
  type UpstreamTimeouts,
} from '../../src/transport/http-client.ts';
import { gate, type LocalServer, listen, startServer } from './local-server.ts';

const TIMEOUTS: UpstreamTimeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000, totalMs: 10_000 };

function request(url: string, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return { url, method: 'GET', headers: {}, timeouts: TIMEOUTS, ...overrides };
}

async function rejectsWith(
  promise: Promise<unknown>,
  expected: { kind: TransportError['kind']; phase?: TransportError['phase'] },
): Promise<TransportError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TransportError, `expected a TransportError, got ${String(err)}`);
    assert.equal(err.kind, expected.kind, err.message);
    assert.equal(err.phase, expected.phase);
    return err;
  }
  assert.fail('expected a rejection');
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of body);
}

async function closed(socket: Socket, withinMs: number): Promise<void> {
  if (socket.destroyed) return;
  await Promise.race([
    once(socket, 'close'),
    sleep(withinMs).then(() => assert.fail(`upstream socket still open after ${withinMs} ms`)),
  ]);
}

const servers: LocalServer[] = [];
async function server(handler: Parameters<typeof startServer>[0]): Promise<LocalServer> {
  const started = await startServer(handler);
  servers.push(started);
  return started;
}

afterEach(async () => {
  await closeUpstreamConnections({ force: true });
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
after(() => closeUpstreamConnections({ force: true }));

describe('sendUpstream', () => {
  it('sends the request and exposes status, lowercase headers and body', async () => {
    const upstream = await server(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.setHeader('X-Echo-Method', req.method ?? '');
      res.setHeader('X-Multi', ['a', 'b']);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, body, auth: req.headers['x-api-key'] }));
    });
    const res = await sendUpstream(
      request(`${upstream.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
        body: '{"a":1}',
      }),
    );
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-echo-method'], 'POST');
    assert.equal(res.headers['x-multi'], 'a, b');
    assert.deepEqual(JSON.parse(await res.text()), {
      path: '/v1/messages?beta=true',
      body: '{"a":1}',
      auth: 'k',
    });
    await assert.rejects(res.bytes(), /already read/);
  });

  it('streams body chunks as they arrive', async () => {
    const secondChunk = gate();
    const upstream = await server(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      await secondChunk.promise;
      res.end('data: 2\n\n');
    });
    const res = await sendUpstream(request(upstream.url));
    const seen: string[] = [];
    for await (const chunk of res.body) {
      seen.push(Buffer.from(chunk).toString());
      // The server sends the second chunk only after the client saw the first one.
      secondChunk.open();
    }
    assert.deepEqual(seen, ['data: 1\n\n', 'data: 2\n\n']);
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const upstream = await server((_req, res) => res.end('ok'));
    for (let i = 0; i < 3; i++) {
      const res = await sendUpstream(request(upstream.url));
      assert.equal(await res.text(), 'ok');
      // undici marks a fresh connection idle one tick after its first response ends.
      await setImmediate();
    }
    assert.equal(upstream.sockets.length, 1);
  });

  it('fails with kind connect when the connection is refused', async () => {
    const probe = createTcpServer();
    const port = await listen(probe);
    probe.close();
    await once(probe, 'close');
    const err = await rejectsWith(sendUpstream(request(`http://127.0.0.1:${port}/`)), { kind: 'connect' });
    assert.equal(err.code, 'ECONNREFUSED');
  });

  it('times out the connect phase', async () => {
    // TLS toward a TCP server that never answers the handshake: the connection never becomes usable.
    const silent = createTcpServer(() => {});
    const sockets: Socket[] = [];
    silent.on('connection', (socket) => sockets.push(socket));
    const port = await listen(silent);
    try {
      const started = Date.now();
      await rejectsWith(
        sendUpstream(request(`https://127.0.0.1:${port}/`, { timeouts: { ...TIMEOUTS, connectMs: 200 } })),
        {
          kind: 'timeout',
          phase: 'connect',
        },
      );
      assert.ok(Date.now() - started < 3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('times out waiting for the response head', async () => {
    const upstream = await server(() => {});
    await rejectsWith(sendUpstream(request(upstream.url, { timeouts: { ...TIMEOUTS, firstByteMs: 200 } })), {
      kind: 'timeout',
      phase: 'first_byte',
    });
    await closed(upstream.sockets[0]!, 1_000);
  });

  it('times out when the body stalls', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200);
      res.write('first');
    });
    const res = await sendUpstream(request(upstream.url, { timeouts: { ...TIMEOUTS, idleMs: 200 } }));
    const chunks: string[] = [];
    await rejectsWith(
      (async () => {
        for await (const chunk of res.body) chunks.push(Buffer.from(chunk).toString());
      })(),
      { kind: 'timeout', phase: 'idle' },
    );
    assert.deepEqual(chunks, ['first']);
    await closed(upstream.sockets[0]!, 1_000);
  });

  it('enforces the total deadline while the body streams', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200);
      const tick = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    const res = await sendUpstream(request(upstream.url, { timeouts: { ...TIMEOUTS, totalMs: 300 } }));
    await rejectsWith(drain(res.body), { kind: 'timeout', phase: 'total' });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 2_000, `elapsed ${elapsed}`);
    await closed(upstream.sockets[0]!, 1_000);
  });

  it('enforces the total deadline before the response head', async () => {
    const upstream = await server(() => {});
    await rejectsWith(
      sendUpstream(
        request(upstream.url, { timeouts: { connectMs: 0, firstByteMs: 0, idleMs: 0, totalMs: 200 } }),
      ),
      { kind: 'timeout', phase: 'total' },
    );
  });

  it('reports a connection closed mid-body as reset', async () => {
    const upstream = await server((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const res = await sendUpstream(request(upstream.url));
    await rejectsWith(drain(res.body), { kind: 'reset' });
  });

  it('reports a TCP reset mid-body as reset', async () => {
    const upstream = await server((req, res) => {
      res.writeHead(200);
      res.write('partial');
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    });
    const res = await sendUpstream(request(upstream.url));
    await rejectsWith(drain(res.body), { kind: 'reset' });
  });

  it('aborts mid-stream on the caller signal and closes the upstream socket', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200);
      res.write('data: 1\n\n');
    });
    const client = new AbortController();
    const res = await sendUpstream(request(upstream.url, { signal: client.signal }));
    await rejectsWith(
      (async () => {
        for await (const _ of res.body) client.abort();
      })(),
      { kind: 'aborted' },
    );
    await closed(upstream.sockets[0]!, 500);
  });

  it('aborts before the response head on the caller signal', async () => {
    const arrived = gate();
    const upstream = await server(() => arrived.open());
    const client = new AbortController();
    const pending = sendUpstream(request(upstream.url, { signal: client.signal }));
    await arrived.promise;
    client.abort();
    await rejectsWith(pending, { kind: 'aborted' });
    await closed(upstream.sockets[0]!, 500);
  });

  it('does not send at all when the caller already aborted', async () => {
    const upstream = await server((_req, res) => res.end());
    await rejectsWith(sendUpstream(request(upstream.url, { signal: AbortSignal.abort() })), {
      kind: 'aborted',
    });
    assert.equal(upstream.sockets.length, 0);
  });

  it('closes the upstream socket on abort() and when the reader stops early', async () => {
    const upstream = await server((_req, res) => {
      res.writeHead(200);
      res.write('x');
    });
    const first = await sendUpstream(request(upstream.url));
    first.abort();
    await rejectsWith(drain(first.body), { kind: 'aborted' });
    await closed(upstream.sockets[0]!, 500);

    const second = await sendUpstream(request(upstream.url));
    for await (const _ of second.body) break;
    await closed(upstream.sockets[1]!, 500);
  });

  it('keeps the connection after a completed exchange whose signal aborts later', async () => {
    const upstream = await server((_req, res) => res.end('done'));
    const client = new AbortController();
    const res = await sendUpstream(request(upstream.url, { signal: client.signal }));
    assert.equal(await res.text(), 'done');
    client.abort();
    res.abort();
    await setImmediate();
    const again = await sendUpstream(request(upstream.url));
    assert.equal(await again.text(), 'done');
    assert.equal(upstream.sockets.length, 1);
  });
});
