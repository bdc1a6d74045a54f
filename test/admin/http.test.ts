// Health, readiness, metrics, request ids, unknown routes (404) and wrong methods (405).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { assertError, createSecret, obj } from './admin-helpers.ts';

describe('health, metrics and routing', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('/healthz answers 200', async () => {
    const reply = await gw.call('GET', '/healthz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ok' });
  });

  it('/readyz answers 200 with the store ok', async () => {
    const reply = await gw.call('GET', '/readyz');
    assert.equal(reply.status, 200, reply.text);
    const body = obj(reply.body);
    assert.equal(body['status'], 'ready');
    assert.equal(obj(body['checks'])['store'], 'ok');
  });

  it('/metrics is Prometheus text with switchyard_http_requests_total counting admin requests', async () => {
    await createSecret(gw, 'metrics-secret');
    await gw.call('GET', '/api/v1/nowhere');
    const reply = await gw.call('GET', '/metrics');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(reply.text, /# TYPE switchyard_http_requests_total counter/);
    assert.match(reply.text, /switchyard_http_requests_total\{route="admin",status="201"\} \d+/);
    assert.match(reply.text, /switchyard_http_requests_total\{[^}]*status="404"\} \d+/);
  });

  it('every response carries an x-request-id, and distinct requests get distinct ids', async () => {
    const replies = [
      await gw.call('GET', '/healthz'),
      await gw.call('GET', '/readyz'),
      await gw.call('GET', '/metrics'),
      await gw.call('GET', '/api/v1/secrets'),
      await gw.call('POST', '/api/v1/secrets', {
        name: 'rid',
        provider: 'openai',
        value: { api_key: 'sk-rid-0123456789' },
      }),
      await gw.call('POST', '/api/v1/secrets', '{bad'),
      await gw.call('GET', '/api/v1/secrets/missing'),
      await gw.call('DELETE', '/api/v1/secrets/rid'),
      await gw.call('PUT', '/api/v1/secrets'),
      await gw.call('GET', '/no/such/route'),
    ];
    const ids = replies.map((r) => r.headers.get('x-request-id'));
    for (const [i, id] of ids.entries()) assert.ok(id && id.length > 0, `reply ${i} has no x-request-id`);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 200, 200, 201, 400, 404, 204, 405, 404],
    );
  });

  it('echoes a valid incoming x-request-id', async () => {
    for (const id of ['abc-123', 'trace.id:42_x', 'a'.repeat(128)]) {
      for (const path of ['/healthz', '/api/v1/models', '/api/v1/models/none']) {
        const reply = await gw.call('GET', path, undefined, { 'x-request-id': id });
        assert.equal(reply.headers.get('x-request-id'), id, path);
      }
    }
  });

  it('replaces an invalid incoming x-request-id with its own', async () => {
    for (const id of ['has space', 'a'.repeat(129), 'semi;colon', 'quote"d']) {
      const reply = await gw.call('GET', '/healthz', undefined, { 'x-request-id': id });
      const got = reply.headers.get('x-request-id');
      assert.ok(got && got !== id, `${JSON.stringify(id)} was echoed`);
      assert.match(got, /^[A-Za-z0-9._:-]{1,128}$/);
    }
  });

  it('answers 404 with the error shape for unknown routes', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api/v2/secrets',
      '/api/v1/secrets/a/b',
      '/nothing',
      '/api/v1/secret',
    ]) {
      const error = assertError(await gw.call('GET', path), 404);
      assert.equal(error.type, 'not_found');
    }
  });

  it('answers 405 with the error shape for a wrong method on a known path', async () => {
    const cases: [string, string][] = [
      ['PUT', '/api/v1/secrets'],
      ['DELETE', '/api/v1/secrets'],
      ['PATCH', '/api/v1/models'],
      ['PUT', '/api/v1/endpoints/some-endpoint'],
      ['POST', '/api/v1/endpoints/some-endpoint'],
      ['POST', '/healthz'],
      ['DELETE', '/metrics'],
      ['DELETE', '/api/v1/providers'],
    ];
    for (const [method, path] of cases) {
      const error = assertError(await gw.call(method, path), 405);
      assert.equal(error.type, 'method_not_allowed', `${method} ${path}`);
    }
  });

  it('names the allowed methods in an Allow header on 405', {}, async () => {
    const reply = await gw.call('PUT', '/api/v1/secrets');
    assert.equal(reply.status, 405);
    assert.match(reply.headers.get('allow') ?? '', /GET/);
  });

  it('ignores the query string when routing', async () => {
    const reply = await gw.call('GET', '/healthz?verbose=1');
    assert.equal(reply.status, 200);
  });

  it('resolves a percent-encoded ref', async () => {
    await createSecret(gw, 'enc.name_1');
    const reply = await gw.call('GET', '/api/v1/secrets/enc%2Ename%5F1');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(obj(reply.body)['name'], 'enc.name_1');
  });
});
