// GET /api/v1/providers: the contract's 14 providers with dialect and fields.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { arr, assertError, type Json, obj, str } from './admin-helpers.ts';

const CONTRACT_PROVIDERS = [
  'openai',
  'azure',
  'anthropic',
  'gemini',
  'mistral',
  'groq',
  'deepseek',
  'xai',
  'openrouter',
  'together',
  'fireworks',
  'ollama',
  'vllm',
  'openai-compatible',
];

describe('admin API: providers', () => {
  let gw: TestGateway;
  let providers: Map<string, Json>;
  before(async () => {
    gw = await startGateway();
    const reply = await gw.call('GET', '/api/v1/providers');
    assert.equal(reply.status, 200, reply.text);
    const body = obj(reply.body);
    assert.equal(body['next_cursor'], null);
    providers = new Map(arr(body['data']).map((p) => [str(obj(p)['name']), obj(p)]));
  });
  after(async () => {
    await gw.close();
  });

  it('lists exactly the 14 providers of the contract', () => {
    assert.deepEqual([...providers.keys()].sort(), [...CONTRACT_PROVIDERS].sort());
  });

  it('gives every provider a dialect, a display name, credential fields and config fields', () => {
    for (const [name, p] of providers) {
      assert.ok(['openai', 'anthropic', 'gemini'].includes(str(p['dialect'])), `${name}: dialect`);
      assert.ok(str(p['display_name']).length > 0, `${name}: display_name`);
      const credentials = arr(p['credential_fields']).map((f) => obj(f));
      assert.ok(
        credentials.some((f) => f['name'] === 'api_key' && typeof f['required'] === 'boolean'),
        `${name}: api_key credential field`,
      );
      const config = arr(p['config_fields']).map((f) => obj(f));
      const apiBase = config.find((f) => f['name'] === 'api_base');
      assert.ok(apiBase, `${name}: api_base config field`);
      for (const field of [...credentials, ...config]) {
        assert.equal(typeof field['name'], 'string');
        assert.equal(typeof field['required'], 'boolean');
        assert.equal(typeof field['description'], 'string');
      }
      assert.equal(typeof p['native_responses'], 'boolean');
    }
  });

  it('has the right dialect for each provider', () => {
    const dialect = (name: string) => providers.get(name)?.['dialect'];
    assert.equal(dialect('anthropic'), 'anthropic');
    assert.equal(dialect('gemini'), 'gemini');
    for (const name of CONTRACT_PROVIDERS.filter((n) => n !== 'anthropic' && n !== 'gemini')) {
      assert.equal(dialect(name), 'openai', name);
    }
  });

  it('follows each SDK convention for the default api_base', () => {
    const base = (name: string) => providers.get(name)?.['default_api_base'];
    assert.equal(base('openai'), 'https://api.openai.com/v1');
    assert.equal(base('anthropic'), 'https://api.anthropic.com');
    assert.equal(base('gemini'), 'https://generativelanguage.googleapis.com');
    assert.equal(base('azure'), null);
    assert.equal(base('openai-compatible'), null);
  });

  it('marks api_base required exactly where there is no default', () => {
    for (const [name, p] of providers) {
      const apiBase = arr(p['config_fields'])
        .map((f) => obj(f))
        .find((f) => f['name'] === 'api_base');
      assert.equal(apiBase?.['required'], p['default_api_base'] === null, name);
    }
  });

  it('serves Responses natively only for openai and azure', () => {
    const native = [...providers].filter(([, p]) => p['native_responses'] === true).map(([n]) => n);
    assert.deepEqual(native.sort(), ['azure', 'openai']);
  });

  it('needs no api_key for the local servers', () => {
    const keyRequired = (name: string) =>
      arr(providers.get(name)?.['credential_fields'])
        .map((f) => obj(f))
        .find((f) => f['name'] === 'api_key')?.['required'];
    assert.equal(keyRequired('ollama'), false);
    assert.equal(keyRequired('vllm'), false);
    assert.equal(keyRequired('openai'), true);
  });

  it('answers 405 to a write', async () => {
    assertError(await gw.call('POST', '/api/v1/providers', { name: 'x' }), 405);
  });
});
