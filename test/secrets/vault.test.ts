import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadVault } from '../../src/secrets/master-key.ts';
import { masterKeyId, parseMasterKey, Vault, VaultError } from '../../src/secrets/vault.ts';

const key = () => randomBytes(32);

describe('vault', () => {
  it('seals and opens a value, with the plaintext nowhere in what is stored', () => {
    const vault = new Vault(key());
    const sealed = vault.seal('sec_1', { api_key: 'sk-plaintext-value' });
    assert.deepEqual(vault.open('sec_1', sealed), { api_key: 'sk-plaintext-value' });
    const stored = JSON.stringify(sealed);
    assert.ok(!stored.includes('sk-plaintext-value'));
    assert.ok(!stored.includes(Buffer.from('sk-plaintext-value').toString('base64')));
    assert.equal(sealed.keyId, vault.currentKeyId);
  });

  it('uses a fresh data key and iv each time', () => {
    const vault = new Vault(key());
    const a = vault.seal('sec_1', { api_key: 'same' });
    const b = vault.seal('sec_1', { api_key: 'same' });
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.notEqual(a.wrappedKey, b.wrappedKey);
  });

  it('binds the ciphertext to the secret id', () => {
    const vault = new Vault(key());
    const sealed = vault.seal('sec_1', { api_key: 'x' });
    assert.throws(() => vault.open('sec_2', sealed), VaultError);
  });

  it('detects tampering', () => {
    const vault = new Vault(key());
    const sealed = vault.seal('sec_1', { api_key: 'x' });
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 20]! ^= 1;
    assert.throws(() => vault.open('sec_1', { ...sealed, ciphertext: bytes.toString('base64') }), VaultError);
  });

  it('opens secrets wrapped by a previous key and re-wraps them under the current one', () => {
    const oldKey = key();
    const newKey = key();
    const sealed = new Vault(oldKey).seal('sec_1', { api_key: 'rotating' });
    const rotating = new Vault(newKey, [oldKey]);
    assert.deepEqual(rotating.open('sec_1', sealed), { api_key: 'rotating' });
    const rewrapped = rotating.rewrap('sec_1', sealed);
    assert.ok(rewrapped);
    assert.equal(rewrapped.keyId, masterKeyId(newKey));
    assert.equal(rewrapped.ciphertext, sealed.ciphertext);
    assert.equal(rotating.rewrap('sec_1', rewrapped), null);
    assert.deepEqual(new Vault(newKey).open('sec_1', rewrapped), { api_key: 'rotating' });
  });

  it('says which key is missing when a secret was wrapped by an unknown key', () => {
    const sealed = new Vault(key()).seal('sec_1', { api_key: 'x' });
    assert.throws(() => new Vault(key()).open('sec_1', sealed), /neither SWITCHYARD_MASTER_KEY nor/);
  });

  it('refuses a master key that is not 32 bytes of base64', () => {
    assert.throws(() => parseMasterKey('c2hvcnQ='), /32 random bytes/);
    assert.equal(parseMasterKey(key().toString('base64')).length, 32);
  });

  it('generates a dev master key with mode 0600 and a warning, then reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-key-'));
    try {
      const warnings: string[] = [];
      const first = loadVault({ masterKey: null, previousMasterKeys: [], dataDir: dir }, (m) =>
        warnings.push(m),
      );
      const file = join(dir, 'master.key');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
      assert.match(warnings[0]!, /SWITCHYARD_MASTER_KEY is not set: generated/);
      const second = loadVault({ masterKey: null, previousMasterKeys: [], dataDir: dir }, (m) =>
        warnings.push(m),
      );
      assert.equal(second.currentKeyId, first.currentKeyId);
      assert.match(warnings[1]!, /using the development master key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
