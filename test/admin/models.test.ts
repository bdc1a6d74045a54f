// /api/v1/models through a real socket: CRUD, the secret reference, pricing, validation,
// name conflicts and the endpoint reference that blocks deletion.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import {
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

describe('admin API: models', () => {
  let gw: TestGateway;
  let secretName: string;
  let secretId: string;
  const pricing = { input_per_mtok: 2.5, output_per_mtok: 10, cache_read_per_mtok: 1.25 };

  before(async () => {
    gw = await startGateway();
    secretName = 'models-openai';
    secretId = str((await createSecret(gw, secretName))['id']);
    await createSecret(gw, 'models-anthropic', 'anthropic', 'sk-ant-0123456789abcdef');
  });
  after(async () => {
    await gw.close();
  });

  const post = (body: unknown) => () => gw.call('POST', '/api/v1/models', body);
  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: uniqueName('m'),
    provider: 'openai',
    model_name: 'gpt-4o',
    secret: secretName,
    ...overrides,
  });

  describe('create, read, update, delete', () => {
    it('creates with 201: id, name, timestamps, the secret by name and id, pricing', async () => {
      const name = uniqueName('crud');
      const reply = await gw.call('POST', '/api/v1/models', {
        name,
        provider: 'openai',
        model_name: 'gpt-4o',
        secret: secretName,
        pricing,
      });
      assert.equal(reply.status, 201, reply.text);
      const model = obj(reply.body);
      assertResource(model, 'mdl', name);
      assert.equal(model['provider'], 'openai');
      assert.equal(model['model_name'], 'gpt-4o');
      assert.equal(model['secret'], secretName);
      assert.equal(model['secret_id'], secretId);
      assert.deepEqual(model['pricing'], pricing);
      assert.equal(model['created_at'], model['updated_at']);
    });

    it('accepts the secret by id, and pricing is optional (null)', async () => {
      const model = await create(gw, 'models', valid({ secret: secretId }));
      assert.equal(model['secret'], secretName);
      assert.equal(model['secret_id'], secretId);
      assert.equal(model['pricing'], null);
    });

    it('GET by id and by name return the same model', async () => {
      const name = uniqueName('get');
      const created = await createModel(gw, name, secretName);
      assert.deepEqual(await get(gw, 'models', str(created['id'])), created);
      assert.deepEqual(await get(gw, 'models', name), created);
      const list = await gw.call('GET', '/api/v1/models');
      const data = obj(list.body)['data'];
      assert.ok(Array.isArray(data) && data.some((m) => obj(m)['id'] === created['id']));
    });

    it('PATCH model_name changes that and updated_at only', async () => {
      const name = uniqueName('patch');
      const created = await create(gw, 'models', valid({ name, pricing }));
      await sleep(5);
      const updated = await patch(gw, 'models', name, { model_name: 'gpt-4.1' });
      assert.equal(updated['model_name'], 'gpt-4.1');
      assertOnlyChanged(created, updated, ['model_name']);
    });

    it('PATCH pricing replaces it, and pricing null clears it', async () => {
      const name = uniqueName('price');
      const created = await create(gw, 'models', valid({ name, pricing }));
      await sleep(5);
      const priced = await patch(gw, 'models', name, { pricing: { input_per_mtok: 1, output_per_mtok: 2 } });
      assert.deepEqual(priced['pricing'], { input_per_mtok: 1, output_per_mtok: 2 });
      assertOnlyChanged(created, priced, ['pricing']);
      const cleared = await patch(gw, 'models', name, { pricing: null });
      assert.equal(cleared['pricing'], null);
    });

    it('PATCH renames; id and new name resolve, the old name does not', async () => {
      const name = uniqueName('ren');
      const created = await createModel(gw, name, secretName);
      await sleep(5);
      const renamed = await patch(gw, 'models', str(created['id']), { name: `${name}-2` });
      assertOnlyChanged(created, renamed, ['name']);
      assert.deepEqual(await get(gw, 'models', `${name}-2`), renamed);
      assertError(await gw.call('GET', `/api/v1/models/${name}`), 404);
    });

    it('PATCH provider together with a secret of that provider moves the model', async () => {
      const name = uniqueName('move');
      const created = await createModel(gw, name, secretName);
      await sleep(5);
      const moved = await patch(gw, 'models', name, {
        provider: 'anthropic',
        secret: 'models-anthropic',
        model_name: 'claude-sonnet-4-5',
      });
      assert.equal(moved['provider'], 'anthropic');
      assert.equal(moved['secret'], 'models-anthropic');
      assertOnlyChanged(created, moved, ['provider', 'secret', 'secret_id', 'model_name']);
    });

    it("shows the secret's new name after the secret is renamed", async () => {
      const secret = uniqueName('sec-ren');
      await createSecret(gw, secret);
      const name = uniqueName('follows');
      await createModel(gw, name, secret);
      await patch(gw, 'secrets', secret, { name: `${secret}-renamed` });
      assert.equal((await get(gw, 'models', name))['secret'], `${secret}-renamed`);
    });

    it('DELETE answers 204, then GET/PATCH/DELETE answer 404', async () => {
      const name = uniqueName('del');
      const created = await createModel(gw, name, secretName);
      await remove(gw, 'models', name);
      const id = str(created['id']);
      assertError(await gw.call('GET', `/api/v1/models/${id}`), 404, id);
      assertError(await gw.call('PATCH', `/api/v1/models/${id}`, { model_name: 'x' }), 404, id);
      assertError(await gw.call('DELETE', `/api/v1/models/${name}`), 404, name);
    });
  });

  describe('bad input on create is refused with the field named and changes nothing', () => {
    it('invalid JSON', async () => {
      await assertRefused(gw, () => gw.call('POST', '/api/v1/models', '{"name":'), 400);
    });
    it('empty body', async () => {
      await assertRefused(gw, () => gw.call('POST', '/api/v1/models'), 400);
    });
    it('a JSON array', async () => {
      await assertRefused(gw, post([valid()]), 400);
    });
    it('name as a number', async () => {
      await assertRefused(gw, post(valid({ name: 5 })), 400, 'name');
    });
    it('name with spaces', async () => {
      await assertRefused(gw, post(valid({ name: 'my model' })), 400, 'name');
    });
    it('name of 129 characters', async () => {
      await assertRefused(gw, post(valid({ name: 'm'.repeat(129) })), 400, 'name');
    });
    it('empty name', async () => {
      await assertRefused(gw, post(valid({ name: '' })), 400, 'name');
    });
    it('unknown top-level field', async () => {
      await assertRefused(gw, post(valid({ temperature: 0.2 })), 400, 'temperature');
    });
    it('unknown provider', async () => {
      await assertRefused(gw, post(valid({ provider: 'acme' })), 400, 'provider');
    });
    it('model_name missing', async () => {
      await assertRefused(gw, post(valid({ model_name: undefined })), 400, 'model_name');
    });
    it('model_name as a number', async () => {
      await assertRefused(gw, post(valid({ model_name: 4 })), 400, 'model_name');
    });
    it('secret missing', async () => {
      await assertRefused(gw, post(valid({ secret: undefined })), 400, 'secret');
    });
    it('a secret that does not exist', async () => {
      const error = await assertRefused(gw, post(valid({ secret: 'no-such-secret' })), 400, 'secret');
      assert.match(error.message, /no-such-secret/);
    });
    it('a secret for another provider', async () => {
      const error = await assertRefused(gw, post(valid({ secret: 'models-anthropic' })), 400, 'secret');
      assert.match(error.message, /anthropic/);
    });
    it('pricing.input_per_mtok as a string', async () => {
      await assertRefused(
        gw,
        post(valid({ pricing: { input_per_mtok: '2.5', output_per_mtok: 10 } })),
        400,
        'pricing.input_per_mtok',
      );
    });
    it('pricing without output_per_mtok', async () => {
      await assertRefused(
        gw,
        post(valid({ pricing: { input_per_mtok: 1 } })),
        400,
        'pricing.output_per_mtok',
      );
    });
    it('a negative price', async () => {
      await assertRefused(
        gw,
        post(valid({ pricing: { input_per_mtok: -1, output_per_mtok: 1 } })),
        400,
        'pricing.input_per_mtok',
      );
    });
    it('an unknown pricing field', async () => {
      await assertRefused(
        gw,
        post(valid({ pricing: { input_per_mtok: 1, output_per_mtok: 1, per_request: 3 } })),
        400,
        'pricing.per_request',
      );
    });
    it('pricing as a number', async () => {
      await assertRefused(gw, post(valid({ pricing: 3 })), 400, 'pricing');
    });
  });

  describe('bad input on PATCH is refused and changes nothing', () => {
    let name: string;
    before(async () => {
      name = uniqueName('patchbad');
      await create(gw, 'models', valid({ name, pricing }));
    });
    const send = (body: unknown) => () => gw.call('PATCH', `/api/v1/models/${name}`, body);

    it('invalid JSON', async () => {
      await assertRefused(gw, send('{"model_name": }'), 400);
    });
    it('a JSON array', async () => {
      await assertRefused(gw, send([{ model_name: 'x' }]), 400);
    });
    it('name as a number', async () => {
      await assertRefused(gw, send({ name: 3 }), 400, 'name');
    });
    it('pricing.input_per_mtok as a string', async () => {
      await assertRefused(
        gw,
        send({ pricing: { input_per_mtok: 'cheap', output_per_mtok: 1 } }),
        400,
        'pricing.input_per_mtok',
      );
    });
    it('a secret that does not exist', async () => {
      await assertRefused(gw, send({ secret: 'ghost' }), 400, 'secret');
    });
    it('a secret for another provider', async () => {
      await assertRefused(gw, send({ secret: 'models-anthropic' }), 400, 'secret');
    });
    it('a provider change that leaves the secret on the old provider', async () => {
      await assertRefused(gw, send({ provider: 'anthropic' }), 400, 'secret');
    });
    it('an unknown field', async () => {
      await assertRefused(gw, send({ id: 'mdl_x' }), 400, 'id');
    });
  });

  describe('conflicts and references', () => {
    it('refuses a taken name on create with 409', async () => {
      const name = uniqueName('taken');
      await createModel(gw, name, secretName);
      const error = await assertRefused(gw, post(valid({ name })), 409, name);
      assert.equal(error.type, 'conflict');
    });

    it('refuses a rename to a taken name with 409', async () => {
      const a = uniqueName('a');
      const b = uniqueName('b');
      await createModel(gw, a, secretName);
      await createModel(gw, b, secretName);
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/models/${b}`, { name: a }), 409, a);
    });

    it('refuses to delete a model an endpoint uses, naming the endpoint (409)', async () => {
      const model = uniqueName('used');
      await createModel(gw, model, secretName);
      const endpoint = uniqueName('user-ep');
      await create(gw, 'endpoints', { name: endpoint, models: [{ model, role: 'primary' }] });
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/models/${model}`), 409, endpoint);
      await remove(gw, 'endpoints', endpoint);
      await remove(gw, 'models', model);
    });

    it('refuses to delete a model used only as a fallback, naming the endpoint', async () => {
      const primary = uniqueName('prim');
      const backup = uniqueName('backup');
      await createModel(gw, primary, secretName);
      await createModel(gw, backup, secretName);
      const endpoint = uniqueName('fb-ep');
      await create(gw, 'endpoints', {
        name: endpoint,
        models: [
          { model: primary, role: 'primary' },
          { model: backup, role: 'fallback' },
        ],
      });
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/models/${backup}`), 409, endpoint);
    });

    it('answers 404 for an unknown ref on GET, PATCH and DELETE, changing nothing', async () => {
      const ref = 'no-such-model';
      assertError(await gw.call('GET', `/api/v1/models/${ref}`), 404, ref);
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/models/${ref}`, { model_name: 'x' }), 404, ref);
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/models/${ref}`), 404, ref);
    });
  });
});
