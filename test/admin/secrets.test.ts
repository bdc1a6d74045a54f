// /api/v1/secrets through a real socket: CRUD, masking, validation (every bad input is
// refused with the field named and changes nothing), name conflicts and references.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import {
  adminState,
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

describe('admin API: secrets', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  const post = (body: unknown) => () => gw.call('POST', '/api/v1/secrets', body);

  describe('create, read, update, delete', () => {
    it('creates with 201, a server-made id, timestamps and a masked value, never the value', async () => {
      const name = uniqueName('crud');
      const apiKey = 'sk-proj-abcdefghijklmnopwxyz';
      const reply = await gw.call('POST', '/api/v1/secrets', {
        name,
        provider: 'openai',
        value: { api_key: apiKey },
      });
      assert.equal(reply.status, 201, reply.text);
      const secret = obj(reply.body);
      assertResource(secret, 'sec', name);
      assert.equal(secret['provider'], 'openai');
      assert.equal(secret['masked_value'], 'sk-...wxyz');
      assert.equal(secret['created_at'], secret['updated_at']);
      assert.deepEqual(secret['auth_config'], {});
      assert.equal(secret['value'], undefined);
      assert.ok(!reply.text.includes(apiKey), 'the create answer leaks the key');
      assert.ok(!reply.text.includes('abcdefghijklmnop'), 'the create answer leaks part of the key');
    });

    it('GET by id and by name return the same secret; the list has it; no reply holds the key', async () => {
      const name = uniqueName('get');
      const apiKey = 'sk-get-0123456789abcd';
      const created = await createSecret(gw, name, 'anthropic', apiKey);
      const id = str(created['id']);
      const byId = await gw.call('GET', `/api/v1/secrets/${id}`);
      const byName = await gw.call('GET', `/api/v1/secrets/${name}`);
      assert.equal(byId.status, 200);
      assert.equal(byName.status, 200);
      assert.deepEqual(byId.body, created);
      assert.deepEqual(byName.body, created);
      const list = await gw.call('GET', '/api/v1/secrets');
      assert.equal(list.status, 200);
      const data = obj(list.body)['data'];
      assert.ok(Array.isArray(data));
      assert.ok(data.some((s) => obj(s)['id'] === id));
      assert.ok('next_cursor' in obj(list.body));
      for (const reply of [byId, byName, list]) assert.ok(!reply.text.includes(apiKey));
    });

    it('PATCH renames, changing updated_at and nothing else; the new name and the id both resolve', async () => {
      const name = uniqueName('rename');
      const created = await createSecret(gw, name);
      await sleep(5);
      const renamed = await patch(gw, 'secrets', name, { name: `${name}-new` });
      assert.equal(renamed['name'], `${name}-new`);
      assertOnlyChanged(created, renamed, ['name']);
      assert.deepEqual(await get(gw, 'secrets', `${name}-new`), renamed);
      assert.deepEqual(await get(gw, 'secrets', str(created['id'])), renamed);
      assertError(await gw.call('GET', `/api/v1/secrets/${name}`), 404);
    });

    it('PATCH value changes only the mask (and the value), never echoing it', async () => {
      const name = uniqueName('revalue');
      const created = await createSecret(gw, name, 'openai', 'sk-first-key-aaaaaaa1111');
      await sleep(5);
      const newKey = 'sk-second-key-bbbbbbb2222';
      const reply = await gw.call('PATCH', `/api/v1/secrets/${str(created['id'])}`, {
        value: { api_key: newKey },
      });
      assert.equal(reply.status, 200, reply.text);
      assert.ok(!reply.text.includes(newKey));
      const updated = obj(reply.body);
      assert.equal(updated['masked_value'], 'sk-...2222');
      assertOnlyChanged(created, updated, ['masked_value']);
      // The running config sees the new value right away.
      const credential = gw.app.snapshots.current.credentialsBySecretName.get(name);
      assert.equal(credential?.apiKey, newKey);
    });

    it('PATCH auth_config changes only auth_config, trimming the trailing slash of api_base', async () => {
      const name = uniqueName('authcfg');
      const created = await createSecret(gw, name);
      await sleep(5);
      const updated = await patch(gw, 'secrets', name, {
        auth_config: { api_base: 'https://proxy.example.test/v1/', organization: 'org-1' },
      });
      assert.deepEqual(updated['auth_config'], {
        api_base: 'https://proxy.example.test/v1',
        organization: 'org-1',
      });
      assertOnlyChanged(created, updated, ['auth_config']);
    });

    it('PATCH with the same provider it already has is accepted', async () => {
      const name = uniqueName('sameprov');
      await createSecret(gw, name, 'groq');
      const updated = await patch(gw, 'secrets', name, { provider: 'groq' });
      assert.equal(updated['provider'], 'groq');
    });

    it('DELETE by id answers 204, then GET, PATCH and DELETE answer 404', async () => {
      const name = uniqueName('del');
      const created = await createSecret(gw, name);
      const id = str(created['id']);
      await remove(gw, 'secrets', id);
      assertError(await gw.call('GET', `/api/v1/secrets/${id}`), 404, id);
      assertError(await gw.call('GET', `/api/v1/secrets/${name}`), 404, name);
      assertError(await gw.call('PATCH', `/api/v1/secrets/${id}`, { name: 'x' }), 404, id);
      assertError(await gw.call('DELETE', `/api/v1/secrets/${id}`), 404, id);
    });

    it('DELETE by name answers 204', async () => {
      const name = uniqueName('delname');
      await createSecret(gw, name);
      await remove(gw, 'secrets', name);
      assertError(await gw.call('GET', `/api/v1/secrets/${name}`), 404);
    });

    it('frees the name of a deleted secret for reuse', async () => {
      const name = uniqueName('reuse');
      const first = await createSecret(gw, name);
      await remove(gw, 'secrets', name);
      const second = await createSecret(gw, name);
      assert.notEqual(second['id'], first['id']);
    });
  });

  describe('values and auth_config', () => {
    it('keeps !PASSTHRU visible as such', async () => {
      const name = uniqueName('passthru');
      const secret = await createSecret(gw, name, 'anthropic', '!PASSTHRU');
      assert.equal(secret['masked_value'], '!PASSTHRU');
      assert.equal((await get(gw, 'secrets', name))['masked_value'], '!PASSTHRU');
      assert.equal(gw.app.snapshots.current.credentialsBySecretName.get(name)?.passthrough, true);
    });

    it('masks a short key without showing any of it', async () => {
      const secret = await createSecret(gw, uniqueName('short'), 'openai', 'sk-short');
      const masked = str(secret['masked_value']);
      assert.ok(!masked.includes('short'), masked);
    });

    it('trims trailing slashes from auth_config.api_base on create', async () => {
      const secret = await create(gw, 'secrets', {
        name: uniqueName('slash'),
        provider: 'azure',
        value: { api_key: 'azure-key-0123456789' },
        auth_config: { api_base: 'https://my-resource.openai.azure.com/', api_version: '2024-10-21' },
      });
      assert.deepEqual(secret['auth_config'], {
        api_base: 'https://my-resource.openai.azure.com',
        api_version: '2024-10-21',
      });
    });

    it('accepts a provider that needs no key without a value', async () => {
      const secret = await create(gw, 'secrets', {
        name: uniqueName('ollama'),
        provider: 'ollama',
      });
      assert.equal(secret['provider'], 'ollama');
      assert.equal(secret['masked_value'], '');
    });

    it('accepts openai-compatible with an api_base', async () => {
      const secret = await create(gw, 'secrets', {
        name: uniqueName('compat'),
        provider: 'openai-compatible',
        value: { api_key: 'local-key-0123456789' },
        auth_config: { api_base: 'http://127.0.0.1:8000/v1' },
      });
      assert.deepEqual(secret['auth_config'], { api_base: 'http://127.0.0.1:8000/v1' });
    });

    it('accepts a 128-character name', async () => {
      const name = 'n'.repeat(128);
      const secret = await createSecret(gw, name);
      assert.equal(secret['name'], name);
    });
  });

  describe('bad input on create is refused with the field named and changes nothing', () => {
    const key = { api_key: 'sk-valid-0123456789abc' };
    const raw = (text: string) => () => gw.call('POST', '/api/v1/secrets', text);

    it('invalid JSON', async () => {
      const error = await assertRefused(gw, raw('{"name": "x", '), 400);
      assert.match(error.message, /JSON/);
    });
    it('empty body', async () => {
      const error = await assertRefused(gw, () => gw.call('POST', '/api/v1/secrets'), 400);
      assert.match(error.message, /body/);
    });
    it('a JSON array as the body', async () => {
      const error = await assertRefused(gw, post([{ name: 'x', provider: 'openai', value: key }]), 400);
      assert.match(error.message, /body/);
    });
    it('a JSON string as the body', async () => {
      const error = await assertRefused(gw, raw('"hello"'), 400);
      assert.match(error.message, /body/);
    });
    it('name as a number', async () => {
      await assertRefused(gw, post({ name: 42, provider: 'openai', value: key }), 400, 'name');
    });
    it('name missing', async () => {
      await assertRefused(gw, post({ provider: 'openai', value: key }), 400, 'name');
    });
    it('name with spaces', async () => {
      await assertRefused(gw, post({ name: 'has spaces', provider: 'openai', value: key }), 400, 'name');
    });
    it('name of 129 characters', async () => {
      await assertRefused(gw, post({ name: 'n'.repeat(129), provider: 'openai', value: key }), 400, 'name');
    });
    it('empty name', async () => {
      await assertRefused(gw, post({ name: '', provider: 'openai', value: key }), 400, 'name');
    });
    it('name with a slash', async () => {
      await assertRefused(gw, post({ name: 'a/b', provider: 'openai', value: key }), 400, 'name');
    });
    it('value.api_key as a number', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: { api_key: 12345 } }),
        400,
        'value.api_key',
      );
    });
    it('value.api_key empty', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: { api_key: '' } }),
        400,
        'value.api_key',
      );
    });
    it('value missing for a provider that needs a key', async () => {
      await assertRefused(gw, post({ name: uniqueName('bad'), provider: 'openai' }), 400, 'value');
    });
    it('value as a string', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: 'sk-abc' }),
        400,
        'value',
      );
    });
    it('unknown field inside value', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: { api_key: 'sk-x', token: 'y' } }),
        400,
        'value.token',
      );
    });
    it('unknown top-level field', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: key, colour: 'blue' }),
        400,
        'colour',
      );
    });
    it('unknown provider', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'nope', value: key }),
        400,
        'provider',
      );
    });
    it('provider missing', async () => {
      await assertRefused(gw, post({ name: uniqueName('bad'), value: key }), 400, 'provider');
    });
    it('provider as a number', async () => {
      await assertRefused(gw, post({ name: uniqueName('bad'), provider: 7, value: key }), 400, 'provider');
    });
    it('azure without auth_config.api_base', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'azure', value: key, auth_config: { api_version: 'x' } }),
        400,
        'auth_config.api_base',
      );
    });
    it('azure with no auth_config at all', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'azure', value: key }),
        400,
        'auth_config.api_base',
      );
    });
    it('openai-compatible without auth_config.api_base', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai-compatible', value: key }),
        400,
        'auth_config.api_base',
      );
    });
    it('a non-http api_base', async () => {
      await assertRefused(
        gw,
        post({
          name: uniqueName('bad'),
          provider: 'openai',
          value: key,
          auth_config: { api_base: 'ftp://files.example.test/v1' },
        }),
        400,
        'auth_config.api_base',
      );
    });
    it('an api_base that is not a URL', async () => {
      await assertRefused(
        gw,
        post({
          name: uniqueName('bad'),
          provider: 'openai',
          value: key,
          auth_config: { api_base: 'api.openai' },
        }),
        400,
        'auth_config.api_base',
      );
    });
    it('auth_config as an array', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: key, auth_config: ['x'] }),
        400,
        'auth_config',
      );
    });
    it('an auth_config value that is not a string', async () => {
      await assertRefused(
        gw,
        post({ name: uniqueName('bad'), provider: 'openai', value: key, auth_config: { organization: 5 } }),
        400,
        'auth_config.organization',
      );
    });
  });

  describe('bad input on PATCH is refused and changes nothing', () => {
    let name: string;
    before(async () => {
      name = uniqueName('patchbad');
      await createSecret(gw, name);
      await create(gw, 'secrets', {
        name: `${name}-azure`,
        provider: 'azure',
        value: { api_key: 'azure-key-0123456789' },
        auth_config: { api_base: 'https://r.openai.azure.com' },
      });
    });
    const send = (body: unknown, ref?: string) => () =>
      gw.call('PATCH', `/api/v1/secrets/${ref ?? name}`, body);

    it('invalid JSON', async () => {
      await assertRefused(gw, send('{oops'), 400);
    });
    it('empty body', async () => {
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/secrets/${name}`), 400);
    });
    it('a JSON array', async () => {
      await assertRefused(gw, send([]), 400);
    });
    it('name as a number', async () => {
      await assertRefused(gw, send({ name: 1 }), 400, 'name');
    });
    it('bad name', async () => {
      await assertRefused(gw, send({ name: 'white space' }), 400, 'name');
    });
    it('value.api_key as a number', async () => {
      await assertRefused(gw, send({ value: { api_key: 9 } }), 400, 'value.api_key');
    });
    it('value without api_key for a provider that needs one', async () => {
      await assertRefused(gw, send({ value: {} }), 400, 'value.api_key');
    });
    it('an attempt to change the provider', async () => {
      await assertRefused(gw, send({ provider: 'anthropic' }), 400, 'provider');
    });
    it('unknown top-level field', async () => {
      await assertRefused(gw, send({ masked_value: 'sk-...abcd' }), 400, 'masked_value');
    });
    it('azure auth_config without api_base', async () => {
      await assertRefused(gw, send({ auth_config: { api_version: 'v' } }, `${name}-azure`), 400, 'api_base');
    });
    it('a non-http api_base', async () => {
      await assertRefused(gw, send({ auth_config: { api_base: 'file:///etc/passwd' } }), 400, 'api_base');
    });
  });

  describe('conflicts and references', () => {
    it('refuses a taken name on create with 409', async () => {
      const name = uniqueName('taken');
      await createSecret(gw, name);
      const error = await assertRefused(
        gw,
        post({ name, provider: 'anthropic', value: { api_key: 'sk-ant-0123456789abc' } }),
        409,
        name,
      );
      assert.equal(error.type, 'conflict');
    });

    it('refuses a rename to a taken name with 409', async () => {
      const a = uniqueName('ren-a');
      const b = uniqueName('ren-b');
      await createSecret(gw, a);
      await createSecret(gw, b);
      await assertRefused(gw, () => gw.call('PATCH', `/api/v1/secrets/${b}`, { name: a }), 409, a);
      assert.equal((await get(gw, 'secrets', b))['name'], b);
    });

    it('refuses to delete a secret a model uses, naming the model (409), by name and by id', async () => {
      const secret = uniqueName('used');
      const created = await createSecret(gw, secret);
      const model = uniqueName('user-model');
      await createModel(gw, model, secret);
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/secrets/${secret}`), 409, model);
      await assertRefused(gw, () => gw.call('DELETE', `/api/v1/secrets/${str(created['id'])}`), 409, model);
      // Once the model is gone, the secret can go.
      await remove(gw, 'models', model);
      await remove(gw, 'secrets', secret);
    });

    it('answers 404 for an unknown ref on GET, PATCH and DELETE, changing nothing', async () => {
      for (const ref of ['no-such-secret', 'sec_00000000000000000000000000']) {
        assertError(await gw.call('GET', `/api/v1/secrets/${ref}`), 404, ref);
        await assertRefused(gw, () => gw.call('PATCH', `/api/v1/secrets/${ref}`, { name: 'zzz' }), 404, ref);
        await assertRefused(gw, () => gw.call('DELETE', `/api/v1/secrets/${ref}`), 404, ref);
      }
    });

    it('serves concurrent creates: distinct names all succeed, one shared name succeeds once', async () => {
      const names = Array.from({ length: 8 }, () => uniqueName('par'));
      const replies = await Promise.all(
        names.map((name) =>
          gw.call('POST', '/api/v1/secrets', {
            name,
            provider: 'openai',
            value: { api_key: 'sk-par-0123456789' },
          }),
        ),
      );
      assert.deepEqual(
        replies.map((r) => r.status),
        names.map(() => 201),
      );
      const shared = uniqueName('race');
      const raced = await Promise.all(
        Array.from({ length: 6 }, () =>
          gw.call('POST', '/api/v1/secrets', {
            name: shared,
            provider: 'openai',
            value: { api_key: 'sk-race-0123456789' },
          }),
        ),
      );
      const statuses = raced.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409]);
      const state = await adminState(gw);
      assert.equal(state.secrets.filter((s) => obj(s)['name'] === shared).length, 1);
    });
  });
});

