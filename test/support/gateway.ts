import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type App, type AppDeps, buildApp } from '../../src/app.ts';
import { loadSettings, type Settings } from '../../src/config/settings.ts';
import { listen } from '../../src/http/server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import type { Vault } from '../../src/secrets/vault.ts';
import type { Store } from '../../src/store/store.ts';

export interface TestGateway {
  url: string;
  app: App;
  store: Store;
  vault: Vault;
  settings: Settings;
  dir: string;
  /** Every log line the gateway wrote, as text. */
  logs: string[];
  /** fetch against the gateway with JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonReply>;
  close(): Promise<void>;
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/** A real gateway on 127.0.0.1:0 with its own SQLite file (or the given database URL). */
export async function startGateway(
  env: Record<string, string> = {},
  extra: Pick<AppDeps, 'sink' | 'keepaliveMs' | 'random' | 'breaker'> = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const settings = loadSettings({
    SWITCHYARD_DATA_DIR: dir,
    SWITCHYARD_MASTER_KEY: newMasterKey(),
    SWITCHYARD_LOG_LEVEL: 'info',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger(settings.logLevel, sink);
  const { store, vault } = await openRuntime(settings, log);
  const app = await buildApp({ settings, store, vault, log, ...extra });
  const running = await listen(app, '127.0.0.1', 0, log);

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonReply> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await fetch(running.url + path, init);
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return {
    url: running.url,
    app,
    store,
    vault,
    settings,
    dir,
    logs,
    call,
    async close() {
      await running.shutdown(1000);
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
