// The Portkey AI gateway (npm `@portkey-ai/gateway`, pinned in bench/peers/portkey) as a bench
// peer: its own node process, headless, told per request where the upstream is. Standalone,
// for poking at it by hand (installs it first when needed):
//   node bench/portkey.ts [--log FILE]

import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alive, freePort, installCleanup, spawnNode } from './procs.ts';

const PEER_DIR = new URL('./peers/portkey/', import.meta.url).pathname;
const ENTRY = join(PEER_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
const INSTALL_TIMEOUT_MS = 300_000;

interface PeerPackage {
  dependencies: Record<string, string>;
}

/** The pinned version, as bench/peers/portkey/package.json says. */
export const PORTKEY_VERSION: string =
  (JSON.parse(readFileSync(join(PEER_DIR, 'package.json'), 'utf8')) as PeerPackage).dependencies[
    '@portkey-ai/gateway'
  ] ?? '?';

export type EnsureResult = { ok: true; entry: string } | { ok: false; reason: string };

/** The gateway's entry script, installed from the lockfile with `npm ci` when missing. Never throws. */
export function ensurePortkey(): EnsureResult {
  if (existsSync(ENTRY)) return { ok: true, entry: ENTRY };
  process.stderr.write(`portkey: installing into ${PEER_DIR} (npm ci)\n`);
  const r = spawnSync('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error !== undefined) return { ok: false, reason: `npm ci: ${r.error.message}` };
  if (r.status !== 0) {
    // npm's first error lines name the cause (ECONNREFUSED, ETARGET...); the last ones are boilerplate.
    const errors = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((line) => line.startsWith('npm error ') && !/^npm error\s+at /.test(line))
      .slice(0, 4)
      .map((line) => line.slice('npm error '.length).trim());
    return { ok: false, reason: `npm ci exited with ${r.status ?? r.signal}: ${errors.join('; ')}` };
  }
  if (!existsSync(ENTRY)) return { ok: false, reason: `npm ci succeeded but ${ENTRY} is missing` };
  return { ok: true, entry: ENTRY };
}

export interface PortkeyOptions {
  /** Pin to this CPU; `undefined`: unpinned. */
  cpu: number | undefined;
  /** The gateway's stdout and stderr are appended here. */
  logFile: string;
}

export interface RunningPortkey {
  child: ChildProcess;
  pid: number;
  url: string;
}

export async function startPortkey(options: PortkeyOptions): Promise<RunningPortkey> {
  const installed = ensurePortkey();
  if (!installed.ok) throw new Error(`portkey: not installed: ${installed.reason}`);
  const port = await freePort();
  const out = openSync(options.logFile, 'a');
  const child = spawnNode([installed.entry, `--port=${port}`, '--headless'], {
    cpu: options.cpu,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error('portkey: could not spawn');
  const url = `http://127.0.0.1:${port}`;
  await waitForAnswer(child, url, options.logFile);
  return { child, pid: child.pid, url };
}

/** Headers that send a request through Portkey's OpenAI provider to `upstreamUrl` (no `/v1`). */
export function portkeyHeaders(upstreamUrl: string): Record<string, string> {
  return {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${upstreamUrl.replace(/\/+$/, '')}/v1`,
  };
}

/** Until `GET /` answers (Portkey says "AI Gateway says hey!" there). */
async function waitForAnswer(
  child: ChildProcess,
  url: string,
  logFile: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(child)) {
      throw new Error(
        `portkey exited during start (code ${child.exitCode}, signal ${child.signalCode})\n${logTail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${url}/`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`portkey: ${url}/ did not answer within ${timeoutMs} ms\n${logTail(logFile)}`);
}

function logTail(logFile: string, bytes = 2000): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-bytes);
  } catch {
    return '(no log)';
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { log: { type: 'string' } } });
  const logFile = values.log ?? join(tmpdir(), 'portkey-bench.log');
  installCleanup();
  startPortkey({ cpu: undefined, logFile }).then(
    (pk) => {
      console.log(`portkey (pid ${pk.pid}) on ${pk.url}, log ${logFile}`);
      console.log('send x-portkey-provider: openai and x-portkey-custom-host: http://UPSTREAM/v1');
    },
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
