import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { pingRedis } from '../../src/observability/redis-ping.ts';
import { startGateway } from '../support/gateway.ts';

const REDIS_URL = process.env['SWITCHYARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('readiness with Redis configured', () => {
  it('pings the real Redis server', async () => {
    await pingRedis(REDIS_URL);
  });

  it('/readyz is 200 with store and Redis reachable', async () => {
    const gw = await startGateway({ SWITCHYARD_REDIS_URL: REDIS_URL });
    try {
      const reply = await gw.call('GET', '/readyz');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { status: 'ready', checks: { store: 'ok', redis: 'ok' } });
    } finally {
      await gw.close();
    }
  });

  it('/readyz is 503 naming Redis when it is unreachable, while /healthz stays 200', async () => {
    const gw = await startGateway({ SWITCHYARD_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const reply = await gw.call('GET', '/readyz');
      assert.equal(reply.status, 503);
      const body = reply.body as { status: string; checks: Record<string, string> };
      assert.equal(body.status, 'not_ready');
      assert.equal(body.checks['store'], 'ok');
      assert.match(body.checks['redis']!, /Redis: connect ECONNREFUSED/);
      assert.equal((await gw.call('GET', '/healthz')).status, 200);
    } finally {
      await gw.close();
    }
  });

  it('reports a refused AUTH as Redis said it, the password sent as one argument', async () => {
    // This Redis has no password: it answers that AUTH was called without one configured,
    // which it only does when the password arrived as a single argument (spaces included).
    await assert.rejects(
      pingRedis(REDIS_URL.replace('redis://', 'redis://:two%20words@')),
      /Redis: ERR AUTH <password> called without any password configured/,
    );
  });
});
