// Switchyard for the bench: the real gateway (`src/main.ts`) in its own process with a
// throwaway SQLite data dir and master key, configured over the admin API to send the
// `bench` endpoint to the fake upstream. Standalone, for poking at it by hand:
//   node bench/switchyard.ts --upstream http://127.0.0.1:PORT [--port N]

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alive, freePort, installCleanup, onExit, spawnNode } from './procs.ts';

/** What clients send as `model`. */
export const BENCH_ENDPOINT = 'bench';
/** The provider's model name the fake upstream sees. */
export const BENCH_MODEL_NAME = 'gpt-4o-mini';

export interface SwitchyardOptions {
  /** Base URL of the fake upstream, e.g. `http://127.0.0.1:4000` (no `/v1`). */
  upstreamUrl: string;
  port?: number;
  /** Pin to this CPU. */
  cpu?: number;
  /** The gateway's stdout and stderr go here (default: inherited). */
  logFile?: string;
  /** Extra node flags (`--cpu-prof`, `--heapsnapshot-signal=SIGUSR2`...). */
  nodeFlags?: readonly string[];
  /** Run another checkout's gateway (its `src/main.ts`), for before/after comparisons in one run. */
  checkout?: string;
}

export interface RunningSwitchyard {
  child: ChildProcess;
  pid: number;
  url: string;
}

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

export async function startSwitchyard(options: SwitchyardOptions): Promise<RunningSwitchyard> {
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const out = options.logFile === undefined ? 'inherit' : openSync(options.logFile, 'a');
  const main = options.checkout === undefined ? MAIN : join(options.checkout, 'src/main.ts');
  const child = spawnNode([...(options.nodeFlags ?? []), main], {
    cpu: options.cpu,
    stdio: ['ignore', out, out],
    env: {
      ...inheritedEnv(),
      SWITCHYARD_HOST: '127.0.0.1',
      SWITCHYARD_PORT: String(port),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_DATABASE_URL: `sqlite:${join(dataDir, 'switchyard.db')}`,
      SWITCHYARD_MASTER_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_SHUTDOWN_GRACE_MS: '1000',
      SWITCHYARD_AUTH: 'off',
    },
  });
  if (child.pid === undefined) throw new Error('switchyard: could not spawn');
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, url);
  await configure(url, options.upstreamUrl);
  return { child, pid: child.pid, url };
}

/** The environment minus any SWITCHYARD_* of the caller's (a database URL, an admin token...). */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SWITCHYARD_')) env[k] = v;
  return env;
}

async function waitForHealth(child: ChildProcess, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(child)) {
      throw new Error(`switchyard exited during start (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`switchyard: ${url}/healthz did not answer within ${timeoutMs} ms`);
}

async function post(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/api/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`switchyard: POST /api/v1/${path} answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

async function configure(url: string, upstreamUrl: string): Promise<void> {
  await post(url, 'secrets', {
    name: 'bench-openai',
    provider: 'openai',
    value: { api_key: 'sk-bench-000000000000' },
    auth_config: { api_base: `${upstreamUrl}/v1` },
  });
  await post(url, 'models', {
    name: 'bench-model',
    provider: 'openai',
    model_name: BENCH_MODEL_NAME,
    secret: 'bench-openai',
  });
  await post(url, 'endpoints', {
    name: BENCH_ENDPOINT,
    models: [{ model: 'bench-model', role: 'primary' }],
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { upstream: { type: 'string' }, port: { type: 'string' } },
  });
  if (values.upstream === undefined) {
    console.error('usage: node bench/switchyard.ts --upstream http://127.0.0.1:PORT [--port N]');
    process.exit(2);
  }
  installCleanup();
  startSwitchyard({
    upstreamUrl: values.upstream,
    port: values.port === undefined ? undefined : Number(values.port),
  }).then(
    (sy) => console.log(`switchyard (pid ${sy.pid}) on ${sy.url}: POST /v1/chat/completions model=bench`),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
