import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { newMasterKey, startGateway } from '../support/gateway.ts';

describe('switchyard rotate-master-key', () => {
  let dir: string;
  let dbUrl: string;
  const oldKey = newMasterKey();
  const newKey = newMasterKey();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-rotate-'));
    dbUrl = `sqlite:${join(dir, 'db.sqlite')}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('re-wraps every secret while a gateway with both keys keeps serving them', async () => {
    const before = await startGateway({ SWITCHYARD_DATABASE_URL: dbUrl, SWITCHYARD_MASTER_KEY: oldKey });
    for (let i = 0; i < 3; i++) {
      const created = await before.call('POST', '/api/v1/secrets', {
        name: `s${i}`,
        provider: 'anthropic',
        value: { api_key: `sk-ant-rotate-${i}-1234567890` },
      });
      assert.equal(created.status, 201);
    }
    await before.close();

    // Rolling restart: the replica now has the new key and the old one as previous.
    const during = await startGateway({
      SWITCHYARD_DATABASE_URL: dbUrl,
      SWITCHYARD_MASTER_KEY: newKey,
      SWITCHYARD_MASTER_KEY_PREVIOUS: oldKey,
    });
    try {
      assert.deepEqual(during.app.snapshots.current.problems, []);
      assert.equal(
        during.app.snapshots.current.credentialsBySecretName.get('s1')?.apiKey,
        'sk-ant-rotate-1-1234567890',
      );

      const refused = await runCli(['rotate-master-key'], dbUrl, { SWITCHYARD_MASTER_KEY: '' });
      assert.equal(refused.code, 2);

      const rotated = await runCli(['rotate-master-key'], dbUrl, {
        SWITCHYARD_MASTER_KEY: newKey,
        SWITCHYARD_MASTER_KEY_PREVIOUS: oldKey,
      });
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /re-wrapped 3 secret\(s\)/);

      await during.app.snapshots.refresh();
      assert.deepEqual(during.app.snapshots.current.problems, []);
      assert.equal(during.app.snapshots.current.credentialsBySecretName.size, 3);

      const again = await runCli(['rotate-master-key'], dbUrl, { SWITCHYARD_MASTER_KEY: newKey });
      assert.match(again.stdout, /re-wrapped 0 secret\(s\) under the current master key; 3 already were/);
    } finally {
      await during.close();
    }

    // The old key is dropped: everything still decrypts.
    const afterwards = await startGateway({ SWITCHYARD_DATABASE_URL: dbUrl, SWITCHYARD_MASTER_KEY: newKey });
    try {
      assert.deepEqual(afterwards.app.snapshots.current.problems, []);
      assert.equal(
        afterwards.app.snapshots.current.credentialsBySecretName.get('s2')?.apiKey,
        'sk-ant-rotate-2-1234567890',
      );
    } finally {
      await afterwards.close();
    }
  });

  it('reports secrets a gateway cannot decrypt instead of failing to start', async () => {
    const stranger = await startGateway({
      SWITCHYARD_DATABASE_URL: dbUrl,
      SWITCHYARD_MASTER_KEY: newMasterKey(),
    });
    try {
      assert.equal(stranger.app.snapshots.current.problems.length, 3);
      assert.match(stranger.app.snapshots.current.problems[0]!, /neither SWITCHYARD_MASTER_KEY nor/);
      assert.ok(stranger.logs.some((line) => line.includes('configuration problem')));
    } finally {
      await stranger.close();
    }
  });
});
