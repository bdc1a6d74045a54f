// Provider keys must never leave the vault in readable form: not in any admin API reply,
// not in the database files (db, -wal, -shm), not in the logs.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type JsonReply, startGateway, type TestGateway } from '../support/gateway.ts';
import { arr, assertError, obj } from './admin-helpers.ts';

function leakKey(): string {
  return `sk-LEAKCHECK-${randomBytes(16).toString('hex')}`;
}

/** Every encoding of `key` that would make it readable from raw bytes. */
function encodings(key: string): Buffer[] {
  const utf8 = Buffer.from(key, 'utf8');
  return [
    utf8,
    Buffer.from(utf8.toString('base64').replace(/=+$/, ''), 'utf8'),
    Buffer.from(utf8.toString('base64url'), 'utf8'),
    Buffer.from(utf8.toString('hex'), 'utf8'),
    Buffer.from(key, 'utf16le'),
    // The distinctive middle of the key, in case it is stored split or truncated.
    Buffer.from(key.slice(13, 29), 'utf8'),
  ];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

describe('secret values do not leak', () => {
  let gw: TestGateway;
  const keys = { first: leakKey(), patched: leakKey(), anthropic: leakKey(), azure: leakKey() };
  const replies: JsonReply[] = [];
  async function call(method: string, path: string, body?: unknown): Promise<JsonReply> {
    const reply = await gw.call(method, path, body);
    replies.push(reply);
    return reply;
  }

  before(async () => {
    gw = await startGateway({ SWITCHYARD_LOG_LEVEL: 'trace' });
    const ok = (reply: JsonReply, status: number) => assert.equal(reply.status, status, reply.text);
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'leak-openai',
        provider: 'openai',
        value: { api_key: keys.first },
      }),
      201,
    );
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'leak-anthropic',
        provider: 'anthropic',
        value: { api_key: keys.anthropic },
      }),
      201,
    );
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'leak-azure',
        provider: 'azure',
        value: { api_key: keys.azure },
        auth_config: { api_base: 'https://leak.openai.azure.com/' },
      }),
      201,
    );
    ok(await call('PATCH', '/api/v1/secrets/leak-openai', { value: { api_key: keys.patched } }), 200);
    ok(await call('PATCH', '/api/v1/secrets/leak-anthropic', { name: 'leak-anthropic-2' }), 200);
    ok(await call('GET', '/api/v1/secrets'), 200);
    ok(await call('GET', '/api/v1/secrets/leak-openai'), 200);
    ok(await call('GET', '/api/v1/secrets/leak-azure'), 200);
    ok(
      await call('POST', '/api/v1/models', {
        name: 'leak-model',
        provider: 'openai',
        model_name: 'gpt-4o',
        secret: 'leak-openai',
      }),
      201,
    );
    ok(await call('POST', '/api/v1/endpoints', { name: 'leak-ep', models: [{ model: 'leak-model' }] }), 201);
    ok(await call('GET', '/api/v1/models'), 200);
    ok(await call('GET', '/api/v1/endpoints'), 200);
    // Refused writes that carry a key in a well-formed body.
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'bad name',
        provider: 'openai',
        value: { api_key: keys.first },
      }),
      400,
    );
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'leak-openai',
        provider: 'openai',
        value: { api_key: keys.first },
      }),
      409,
    );
    ok(
      await call('POST', '/api/v1/secrets', { name: 'x', provider: 'nope', value: { api_key: keys.first } }),
      400,
    );
    ok(
      await call('POST', '/api/v1/secrets', {
        name: 'x',
        provider: 'openai',
        value: { api_key: keys.first, extra: keys.first },
      }),
      400,
    );
    ok(
      await call('PATCH', '/api/v1/secrets/leak-openai', {
        provider: 'anthropic',
        value: { api_key: keys.first },
      }),
      400,
    );
    ok(await call('PATCH', '/api/v1/secrets/missing', { value: { api_key: keys.first } }), 404);
    ok(await call('DELETE', '/api/v1/secrets/leak-openai'), 409);
  });
  after(async () => {
    await gw.close();
  });

  it('the running config holds the decrypted keys (so the check below is meaningful)', () => {
    const credentials = gw.app.snapshots.current.credentialsBySecretName;
    assert.equal(credentials.get('leak-openai')?.apiKey, keys.patched);
    assert.equal(credentials.get('leak-anthropic-2')?.apiKey, keys.anthropic);
    assert.equal(credentials.get('leak-azure')?.apiKey, keys.azure);
  });

  it('no admin API reply contains any key', () => {
    assert.ok(replies.length > 10);
    for (const reply of replies) {
      for (const key of Object.values(keys)) {
        for (const needle of encodings(key)) {
          assert.ok(!reply.text.includes(needle.toString('utf8')), `reply leaks a key: ${reply.text}`);
        }
      }
    }
  });

  it('the listed secrets show masks only', async () => {
    const list = await gw.call('GET', '/api/v1/secrets');
    const masks = arr(obj(list.body)['data']).map((s) => obj(s)['masked_value']);
    for (const mask of masks) assert.match(String(mask), /^sk-\.\.\.[0-9a-f]{4}$/);
  });

  it('no file under the data directory (database, -wal, -shm) contains any key in any encoding', () => {
    const files = filesUnder(gw.dir);
    assert.ok(
      files.some((f) => f.endsWith('.db')),
      `no database file in ${files.join(', ')}`,
    );
    let sawName = false;
    for (const file of files) {
      const bytes = readFileSync(file);
      if (bytes.includes(Buffer.from('leak-azure'))) sawName = true;
      for (const [label, key] of Object.entries(keys)) {
        for (const needle of encodings(key)) {
          assert.equal(
            bytes.indexOf(needle),
            -1,
            `${file} holds the ${label} key (${needle.toString('utf8')})`,
          );
        }
      }
    }
    // The files read are the live ones: the secret names (not secret) are in them.
    assert.ok(sawName, 'the secret names should be found in the database files');
  });

  it('no log line contains any key', () => {
    assert.ok(gw.logs.length > 0);
    const all = gw.logs.join('');
    for (const [label, key] of Object.entries(keys)) {
      for (const needle of encodings(key)) {
        assert.ok(!all.includes(needle.toString('utf8')), `the logs hold the ${label} key`);
      }
    }
  });

  it('a malformed JSON body does not echo any part of the key in the error', {}, async () => {
    const key = leakKey();
    // What a shell script sends when a variable is not quoted: the key becomes a bare token.
    const reply = await gw.call(
      'POST',
      '/api/v1/secrets',
      `{"name":"shell","provider":"openai","value":{"api_key":${key}}}`,
    );
    assertError(reply, 400);
    // The mask shows `sk-` and the last 4 characters; nothing else of the key may come back.
    assert.ok(!reply.text.includes(key.slice(3, 8)), `the error echoes part of the key: ${reply.text}`);
  });
});
