import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../src/core/errors.ts';
import { newId } from '../../src/core/ids.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { EndpointRecord, ModelRecord, SecretRecord } from '../../src/store/records.ts';
import type { Store } from '../../src/store/store.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase } from '../support/postgres.ts';

const now = () => new Date().toISOString();

function secret(name: string): SecretRecord {
  return {
    id: newId('sec'),
    name,
    provider: 'openai',
    sealed: { ciphertext: 'c', wrappedKey: 'w', keyId: 'k' },
    maskedValue: 'sk-...abcd',
    authConfig: { api_base: 'http://127.0.0.1:1/v1' },
    createdAt: now(),
    updatedAt: now(),
  };
}

function model(name: string, secretId: string): ModelRecord {
  return {
    id: newId('mdl'),
    name,
    provider: 'openai',
    modelName: `${name}-upstream`,
    secretId,
    pricing: { input_per_mtok: 1, output_per_mtok: 2 },
    createdAt: now(),
    updatedAt: now(),
  };
}

function endpoint(name: string, targets: EndpointRecord['targets']): EndpointRecord {
  return {
    id: newId('ep'),
    name,
    policy: {
      routing: 'first',
      fallback: null,
      retry: { attempts: 2 },
      timeouts: null,
      usage_tracking: true,
    },
    targets,
    createdAt: now(),
    updatedAt: now(),
  };
}

interface Backend {
  name: string;
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
      return {
        url: `sqlite:${join(dir, 'store.db')}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const db = await createTestDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
];

for (const backend of backends) {
  describe(`store on ${backend.name}`, () => {
    let store: Store;
    let url: string;
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ url, cleanup } = await backend.open());
      store = await openStore(url);
      assert.deepEqual(await store.migrate(), [1]);
    });

    after(async () => {
      await store.close();
      await cleanup();
    });

    it('applies migrations once when two processes migrate a fresh database at the same time', async () => {
      const fresh = await backend.open();
      try {
        const results = await Promise.all([runCli(['migrate'], fresh.url), runCli(['migrate'], fresh.url)]);
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        const check = await openStore(fresh.url);
        assert.deepEqual(await check.migrate(), []);
        assert.equal(await check.configVersion(), 0);
        await check.close();
      } finally {
        await fresh.cleanup();
      }
    });

    it('creates, finds by id and by name, updates and deletes a secret', async () => {
      const s = secret('find-me');
      await store.write((w) => w.insertSecret(s));
      assert.deepEqual(await store.read((r) => r.findSecret(s.id)), s);
      assert.deepEqual(await store.read((r) => r.findSecret('find-me')), s);
      await store.write((w) => w.updateSecret({ ...s, name: 'found', authConfig: {} }));
      const updated = await store.read((r) => r.findSecret(s.id));
      assert.equal(updated?.name, 'found');
      assert.deepEqual(updated?.authConfig, {});
      await store.write((w) => w.deleteSecret(s.id));
      assert.equal(await store.read((r) => r.findSecret(s.id)), null);
    });

    it('answers a taken name with a conflict error', async () => {
      await store.write((w) => w.insertSecret(secret('taken')));
      await assert.rejects(
        store.write((w) => w.insertSecret(secret('taken'))),
        (error: unknown) =>
          error instanceof GatewayError && error.code === 'conflict' && /taken/.test(error.message),
      );
    });

    it('rolls back every row of a failed write and leaves the config version alone', async () => {
      const before = await store.configVersion();
      const s = secret('half-written');
      await assert.rejects(
        store.write(async (w) => {
          await w.insertSecret(s);
          await w.insertModel(model('half-written-model', s.id));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.read((r) => r.findSecret(s.id)), null);
      assert.equal(await store.read((r) => r.findModel('half-written-model')), null);
      assert.equal(await store.configVersion(), before);
    });

    it('bumps the config version on every committed write', async () => {
      const before = await store.configVersion();
      await store.write((w) => w.insertSecret(secret('bump-1')));
      await store.write((w) => w.insertSecret(secret('bump-2')));
      assert.equal(await store.configVersion(), before + 2);
    });

    it('keeps endpoint targets in order with their roles, weights and orders, and replaces them on update', async () => {
      const s = secret('ep-secret');
      const a = model('ep-a', s.id);
      const b = model('ep-b', s.id);
      const e = endpoint('ep-1', [
        { modelId: a.id, role: 'primary', weight: 3, order: null },
        { modelId: b.id, role: 'fallback', weight: null, order: 1 },
      ]);
      await store.write(async (w) => {
        await w.insertSecret(s);
        await w.insertModel(a);
        await w.insertModel(b);
        await w.insertEndpoint(e);
      });
      assert.deepEqual(await store.read((r) => r.findEndpoint('ep-1')), e);
      assert.deepEqual(await store.read((r) => r.endpointsUsingModel(b.id)), ['ep-1']);
      assert.deepEqual(await store.read((r) => r.modelsUsingSecret(s.id)), ['ep-a', 'ep-b']);

      const replaced = {
        ...e,
        targets: [{ modelId: b.id, role: 'primary' as const, weight: 0.5, order: 2 }],
      };
      await store.write((w) => w.updateEndpoint(replaced));
      assert.deepEqual(await store.read((r) => r.findEndpoint(e.id)), replaced);
      assert.deepEqual(await store.read((r) => r.endpointsUsingModel(a.id)), []);
      const all = await store.read((r) => r.allEndpoints());
      assert.deepEqual(
        all.find((x) => x.id === e.id),
        replaced,
      );
    });

    it('refuses at the database level to delete a secret a model still uses', async () => {
      const s = secret('fk-secret');
      await store.write(async (w) => {
        await w.insertSecret(s);
        await w.insertModel(model('fk-model', s.id));
      });
      await assert.rejects(
        store.write((w) => w.deleteSecret(s.id)),
        (error: unknown) => error instanceof GatewayError && error.code === 'conflict',
      );
      assert.notEqual(await store.read((r) => r.findSecret(s.id)), null);
    });

    it('pages by id in creation order', async () => {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const s = secret(`page-${i}`);
        created.push(s.id);
        await store.write((w) => w.insertSecret(s));
      }
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: SecretRecord[] = await store.read((r) => r.listSecrets({ limit: 3, after }));
        if (page.length === 0) break;
        seen.push(...page.map((s) => s.id));
        after = page[page.length - 1]!.id;
      }
      assert.deepEqual(
        seen.filter((id) => created.includes(id)),
        created,
      );
      assert.equal(new Set(seen).size, seen.length);
    });

    it('pages endpoints with their targets', async () => {
      const s = secret('paged-ep-secret');
      const m = model('paged-ep-model', s.id);
      await store.write(async (w) => {
        await w.insertSecret(s);
        await w.insertModel(m);
        for (let i = 0; i < 4; i++) {
          await w.insertEndpoint(
            endpoint(`paged-ep-${i}`, [{ modelId: m.id, role: 'primary', weight: i, order: null }]),
          );
        }
      });
      const pages = [];
      let after: string | null = null;
      for (;;) {
        const page: EndpointRecord[] = await store.read((r) => r.listEndpoints({ limit: 2, after }));
        if (page.length === 0) break;
        pages.push(...page);
        after = page[page.length - 1]!.id;
      }
      const paged = pages.filter((e) => e.name.startsWith('paged-ep-'));
      assert.deepEqual(
        paged.map((e) => [e.name, e.targets[0]?.weight]),
        [
          ['paged-ep-0', 0],
          ['paged-ep-1', 1],
          ['paged-ep-2', 2],
          ['paged-ep-3', 3],
        ],
      );
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
}
