// `npm run bench:profile -- [--workload chat-json] [--target switchyard] [--seconds 10] [--concurrency 16]`
//
// One workload against one Switchyard target under `node --cpu-prof`, everything else as in
// `npm run bench` (the gateway pinned to CPU 0; the fake upstream and the load, both in this
// process, on CPU 1). Only the samples taken during the measured window count, so start-up
// and JIT warm-up do not show. Prints where the gateway's CPU time went (self time by
// function and by area: our folders, undici, node internals, GC) and keeps the .cpuprofile
// for Chrome DevTools or speedscope.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeProvider } from '../test/fake-provider/index.ts';
import { runLoad } from './load.ts';
import {
  installCleanup,
  pinPid,
  readyPort,
  spawnNode,
  stopAll,
  stopChild,
  tasksetAvailable,
  waitForMessage,
} from './procs.ts';
import { BENCH_ENDPOINT, startSwitchyard } from './switchyard.ts';
import { WORKLOADS } from './workloads.ts';

const TARGET_CPU = 0;
const LOAD_CPU = 1;
const RESULTS_DIR = new URL('./results/', import.meta.url).pathname;
const REPO = new URL('../', import.meta.url).pathname;
const THIN_PROXY = new URL('./thin-proxy.ts', import.meta.url).pathname;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives, coarsely: `src/pipeline`, `undici`, `node:http`, `GC`... */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName === '' ? '(anonymous native)' : functionName;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  if (url.startsWith('file://')) {
    const path = relative(REPO, new URL(url).pathname);
    return path.split('/').slice(0, 2).join('/');
  }
  return url;
}

function frameLabel(frame: CallFrame): string {
  const where = frame.url.startsWith('file://') ? relative(REPO, new URL(frame.url).pathname) : frame.url;
  return `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
}

export interface ProfileSummary {
  /** Sampled microseconds inside the window, idle excluded. */
  busyUs: number;
  byFunction: Array<{ label: string; area: string; us: number }>;
  byArea: Array<{ area: string; us: number }>;
  /** Inclusive time of the project's own functions (`src/`): themselves and all they call. */
  ownInclusive: Array<{ label: string; us: number }>;
}

/** Self time per function and per area of the samples taken between `fromUs` and `toUs` (profile clock). */
export function summarize(profile: CpuProfile, fromUs: number, toUs: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const inclusive = new Map<string, number>();
  const byFunction = new Map<string, { label: string; area: string; us: number }>();
  const byArea = new Map<string, number>();
  let busyUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const frame = nodes.get(profile.samples[i]!)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') continue;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? delta;
    busyUs += us;
    const label = frameLabel(frame);
    const area = areaOf(frame);
    const entry = byFunction.get(label);
    if (entry) entry.us += us;
    else byFunction.set(label, { label, area, us });
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parents.get(id)) {
      const f = nodes.get(id)!.callFrame;
      if (!areaOf(f).startsWith('src/')) continue;
      const own = frameLabel(f);
      if (seen.has(own)) continue;
      seen.add(own);
      inclusive.set(own, (inclusive.get(own) ?? 0) + us);
    }
  }
  return {
    busyUs,
    byFunction: [...byFunction.values()].sort((a, b) => b.us - a.us),
    byArea: [...byArea.entries()].map(([area, us]) => ({ area, us })).sort((a, b) => b.us - a.us),
    ownInclusive: [...inclusive.entries()].map(([label, us]) => ({ label, us })).sort((a, b) => b.us - a.us),
  };
}

async function startTarget(
  name: string,
  upstreamUrl: string,
  cpu: number | undefined,
  dir: string,
  nodeFlags: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  if (name !== 'thin-proxy') {
    return startSwitchyard({ upstreamUrl, cpu, logFile: join(dir, 'switchyard.log'), nodeFlags });
  }
  const child = spawnNode([...nodeFlags, THIN_PROXY, '--upstream', upstreamUrl], {
    cpu,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await waitForMessage(child, readyPort, 'thin proxy');
  return { child, url: `http://127.0.0.1:${port}` };
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function main(): Promise<void> {
  installCleanup();
  const { values } = parseArgs({
    options: {
      workload: { type: 'string', default: 'chat-json' },
      target: { type: 'string', default: 'switchyard' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      top: { type: 'string', default: '30' },
      interval: { type: 'string', default: '200' },
    },
  });
  const workload = WORKLOADS.find((w) => w.name === values.workload);
  if (workload === undefined) throw new Error(`unknown workload '${values.workload}'`);
  const clientDialect = values.target === 'switchyard-translate' ? 'anthropic' : 'openai';
  if (!['switchyard', 'switchyard-translate', 'thin-proxy'].includes(values.target)) {
    throw new Error('--target: switchyard, switchyard-translate or thin-proxy');
  }
  const request = workload.request({ name: values.target, model: BENCH_ENDPOINT, clientDialect });
  if (request === undefined) throw new Error(`${workload.name} does not apply to ${values.target}`);

  const pinned = tasksetAvailable() && pinPid(process.pid, LOAD_CPU);
  const fake = await startFakeProvider({ record: false, ...workload.upstream?.config });
  if (workload.upstream?.reply) fake.setDefault(workload.upstream.reply);
  const dir = join(RESULTS_DIR, 'profiles', `${workload.name}-${values.target}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${values.interval}`];
  const cpu = pinned ? TARGET_CPU : undefined;
  const target = await startTarget(values.target, fake.url, cpu, dir, nodeFlags);
  const load = { baseUrl: target.url, request, connections: Number(values.concurrency) };
  process.stderr.write(`profile: priming ${workload.name} -> ${values.target} for 3 s\n`);
  await runLoad({ ...load, seconds: 3 });
  const from = nowUs();
  const result = await runLoad({ ...load, seconds: Number(values.seconds) });
  const to = nowUs();
  await stopChild(target.child, 10_000);
  await fake.close();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile was written to ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const summary = summarize(profile, from, to);
  const perReq = (us: number): string => (us / result.ok).toFixed(2);
  const pct = (us: number): string => ((100 * us) / summary.busyUs).toFixed(1);
  const top = Number(values.top);
  const lines = [
    `${workload.name} -> ${values.target}, c=${values.concurrency}, ${values.seconds} s: ` +
      `${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(3)} ms; ` +
      `${perReq(summary.busyUs)} µs sampled CPU per request (${pinned ? 'pinned' : 'unpinned'})`,
    '',
    'self time by area:',
    ...summary.byArea
      .slice(0, 20)
      .map((a) => `  ${pct(a.us).padStart(5)}%  ${perReq(a.us).padStart(7)} µs/req  ${a.area}`),
    '',
    `self time by function (top ${top}):`,
    ...summary.byFunction
      .slice(0, top)
      .map((f) => `  ${pct(f.us).padStart(5)}%  ${perReq(f.us).padStart(7)} µs/req  ${f.label}`),
    '',
    `the project's functions, inclusive (top ${top}):`,
    ...summary.ownInclusive
      .slice(0, top)
      .map((f) => `  ${pct(f.us).padStart(5)}%  ${perReq(f.us).padStart(7)} µs/req  ${f.label}`),
    '',
    `profile: ${relative(REPO, join(dir, file))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await stopAll();
}

if (import.meta.main) {
  main().catch(async (error: unknown) => {
    console.error(`profile: ${(error as Error).stack ?? String(error)}`);
    await stopAll();
    process.exit(1);
  });
}
