// A path with malformed percent-encoding must get an error reply, not take the process down
// (it once threw an uncaught URIError from the router).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { assertError } from './admin-helpers.ts';

describe('malformed percent-encoding in a path', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  for (const path of ['/api/v1/secrets/%E0%A4%A', '/api/v1/models/%', '/api/v1/endpoints/%zz']) {
    it(`GET ${path} → 400 or 404 with the error shape, and the gateway keeps serving`, async () => {
      const reply = await fetch(gw.url + path, { signal: AbortSignal.timeout(3000) });
      const text = await reply.text();
      const status = reply.status;
      assert.ok(status === 400 || status === 404, `got ${status}: ${text}`);
      assertError({ status, headers: reply.headers, body: JSON.parse(text), text }, status);
      assert.ok(reply.headers.get('x-request-id'));
      assert.equal((await gw.call('GET', '/healthz')).status, 200);
    });
  }
});