describe('admin API: secrets under SWITCHYARD_ALLOWED_PROVIDERS', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ SWITCHYARD_ALLOWED_PROVIDERS: 'openai,anthropic' });
  });
  after(async () => {
    await gw.close();
  });

  it('refuses a secret for a provider outside the list, naming provider, and changes nothing', async () => {
    const error = await assertRefused(
      gw,
      () =>
        gw.call('POST', '/api/v1/secrets', {
          name: 'gem',
          provider: 'gemini',
          value: { api_key: 'AIza-0123456789abcdef' },
        }),
      400,
      'provider',
    );
    assert.match(error.message, /gemini/);
  });

  it('accepts the providers on the list', async () => {
    await createSecret(gw, 'oa', 'openai');
    await createSecret(gw, 'an', 'anthropic');
  });

  it('refuses a model for a provider outside the list', async () => {
    await assertRefused(
      gw,
      () =>
        gw.call('POST', '/api/v1/models', {
          name: 'gem-model',
          provider: 'gemini',
          model_name: 'gemini-2.0-flash',
          secret: 'oa',
        }),
      400,
      'provider',
    );
  });
});

describe('names shaped like ids', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('are refused, since an id would shadow them in {ref} lookups', async () => {
    const reply = await gw.call('POST', '/api/v1/secrets', {
      name: 'sec_01m8036x0n00pn0e6m00cvre',
      provider: 'openai',
      value: { api_key: 'sk-1234567890abcdef' },
    });
    assert.equal(reply.status, 400);
    assert.match(
      (reply.body as { error: { message: string } }).error.message,
      /^name: must not look like a server-made id/,
    );
  });
});

describe('auth_config fields', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
  });

  it('refuses a field the provider does not take (a typo would silently fall back to the default base)', async () => {
    const reply = await gw.call('POST', '/api/v1/secrets', {
      name: 'typo',
      provider: 'openai',
      value: { api_key: 'sk-typo-1234567890' },
      auth_config: { api_bsae: 'http://127.0.0.1:9/v1' },
    });
    assert.equal(reply.status, 400);
    const error = (reply.body as { error: { message: string; param: string } }).error;
    assert.equal(error.param, 'auth_config.api_bsae');
    assert.match(
      error.message,
      /unknown field for provider 'openai' \(allowed: api_base, organization, project\)/,
    );
    assert.equal((await gw.call('GET', '/api/v1/secrets/typo')).status, 404);
  });
});
