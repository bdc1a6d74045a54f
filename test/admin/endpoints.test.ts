// /api/v1/endpoints through a real socket: CRUD, defaults, the model view, validation of
// every policy field, PATCH validated as a whole, conflicts, and the running config seeing
// each change on the very next request.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import {
  arr,
  assertError,
  assertOnlyChanged,
  assertRefused,
  assertResource,
  create,
  createModel,
  createSecret,
  get,
  obj,
  patch,
  remove,
  sleep,
  str,
  uniqueName,
} from './admin-helpers.ts';

const OPENAI_KEY = 'sk-endpoints-openai-0123456789wxyz';
const ANTHROPIC_KEY = 'sk-ant-endpoints-0123456789abcd';

describe('admin API: endpoints', () => {
  let gw: TestGateway;
  // Models shared by the tests below; none of them is ever deleted.
  const m1 = 'ep-model-1';
  const m2 = 'ep-model-2';
  const m3 = 'ep-model-3';
  let m1Id: string;
  let m2Id: string;

  before(async () => {
    gw = await startGateway();
    await createSecret(gw, 'ep-openai', 'openai', OPENAI_KEY);
    await createSecret(gw, 'ep-anthropic', 'anthropic', ANTHROPIC_KEY);
    m1Id = str((await createModel(gw, m1, 'ep-openai', 'openai', 'gpt-4o'))['id']);
    m2Id = str((await createModel(gw, m2, 'ep-anthropic', 'anthropic', 'claude-sonnet-4-5'))['id']);
    await createModel(gw, m3, 'ep-openai', 'openai', 'gpt-4o-mini');
  });
  after(async () => {
    await gw.close();
  });

  const post = (body: unknown) => () => gw.call('POST', '/api/v1/endpoints', body);
  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: uniqueName('ep'),
    models: [{ model: m1, role: 'primary' }],
    ...overrides,
  });

  describe('create, read, update, delete', () => {
    it('creates with 201 and the documented defaults', async () => {
      const name = uniqueName('defaults');
      const reply = await gw.call('POST', '/api/v1/endpoints', { name, models: [{ model: m1 }] });
      assert.equal(reply.status, 201, reply.text);
      const endpoint = obj(reply.body);
      assertResource(endpoint, 'ep', name);
      assert.equal(endpoint['created_at'], endpoint['updated_at']);
      assert.equal(endpoint['routing'], 'first');
      assert.equal(endpoint['usage_tracking'], true);
      assert.equal(endpoint['fallback'], null);
      assert.equal(endpoint['retry'], null);
      assert.equal(endpoint['timeouts'], null);
      assert.deepEqual(endpoint['models'], [
        { model: m1, model_id: m1Id, role: 'primary', weight: null, order: null },
      ]);
    });

    it("shows models[].model as the model's name and model_id as its id, whichever ref was sent", async () => {
      const endpoint = await create(
        gw,
        'endpoints',
        valid({
          models: [
            { model: m1Id, role: 'primary' },
            { model: m2, role: 'fallback', order: 1 },
          ],
          fallback: {},
        }),
      );
      const models = arr(endpoint['models']).map((m) => obj(m));
      assert.equal(models[0]?.['model'], m1);
      assert.equal(models[0]?.['model_id'], m1Id);
      assert.equal(models[1]?.['model'], m2);
      assert.equal(models[1]?.['model_id'], m2Id);
      assert.equal(models[1]?.['role'], 'fallback');
      assert.equal(models[1]?.['order'], 1);
    });

    it('stores every policy field as given', async () => {
      const body = {
        name: uniqueName('full'),
        models: [
          { model: m1, role: 'primary', weight: 3 },
          { model: m3, role: 'primary', weight: 1 },
          { model: m2, role: 'fallback', order: 0 },
        ],
        routing: 'traffic_split',
        fallback: { max_attempts: 2, on: ['429', '5xx', 'timeout', 'connect'] },
        retry: { attempts: 2, backoff_ms: 250 },
        timeouts: { connect_ms: 1000, first_byte_ms: 20000, idle_ms: 30000, total_ms: 600000 },
        usage_tracking: false,
      };
      const endpoint = await create(gw, 'endpoints', body);
      assert.equal(endpoint['routing'], 'traffic_split');
      assert.deepEqual(endpoint['fallback'], body.fallback);
      assert.deepEqual(endpoint['retry'], body.retry);
      assert.deepEqual(endpoint['timeouts'], body.timeouts);
      assert.equal(endpoint['usage_tracking'], false);
      assert.deepEqual(
        arr(endpoint['models']).map((m) => {
          const { model, role, weight, order } = obj(m);
          return { model, role, weight, order };
        }),
        [
          { model: m1, role: 'primary', weight: 3, order: null },
          { model: m3, role: 'primary', weight: 1, order: null },
          { model: m2, role: 'fallback', weight: null, order: 0 },
        ],
      );
      assert.deepEqual(await get(gw, 'endpoints', body.name), endpoint);
    });

    it('GET by id and by name return the same endpoint', async () => {
      const created = await create(gw, 'endpoints', valid());
      assert.deepEqual(await get(gw, 'endpoints', str(created['id'])), created);
      assert.deepEqual(await get(gw, 'endpoints', str(created['name'])), created);
    });

    it('PATCH changes only the fields it names', async () => {
      const created = await create(
        gw,
        'endpoints',
        valid({ retry: { attempts: 1 }, timeouts: { total_ms: 5000 } }),
      );
      await sleep(5);
      const updated = await patch(gw, 'endpoints', str(created['name']), { usage_tracking: false });
      assert.equal(updated['usage_tracking'], false);
      assertOnlyChanged(created, updated, ['usage_tracking']);
      await sleep(5);
      const retimed = await patch(gw, 'endpoints', str(created['id']), { timeouts: { connect_ms: 50 } });
      assert.deepEqual(retimed['timeouts'], { connect_ms: 50 });
      assertOnlyChanged(updated, retimed, ['timeouts']);
    });

    it('PATCH replaces the model list and can rename', async () => {
      const created = await create(gw, 'endpoints', valid());
      await sleep(5);
      const name = `${str(created['name'])}-renamed`;
      const updated = await patch(gw, 'endpoints', str(created['id']), {
        name,
        models: [{ model: m2, role: 'primary' }],
      });
      assert.equal(updated['name'], name);
      assert.deepEqual(
        arr(updated['models']).map((m) => obj(m)['model']),
        [m2],
      );
      assertOnlyChanged(created, updated, ['name', 'models']);
      assertError(await gw.call('GET', `/api/v1/endpoints/${str(created['name'])}`), 404);
    });

    it("reflects a model's rename in the endpoint view", async () => {
      const model = uniqueName('renamable');
      await createModel(gw, model, 'ep-openai');
      const endpoint = await create(gw, 'endpoints', valid({ models: [{ model }] }));
      await patch(gw, 'models', model, { name: `${model}-v2` });
      const view = await get(gw, 'endpoints', str(endpoint['id']));
      assert.equal(obj(arr(view['models'])[0])['model'], `${model}-v2`);
      const listed = obj((await gw.call('GET', '/api/v1/endpoints?limit=1000')).body);
      const fromList = arr(listed['data'])
        .map((e) => obj(e))
        .find((e) => e['id'] === endpoint['id']);
      assert.equal(obj(arr(fromList?.['models'])[0])['model'], `${model}-v2`);
    });

    it('DELETE answers 204, then GET/PATCH/DELETE answer 404', async () => {
      const created = await create(gw, 'endpoints', valid());
      const id = str(created['id']);
      await remove(gw, 'endpoints', id);
      assertError(await gw.call('GET', `/api/v1/endpoints/${id}`), 404, id);
      assertError(await gw.call('PATCH', `/api/v1/endpoints/${id}`, { usage_tracking: true }), 404, id);
      assertError(await gw.call('DELETE', `/api/v1/endpoints/${str(created['name'])}`), 404);
    });

    it('DELETE by name frees the name', async () => {
      const created = await create(gw, 'endpoints', valid());
      await remove(gw, 'endpoints', str(created['name']));
      await create(gw, 'endpoints', valid({ name: created['name'] }));
    });
  });

  describe('the running config sees each change on the very next request', () => {
    it('after POST: the endpoint with its model and decrypted credential; after DELETE: gone', async () => {
      const name = uniqueName('live');
      await create(gw, 'endpoints', {
        name,
        models: [
          { model: m1, role: 'primary' },
          { model: m2, role: 'fallback' },
        ],
        fallback: { on: ['5xx'] },
      });
      const routed = gw.app.snapshots.current.endpoints.get(name);
      assert.ok(routed, 'the snapshot should hold the endpoint right after POST returns');
      assert.equal(routed.primaries.length, 1);
      const primary = routed.primaries[0]!.model;
      assert.equal(primary.name, m1);
      assert.equal(primary.id, m1Id);
      assert.equal(primary.modelName, 'gpt-4o');
      assert.equal(primary.provider.name, 'openai');
      assert.equal(primary.credential.apiKey, OPENAI_KEY);
      assert.equal(primary.credential.passthrough, false);
      assert.equal(primary.apiBase, 'https://api.openai.com/v1');
      assert.equal(routed.fallbacks.length, 1);
      assert.equal(routed.fallbacks[0]!.name, m2);
      assert.equal(routed.fallbacks[0]!.credential.apiKey, ANTHROPIC_KEY);
      assert.deepEqual(routed.policy.fallback, { on: ['5xx'] });

      await remove(gw, 'endpoints', name);
      assert.equal(gw.app.snapshots.current.endpoints.get(name), undefined);
    });

    it('after PATCH: the new targets, policy and name', async () => {
      const name = uniqueName('live-patch');
      await create(gw, 'endpoints', { name, models: [{ model: m1 }] });
      await patch(gw, 'endpoints', name, {
        name: `${name}-b`,
        models: [{ model: m2 }],
        retry: { attempts: 3 },
      });
      assert.equal(gw.app.snapshots.current.endpoints.get(name), undefined);
      const routed = gw.app.snapshots.current.endpoints.get(`${name}-b`);
      assert.ok(routed);
      assert.equal(routed.primaries[0]?.model.name, m2);
      assert.equal(routed.primaries[0]?.model.credential.apiKey, ANTHROPIC_KEY);
      assert.deepEqual(routed.policy.retry, { attempts: 3 });
    });

    it("after a secret's value or api_base changes, endpoints use the new one", async () => {
      const secret = uniqueName('live-secret');
      await createSecret(gw, secret, 'openai', 'sk-live-old-0123456789');
      const model = uniqueName('live-model');
      await createModel(gw, model, secret);
      const name = uniqueName('live-cred');
      await create(gw, 'endpoints', { name, models: [{ model }] });
      await patch(gw, 'secrets', secret, {
        value: { api_key: 'sk-live-new-0123456789' },
        auth_config: { api_base: 'https://gateway.example.test/v1/' },
      });
      const target = gw.app.snapshots.current.endpoints.get(name)?.primaries[0]?.model;
      assert.equal(target?.credential.apiKey, 'sk-live-new-0123456789');
      assert.equal(target?.apiBase, 'https://gateway.example.test/v1');
    });

    it('traffic_split weights reach the snapshot', async () => {
      const name = uniqueName('live-split');
      await create(gw, 'endpoints', {
        name,
        routing: 'traffic_split',
        models: [
          { model: m1, weight: 9 },
          { model: m3, weight: 1 },
        ],
      });
      const routed = gw.app.snapshots.current.endpoints.get(name);
      assert.deepEqual(
        routed?.primaries.map((p) => [p.model.name, p.weight]),
        [
          [m1, 9],
          [m3, 1],
        ],
      );
    });
  });

  describe('bad input on create is refused with the field named and changes nothing', () => {
    it('invalid JSON', async () => {
      await assertRefused(gw, () => gw.call('POST', '/api/v1/endpoints', '{"name": "x", models: []}'), 400);
    });
    it('empty body', async () => {
      await assertRefused(gw, () => gw.call('POST', '/api/v1/endpoints'), 400);
    });
    it('a JSON array', async () => {
      await assertRefused(gw, post([valid()]), 400);
    });
    it('null as the body', async () => {
      await assertRefused(gw, () => gw.call('POST', '/api/v1/endpoints', 'null'), 400);
    });
    it('name as a number', async () => {
      await assertRefused(gw, post(valid({ name: 12 })), 400, 'name');
    });
    it('name with spaces', async () => {
      await assertRefused(gw, post(valid({ name: 'my endpoint' })), 400, 'name');
    });
    it('name of 129 characters', async () => {
      await assertRefused(gw, post(valid({ name: 'e'.repeat(129) })), 400, 'name');
    });
    it('empty name', async () => {
      await assertRefused(gw, post(valid({ name: '' })), 400, 'name');
    });
    it('unknown top-level field', async () => {
      await assertRefused(gw, post(valid({ strategy: 'fast' })), 400, 'strategy');
    });
    it('no models', async () => {
      await assertRefused(gw, post(valid({ models: undefined })), 400, 'models');
    });
    it('empty models', async () => {
      await assertRefused(gw, post(valid({ models: [] })), 400, 'models');
    });
    it('models as an object', async () => {
      await assertRefused(gw, post(valid({ models: { model: m1 } })), 400, 'models');
    });
    it('a models entry that is a string', async () => {
      await assertRefused(gw, post(valid({ models: [m1] })), 400, 'models[0]');
    });
    it('no primary model', async () => {
      await assertRefused(gw, post(valid({ models: [{ model: m1, role: 'fallback' }] })), 400, 'primary');
    });
    it('a bad role', async () => {
      await assertRefused(
        gw,
        post(valid({ models: [{ model: m1, role: 'backup' }] })),
        400,
        'models[0].role',
      );
    });
    it('a model ref that does not exist', async () => {
      const error = await assertRefused(
        gw,
        post(
          valid({
            models: [
              { model: m1, role: 'primary' },
              { model: 'ghost-model', role: 'primary' },
            ],
          }),
        ),
        400,
        'models[1].model',
      );
      assert.match(error.message, /ghost-model/);
    });
    it('the same model listed twice by name', async () => {
      await assertRefused(
        gw,
        post(
          valid({
            models: [
              { model: m1, role: 'primary' },
              { model: m1, role: 'fallback' },
            ],
          }),
        ),
        400,
        'models[1].model',
      );
    });
    it('the same model listed twice, once by name and once by id', async () => {
      await assertRefused(
        gw,
        post(
          valid({
            models: [
              { model: m1, role: 'primary' },
              { model: m1Id, role: 'primary' },
            ],
          }),
        ),
        400,
        'models[1].model',
      );
    });
    it('an unknown field in a models entry', async () => {
      await assertRefused(
        gw,
        post(valid({ models: [{ model: m1, priority: 1 }] })),
        400,
        'models[0].priority',
      );
    });
    it('model ref as a number', async () => {
      await assertRefused(gw, post(valid({ models: [{ model: 1 }] })), 400, 'models[0].model');
    });
    it('routing not first or traffic_split', async () => {
      await assertRefused(gw, post(valid({ routing: 'round_robin' })), 400, 'routing');
    });
    it('traffic_split with a zero weight', async () => {
      await assertRefused(
        gw,
        post(
          valid({
            routing: 'traffic_split',
            models: [
              { model: m1, weight: 1 },
              { model: m3, weight: 0 },
            ],
          }),
        ),
        400,
        'models[1].weight',
      );
    });
    it('traffic_split with a negative weight', async () => {
      await assertRefused(
        gw,
        post(valid({ routing: 'traffic_split', models: [{ model: m1, weight: -2 }] })),
        400,
        'models[0].weight',
      );
    });
    it('a weight that is a string', async () => {
      await assertRefused(gw, post(valid({ models: [{ model: m1, weight: '1' }] })), 400, 'models[0].weight');
    });
    it('a negative or fractional order', async () => {
      await assertRefused(
        gw,
        post(
          valid({
            models: [{ model: m1 }, { model: m2, role: 'fallback', order: -1 }],
          }),
        ),
        400,
        'models[1].order',
      );
      await assertRefused(
        gw,
        post(
          valid({
            models: [{ model: m1 }, { model: m2, role: 'fallback', order: 1.5 }],
          }),
        ),
        400,
        'models[1].order',
      );
    });
    it('fallback set with no fallback-role model', async () => {
      await assertRefused(gw, post(valid({ fallback: { max_attempts: 2 } })), 400, 'fallback');
    });
    const withFallbackModel = (overrides: Record<string, unknown>) =>
      valid({
        models: [
          { model: m1, role: 'primary' },
          { model: m2, role: 'fallback' },
        ],
        ...overrides,
      });
    it('fallback.max_attempts 0', async () => {
      await assertRefused(
        gw,
        post(withFallbackModel({ fallback: { max_attempts: 0 } })),
        400,
        'fallback.max_attempts',
      );
    });
    it('fallback.max_attempts as a string', async () => {
      await assertRefused(
        gw,
        post(withFallbackModel({ fallback: { max_attempts: '2' } })),
        400,
        'fallback.max_attempts',
      );
    });
    it('fallback.on with a bad value', async () => {
      await assertRefused(
        gw,
        post(withFallbackModel({ fallback: { on: ['5xx', '4xx'] } })),
        400,
        'fallback.on',
      );
    });
    it('fallback.on empty or not an array', async () => {
      await assertRefused(gw, post(withFallbackModel({ fallback: { on: [] } })), 400, 'fallback.on');
      await assertRefused(gw, post(withFallbackModel({ fallback: { on: '5xx' } })), 400, 'fallback.on');
    });
    it('an unknown field in fallback', async () => {
      await assertRefused(gw, post(withFallbackModel({ fallback: { when: ['5xx'] } })), 400, 'fallback.when');
    });
    it('fallback as a string', async () => {
      await assertRefused(gw, post(withFallbackModel({ fallback: 'yes' })), 400, 'fallback');
    });
    it('retry.attempts -1', async () => {
      await assertRefused(gw, post(valid({ retry: { attempts: -1 } })), 400, 'retry.attempts');
    });
    it('retry.backoff_ms negative', async () => {
      await assertRefused(gw, post(valid({ retry: { backoff_ms: -5 } })), 400, 'retry.backoff_ms');
    });
    it('retry.attempts as a string', async () => {
      await assertRefused(gw, post(valid({ retry: { attempts: 'two' } })), 400, 'retry.attempts');
    });
    for (const field of ['connect_ms', 'first_byte_ms', 'idle_ms', 'total_ms']) {
      it(`timeouts.${field} of 0`, async () => {
        await assertRefused(gw, post(valid({ timeouts: { [field]: 0 } })), 400, `timeouts.${field}`);
      });
      it(`timeouts.${field} negative`, async () => {
        await assertRefused(gw, post(valid({ timeouts: { [field]: -100 } })), 400, `timeouts.${field}`);
      });
    }
    it('an unknown timeout', async () => {
      await assertRefused(gw, post(valid({ timeouts: { read_ms: 5 } })), 400, 'timeouts.read_ms');
    });
    it('usage_tracking as a string', async () => {
      await assertRefused(gw, post(valid({ usage_tracking: 'true' })), 400, 'usage_tracking');
    });
  });

  describe('a PATCH that would leave the endpoint invalid is refused and changes nothing', () => {
    let name: string;
    before(async () => {
      name = uniqueName('patchbad');
      await create(gw, 'endpoints', {
        name,
        models: [
          { model: m1, role: 'primary', weight: 0 },
          { model: m2, role: 'fallback' },
        ],
        fallback: { max_attempts: 1 },
      });
    });
    const send = (body: unknown) => () => gw.call('PATCH', `/api/v1/endpoints/${name}`, body);

    it('switching to traffic_split with a weight-0 primary', async () => {
      await assertRefused(gw, send({ routing: 'traffic_split' }), 400, 'models[0].weight');
    });
    it('dropping the fallback models while fallback is set', async () => {
      await assertRefused(gw, send({ models: [{ model: m1 }] }), 400, 'fallback');
    });
    it('an empty model list', async () => {
      await assertRefused(gw, send({ models: [] }), 400, 'models');
    });
    it('only fallback models', async () => {
      await assertRefused(gw, send({ models: [{ model: m1, role: 'fallback' }] }), 400, 'primary');
    });
    it('a model that does not exist', async () => {
      await assertRefused(
        gw,
        send({ models: [{ model: 'nope' }, { model: m2, role: 'fallback' }] }),
        400,
        'models[0].model',
      );
    });
    it('routing not first or traffic_split', async () => {
      await assertRefused(gw, send({ routing: 'random' }), 400, 'routing');
    });
    it('a bad fallback.on', async () => {
      await assertRefused(gw, send({ fallback: { on: ['sometimes'] } }), 400, 'fallback.on');
    });
    it('timeouts of 0', async () => {
      await assertRefused(gw, send({ timeouts: { total_ms: 0 } }), 400, 'timeouts.total_ms');
    });
    it('retry.attempts -1', async () => {
      await assertRefused(gw, send({ retry: { attempts: -1 } }), 400, 'retry.attempts');
    });
    it('usage_tracking as a string', async () => {
      await assertRefused(gw, send({ usage_tracking: 'no' }), 400, 'usage_tracking');
    });
    it('an unknown field', async () => {
      await assertRefused(gw, send({ created_at: '2020-01-01T00:00:00Z' }), 400, 'created_at');
    });
    it('invalid JSON, empty body, an array', async () => {
      await assertRefused(gw, send('{'), 400);
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/endpoints/${name}`), 400);
      await assertRefused(gw, send([1]), 400);
    });
    it('the running config keeps the endpoint as it was', () => {
      const routed = gw.app.snapshots.current.endpoints.get(name);
      assert.equal(routed?.policy.routing, 'first');
      assert.deepEqual(routed?.policy.fallback, { max_attempts: 1 });
      assert.equal(routed?.fallbacks[0]?.name, m2);
    });
  });

  describe('conflicts and unknown refs', () => {
    it('refuses a taken name on create with 409', async () => {
      const created = await create(gw, 'endpoints', valid());
      const name = str(created['name']);
      const error = await assertRefused(gw, post(valid({ name })), 409, name);
      assert.equal(error.type, 'conflict');
    });

    it('refuses a rename to a taken name with 409', async () => {
      const a = str((await create(gw, 'endpoints', valid()))['name']);
      const b = str((await create(gw, 'endpoints', valid()))['name']);
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/endpoints/${b}`, { name: a }), 409, a);
      assert.ok(gw.app.snapshots.current.endpoints.get(b));
    });

    it('answers 404 for an unknown ref on GET, PATCH and DELETE, changing nothing', async () => {
      const ref = 'no-such-endpoint';
      assertError(await gw.call('GET', `/api/v1/endpoints/${ref}`), 404, ref);
      await assertRefused(
        gw,
        () => gw.call('PATCH', `/api/v1/endpoints/${ref}`, { routing: 'first' }),
        404,
        ref,
      );
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/endpoints/${ref}`), 404, ref);
    });
  });
});

describe('admin API: endpoints keep their models alive', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('a model can be deleted once no endpoint uses it, and its secret after it', async () => {
    await createSecret(gw, 's');
    await createModel(gw, 'm', 's');
    await create(gw, 'endpoints', { name: 'e', models: [{ model: 'm' }] });
    await assertRefused(gw, () => gw.call('DELETE', '/api/v1/models/m'), 409, 'e');
    await assertRefused(gw, () => gw.call('DELETE', '/api/v1/secrets/s'), 409, 'm');
    await remove(gw, 'endpoints', 'e');
    await remove(gw, 'models', 'm');
    await remove(gw, 'secrets', 's');
    assert.equal(gw.app.snapshots.current.endpoints.size, 0);
    assert.equal(gw.app.snapshots.current.models.size, 0);
  });
});
