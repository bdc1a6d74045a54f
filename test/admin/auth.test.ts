// Admin authentication: a bearer token when SWITCHYARD_ADMIN_TOKEN is set, loopback-only
// otherwise; the health routes never need a token.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { arr, assertError, obj } from './admin-helpers.ts';

const TOKEN = 't0ken';
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('admin API with SWITCHYARD_ADMIN_TOKEN set', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ SWITCHYARD_ADMIN_TOKEN: TOKEN });
  });
  after(async () => {
    await gw.close();
  });

  const paths = ['/api/v1/secrets', '/api/v1/models', '/api/v1/endpoints', '/api/v1/providers'];

  for (const path of paths) {
    it(`GET ${path}: no header → 401`, async () => {
      const reply = await gw.call('GET', path);
      const error = assertError(reply, 401);
      assert.equal(error.type, 'unauthorized');
      assert.ok(reply.headers.get('x-request-id'));
    });

    it(`GET ${path}: wrong token → 401`, async () => {
      assertError(await gw.call('GET', path, undefined, { authorization: 'Bearer wrong' }), 401);
      assertError(await gw.call('GET', path, undefined, { authorization: `Bearer ${TOKEN}x` }), 401);
    });

    it(`GET ${path}: Bearer ${TOKEN} → 200`, async () => {
      const reply = await gw.call('GET', path, undefined, bearer);
      assert.equal(reply.status, 200, reply.text);
      assert.ok(Array.isArray(obj(reply.body)['data']));
    });
  }

  it('refuses other ways of presenting the token', async () => {
    for (const authorization of [TOKEN, `Basic ${TOKEN}`, 'Bearer ', 'Bearer', `Token ${TOKEN}`]) {
      assertError(await gw.call('GET', '/api/v1/secrets', undefined, { authorization }), 401);
    }
    assertError(await gw.call('GET', '/api/v1/secrets', undefined, { 'x-api-key': TOKEN }), 401);
  });

  it('a write without the token is refused and changes nothing', async () => {
    const before = await gw.store.configVersion();
    const body = { name: 'sneaky', provider: 'openai', value: { api_key: 'sk-sneaky-0123456789' } };
    assertError(await gw.call('POST', '/api/v1/secrets', body), 401);
    assertError(await gw.call('POST', '/api/v1/secrets', body, { authorization: 'Bearer nope' }), 401);
    assert.equal(await gw.store.configVersion(), before);
    const list = await gw.call('GET', '/api/v1/secrets', undefined, bearer);
    assert.deepEqual(arr(obj(list.body)['data']), []);
  });

  it('checks the token before the payload and before the ref', async () => {
    assertError(await gw.call('POST', '/api/v1/secrets', '{not json'), 401);
    assertError(await gw.call('GET', '/api/v1/secrets/whatever'), 401);
    assertError(await gw.call('DELETE', '/api/v1/endpoints/whatever'), 401);
  });

  it('with the token, writes work', async () => {
    const reply = await gw.call(
      'POST',
      '/api/v1/secrets',
      { name: 'ok', provider: 'openai', value: { api_key: 'sk-ok-0123456789abcd' } },
      bearer,
    );
    assert.equal(reply.status, 201, reply.text);
    const del = await gw.call('DELETE', '/api/v1/secrets/ok', undefined, bearer);
    assert.equal(del.status, 204);
  });

  it('/healthz, /readyz and /metrics need no token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const reply = await gw.call('GET', path);
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    }
  });
});

describe('admin API without SWITCHYARD_ADMIN_TOKEN', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('serves a loopback client with no token', async () => {
    assert.match(gw.url, /^http:\/\/127\.0\.0\.1:/);
    const reply = await gw.call('GET', '/api/v1/secrets');
    assert.equal(reply.status, 200, reply.text);
    const created = await gw.call('POST', '/api/v1/secrets', {
      name: 'loop',
      provider: 'openai',
      value: { api_key: 'sk-loop-0123456789' },
    });
    assert.equal(created.status, 201, created.text);
  });

  it('ignores a stray Authorization header', async () => {
    const reply = await gw.call('GET', '/api/v1/secrets', undefined, { authorization: 'Bearer anything' });
    assert.equal(reply.status, 200);
  });
});
