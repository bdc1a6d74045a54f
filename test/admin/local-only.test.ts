// Loopback-only admin mode must not be reachable from a browser page on the same machine
// (DNS rebinding, or a cross-site POST) nor through a local reverse proxy.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

interface Raw {
  status: number;
  body: string;
}

/** node:http, because fetch will not let a caller set Host. */
function send(
  gw: TestGateway,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('admin API without a token: local clients only', () => {
  let gw: TestGateway;
  let host: string;
  before(async () => {
    gw = await startGateway();
    host = new URL(gw.url).host;
  });
  after(async () => {
    await gw.close();
  });

  const secret = JSON.stringify({
    name: 'local-only',
    provider: 'openai',
    value: { api_key: 'sk-local-only-1234567' },
  });

  it('serves a local client (curl, the CLI)', async () => {
    const listed = await send(gw, 'GET', '/api/v1/secrets', { host });
    assert.equal(listed.status, 200);
    const localhost = await send(gw, 'GET', '/api/v1/secrets', { host: `localhost:${new URL(gw.url).port}` });
    assert.equal(localhost.status, 200);
    const fromLocalPage = await send(gw, 'GET', '/api/v1/secrets', { host, origin: `http://localhost:3000` });
    assert.equal(fromLocalPage.status, 200);
  });

  for (const [label, headers] of [
    ['a rebound Host name', { host: 'attacker.example' }],
    ['a foreign browser Origin', { origin: 'http://attacker.example' }],
    ['X-Forwarded-For from a local proxy', { 'x-forwarded-for': '203.0.113.9' }],
    ['Forwarded from a local proxy', { forwarded: 'for=203.0.113.9' }],
  ] as const) {
    it(`refuses ${label} with 401 and writes nothing`, async () => {
      const all: Record<string, string> = { host, 'content-type': 'application/json' };
      Object.assign(all, headers);
      const reply = await send(gw, 'POST', '/api/v1/secrets', all, secret);
      assert.equal(reply.status, 401, reply.body);
      assert.match(reply.body, /local clients only/);
      const listed = await send(gw, 'GET', '/api/v1/secrets', { host });
      assert.ok(!listed.body.includes('local-only'));
    });
  }

  it('refuses a write whose body is not declared as JSON (a cross-site form or text/plain POST)', async () => {
    const reply = await send(gw, 'POST', '/api/v1/secrets', { host, 'content-type': 'text/plain' }, secret);
    assert.equal(reply.status, 400);
    assert.match(reply.body, /content-type: application\/json/);
    const listed = await send(gw, 'GET', '/api/v1/secrets', { host });
    assert.ok(!listed.body.includes('local-only'));
  });
});

describe('admin token scheme', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ SWITCHYARD_ADMIN_TOKEN: 't0ken' });
  });
  after(async () => {
    await gw.close();
  });

  it('accepts the Bearer scheme in any case, as HTTP auth schemes are', async () => {
    assert.equal(
      (await gw.call('GET', '/api/v1/secrets', undefined, { authorization: 'bearer t0ken' })).status,
      200,
    );
    assert.equal(
      (await gw.call('GET', '/api/v1/secrets', undefined, { authorization: 'BEARER t0ken' })).status,
      200,
    );
  });
});
