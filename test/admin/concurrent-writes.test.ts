// Two PATCHes to one endpoint at once must both land: on PostgreSQL a read-merge-write
// without a lock lost one of them (found by review: 20 runs out of 20).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { createTestDatabase } from '../support/postgres.ts';

describe('concurrent admin writes on PostgreSQL', () => {
  let gw: TestGateway;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    gw = await startGateway({ SWITCHYARD_DATABASE_URL: db.url });
    await gw.call('POST', '/api/v1/secrets', {
      name: 's',
      provider: 'openai',
      value: { api_key: 'sk-concurrent-123456' },
    });
    await gw.call('POST', '/api/v1/models', {
      name: 'm',
      provider: 'openai',
      model_name: 'gpt-4o',
      secret: 's',
    });
  });
  after(async () => {
    await gw.close();
    await drop();
  });

  it('keeps both of two simultaneous PATCHes to one endpoint', async () => {
    for (let round = 0; round < 10; round++) {
      const name = `ep-${round}`;
      assert.equal(
        (await gw.call('POST', '/api/v1/endpoints', { name, models: [{ model: 'm' }] })).status,
        201,
      );
      const [a, b] = await Promise.all([
        gw.call('PATCH', `/api/v1/endpoints/${name}`, { timeouts: { total_ms: 1234 } }),
        gw.call('PATCH', `/api/v1/endpoints/${name}`, { usage_tracking: false }),
      ]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      const final = (await gw.call('GET', `/api/v1/endpoints/${name}`)).body as {
        timeouts: { total_ms?: number } | null;
        usage_tracking: boolean;
      };
      assert.equal(final.timeouts?.total_ms, 1234, `round ${round}: the timeouts change was lost`);
      assert.equal(final.usage_tracking, false, `round ${round}: the usage_tracking change was lost`);
    }
  });

  it('answers 409, not 500, when a delete races a new reference', async () => {
    for (let round = 0; round < 5; round++) {
      const model = `racy-${round}`;
      await gw.call('POST', '/api/v1/models', {
        name: model,
        provider: 'openai',
        model_name: 'gpt-4o',
        secret: 's',
      });
      const [deleted, created] = await Promise.all([
        gw.call('DELETE', `/api/v1/models/${model}`),
        gw.call('POST', '/api/v1/endpoints', { name: `uses-${model}`, models: [{ model }] }),
      ]);
      const statuses = [deleted.status, created.status].sort();
      assert.ok(
        JSON.stringify(statuses) === '[201,409]' || JSON.stringify(statuses) === '[204,400]',
        `round ${round}: got ${statuses} (${deleted.text} ${created.text})`,
      );
    }
  });
});
