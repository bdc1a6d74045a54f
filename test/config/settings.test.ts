import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProviderAllowed, loadSettings } from '../../src/config/settings.ts';

describe('settings', () => {
  it('has the contract defaults', () => {
    const s = loadSettings({});
    assert.equal(s.host, '127.0.0.1');
    assert.equal(s.port, 8080);
    assert.equal(s.databaseUrl, 'sqlite:./.switchyard/switchyard.db');
    assert.equal(s.shutdownGraceMs, 30000);
    assert.equal(s.auth, 'off');
    assert.equal(s.allowedProviders, null);
    assert.equal(s.maxBodyBytes, 32 * 1024 * 1024);
    assert.equal(s.logLevel, 'info');
  });

  it('reads every variable', () => {
    const s = loadSettings({
      SWITCHYARD_HOST: '0.0.0.0',
      SWITCHYARD_PORT: '9000',
      SWITCHYARD_DATABASE_URL: 'postgres://x@y/z',
      SWITCHYARD_REDIS_URL: 'redis://127.0.0.1:6379',
      SWITCHYARD_MASTER_KEY_PREVIOUS: 'a, b',
      SWITCHYARD_SHUTDOWN_GRACE_MS: '5',
      SWITCHYARD_ADMIN_TOKEN: 't',
      SWITCHYARD_AUTH: 'off',
      SWITCHYARD_ALLOWED_PROVIDERS: 'openai, anthropic',
      SWITCHYARD_LOG_LEVEL: 'debug',
      SWITCHYARD_MAX_BODY_BYTES: '2048',
    });
    assert.equal(s.port, 9000);
    assert.deepEqual(s.previousMasterKeys, ['a', 'b']);
    assert.equal(s.auth, 'off');
    assert.ok(isProviderAllowed(s, 'anthropic'));
    assert.ok(!isProviderAllowed(s, 'gemini'));
    assert.equal(s.maxBodyBytes, 2048);
  });

  for (const [variable, value, message] of [
    ['SWITCHYARD_PORT', 'eighty', /SWITCHYARD_PORT: expected a whole number/],
    ['SWITCHYARD_PORT', '70000', /SWITCHYARD_PORT: must be between/],
    ['SWITCHYARD_AUTH', 'maybe', /SWITCHYARD_AUTH/],
    ['SWITCHYARD_AUTH', 'keys', /SWITCHYARD_AUTH: 'keys' is not available in this version yet/],
    ['SWITCHYARD_LOG_LEVEL', 'loud', /SWITCHYARD_LOG_LEVEL/],
    ['SWITCHYARD_ALLOWED_PROVIDERS', 'openai,acme', /unknown provider 'acme'/],
    ['SWITCHYARD_SHUTDOWN_GRACE_MS', '-1', /SWITCHYARD_SHUTDOWN_GRACE_MS/],
    ['SWITCHYARD_REDIS_URL', 'not a url', /SWITCHYARD_REDIS_URL: is not a URL/],
    [
      'SWITCHYARD_REDIS_URL',
      'http://127.0.0.1:6379',
      /SWITCHYARD_REDIS_URL: expected redis:\/\/ or rediss:\/\//,
    ],
  ] as const) {
    it(`refuses ${variable}=${value}`, () => {
      assert.throws(() => loadSettings({ [variable]: value }), message);
    });
  }
});
