// The systems under test. Each one starts (in its own process, pinned to the target CPU)
// in front of the fake upstream and says where clients reach it, which pid to account CPU
// and memory to, what clients put in `model` and which dialect they speak. To add one,
// append to TARGETS.

import { join } from 'node:path';
import { ensurePortkey, PORTKEY_VERSION, portkeyHeaders, startPortkey } from './portkey.ts';
import { readyPort, spawnNode, stopChild, waitForMessage } from './procs.ts';
import { BENCH_ENDPOINT, BENCH_MODEL_NAME, startSwitchyard } from './switchyard.ts';
import type { TargetInfo } from './workloads.ts';

export interface StartContext {
  /** `http://127.0.0.1:PORT` of the fake upstream. */
  upstreamUrl: string;
  upstreamPid: number;
  /** CPU for target processes; `undefined`: unpinned. */
  cpu: number | undefined;
  /** Where a target may write its logs. */
  logDir: string;
}

export interface RunningTarget extends TargetInfo {
  url: string;
  /** The process whose CPU time and peak RSS are reported for this target. */
  pid: number;
  stop(): Promise<void>;
}

export interface TargetSpec {
  name: string;
  description: string;
  /** Why this target cannot run here (a peer that could not be installed); `undefined`: it can. */
  unavailable?(): string | undefined;
  start(ctx: StartContext): Promise<RunningTarget>;
}

const THIN_PROXY = new URL('./thin-proxy.ts', import.meta.url).pathname;

export const TARGETS: TargetSpec[] = [
  {
    name: 'direct',
    description: 'the load generator straight to the fake upstream (CPU and RSS are the upstream’s)',
    start: async (ctx) => ({
      name: 'direct',
      model: BENCH_MODEL_NAME,
      clientDialect: 'openai',
      url: ctx.upstreamUrl,
      pid: ctx.upstreamPid,
      stop: async () => {},
    }),
  },
  {
    name: 'thin-proxy',
    description: 'bench/thin-proxy.ts: node:http + one undici Agent, forwards without parsing',
    start: async (ctx) => {
      const child = spawnNode([THIN_PROXY, '--upstream', ctx.upstreamUrl], {
        cpu: ctx.cpu,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const port = await waitForMessage(child, readyPort, 'thin proxy');
      return {
        name: 'thin-proxy',
        model: BENCH_MODEL_NAME,
        clientDialect: 'openai',
        url: `http://127.0.0.1:${port}`,
        pid: child.pid!,
        stop: () => stopChild(child),
      };
    },
  },
  switchyardTarget('switchyard', 'openai', 'Switchyard passthrough: OpenAI clients, OpenAI-dialect upstream'),
  switchyardTarget(
    'switchyard-translate',
    'anthropic',
    'Switchyard translating: Anthropic Messages clients, OpenAI-dialect upstream (its own process)',
  ),
  {
    name: 'portkey',
    description: `Portkey AI gateway ${PORTKEY_VERSION} from npm (bench/peers/portkey), provider openai with a custom host`,
    unavailable: () => {
      const installed = ensurePortkey();
      return installed.ok ? undefined : installed.reason;
    },
    start: async (ctx) => {
      const portkey = await startPortkey({ cpu: ctx.cpu, logFile: join(ctx.logDir, 'portkey.log') });
      return {
        name: 'portkey',
        model: BENCH_MODEL_NAME,
        clientDialect: 'openai',
        headers: portkeyHeaders(ctx.upstreamUrl),
        url: portkey.url,
        pid: portkey.pid,
        stop: () => stopChild(portkey.child),
      };
    },
  },
];

/**
 * `BENCH_BASELINE_CHECKOUT=/path/to/other/checkout npm run bench` adds that checkout's gateway
 * as `baseline` and `baseline-translate`: a change and what it replaced, measured in one run.
 */
const BASELINE = process.env['BENCH_BASELINE_CHECKOUT'];
if (BASELINE) {
  TARGETS.push(
    switchyardTarget('baseline', 'openai', `passthrough, the gateway of ${BASELINE}`, BASELINE),
    switchyardTarget('baseline-translate', 'anthropic', `translating, the gateway of ${BASELINE}`, BASELINE),
  );
}

function switchyardTarget(
  name: string,
  clientDialect: 'openai' | 'anthropic',
  what: string,
  checkout?: string,
): TargetSpec {
  return {
    name,
    description: `${what}; src/main.ts, SQLite in a temp dir, endpoint "${BENCH_ENDPOINT}" -> the fake upstream`,
    start: async (ctx) => {
      const sy = await startSwitchyard({
        upstreamUrl: ctx.upstreamUrl,
        cpu: ctx.cpu,
        logFile: join(ctx.logDir, `${name}.log`),
        ...(checkout === undefined ? {} : { checkout }),
      });
      return {
        name,
        model: BENCH_ENDPOINT,
        clientDialect,
        url: sy.url,
        pid: sy.pid,
        stop: () => stopChild(sy.child),
      };
    },
  };
}
