import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { newMasterKey, startGateway, type TestGateway } from '../support/gateway.ts';

const DOCUMENT = `
secrets:
  - name: openai-main
    provider: openai
    value: { api_key: "\${TEST_OPENAI_KEY}" }
  - name: local-vllm
    provider: vllm
    auth_config: { api_base: "http://127.0.0.1:8000/v1" }
models:
  - name: gpt
    provider: openai
    model_name: gpt-4o
    secret: openai-main
    pricing: { input_per_mtok: 2.5, output_per_mtok: 10 }
  - name: qwen
    provider: vllm
    model_name: Qwen/Qwen3-8B
    secret: local-vllm
endpoints:
  - name: chat
    models:
      - { model: gpt, role: primary }
      - { model: qwen, role: fallback }
    fallback: { max_attempts: 2 }
`;

describe('switchyard apply', () => {
  let dir: string;
  let dbUrl: string;
  let file: string;
  const masterKey = newMasterKey();
  const env = (extra: Record<string, string> = {}) => ({ SWITCHYARD_MASTER_KEY: masterKey, ...extra });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-apply-'));
    dbUrl = `sqlite:${join(dir, 'db.sqlite')}`;
    file = join(dir, 'switchyard.yaml');
    writeFileSync(file, DOCUMENT);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validates every entry before writing anything', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, DOCUMENT.replace('model_name: Qwen/Qwen3-8B', 'model_name: 42'));
    const result = await runCli(['apply', '-f', bad], dbUrl, env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /models\[1\]: model_name: must be a string/);
    const dry = await runCli(
      ['apply', '-f', file, '--dry-run'],
      dbUrl,
      env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }),
    );
    assert.match(dry.stdout, /would have created 5, changed 0, unchanged 0/);
  });

  it('resolves every reference before writing: a model naming a missing secret leaves nothing applied', async () => {
    const broken = join(dir, 'broken-ref.yaml');
    writeFileSync(broken, DOCUMENT.replace('secret: local-vllm', 'secret: no-such-secret'));
    const result = await runCli(
      ['apply', '-f', broken],
      dbUrl,
      env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }),
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /models\[1\]: secret: no secret 'no-such-secret' in the file or the database/,
    );
    const dry = await runCli(
      ['apply', '-f', file, '--dry-run'],
      dbUrl,
      env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }),
    );
    assert.match(dry.stdout, /would have created 5, changed 0, unchanged 0/);
  });

  it('names an unset environment variable', async () => {
    const result = await runCli(['apply', '-f', file], dbUrl, env());
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /secrets\[0\]\.value\.api_key: environment variable TEST_OPENAI_KEY is not set/,
    );
  });

  it('refuses unknown top-level keys', async () => {
    const odd = join(dir, 'odd.yaml');
    writeFileSync(odd, 'secrets: []\nroutes: []\n');
    const result = await runCli(['apply', '-f', odd], dbUrl, env());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unknown top-level key 'routes'/);
  });

  it('creates, then leaves alone, then changes only what differs', async () => {
    const first = await runCli(['apply', '-f', file], dbUrl, env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /created 5, changed 0, unchanged 0/);

    const second = await runCli(['apply', '-f', file], dbUrl, env({ TEST_OPENAI_KEY: 'sk-one-1234567890' }));
    assert.match(second.stdout, /created 0, changed 0, unchanged 5/);

    const third = await runCli(['apply', '-f', file], dbUrl, env({ TEST_OPENAI_KEY: 'sk-two-1234567890' }));
    assert.match(third.stdout, /secret openai-main: changed/);
    assert.match(third.stdout, /created 0, changed 1, unchanged 4/);

    writeFileSync(file, DOCUMENT.replace('max_attempts: 2', 'max_attempts: 3'));
    const fourth = await runCli(['apply', '-f', file], dbUrl, env({ TEST_OPENAI_KEY: 'sk-two-1234567890' }));
    assert.match(fourth.stdout, /endpoint chat: changed/);
    assert.match(fourth.stdout, /created 0, changed 1, unchanged 4/);
  });

  it('prints usage for an unknown command', async () => {
    const result = await runCli(['frobnicate'], dbUrl, env());
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});

describe('a running gateway sees changes made by another process', () => {
  let gw: TestGateway;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-live-'));
    gw = await startGateway({ SWITCHYARD_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('through the config-version poll (every second), without a restart', async () => {
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, DOCUMENT);
    const result = await runCli(['apply', '-f', file], gw.settings.databaseUrl, {
      SWITCHYARD_MASTER_KEY: gw.settings.masterKey!,
      TEST_OPENAI_KEY: 'sk-live-1234567890',
    });
    assert.equal(result.code, 0, result.stderr);
    const appliedAt = Date.now();
    while (!gw.app.snapshots.current.endpoints.has('chat')) {
      // The poll runs every second; the bound is loose so a loaded machine does not fail it.
      assert.ok(Date.now() - appliedAt < 5000, 'the snapshot never picked up the change');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const chat = gw.app.snapshots.current.endpoints.get('chat')!;
    assert.equal(chat.primaries[0]?.model.credential.apiKey, 'sk-live-1234567890');
    assert.equal(chat.fallbacks[0]?.name, 'qwen');
    assert.equal(chat.fallbacks[0]?.apiBase, 'http://127.0.0.1:8000/v1');
  });
});
