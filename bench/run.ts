// `npm run bench [-- --quick | --duration 5 --warmup 1 --prime 2 --rounds 1 --workload NAME
//                    --target NAME --concurrency 1,16 --no-pin]`   (see --help and docs/benchmarks.md)
//
// Starts the fake upstream, the thin proxy and Switchyard as separate processes (targets
// pinned to CPU 0; the fake upstream and this process, which generates the load, to CPU 1),
// then for each workload x concurrency x target: checks one response, warms up, measures.
// Prints the table, the comparisons and the goals, and writes bench/results/latest.{json,md}.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { UpstreamControl } from './fake-upstream.ts';
import { COMPARISONS, GOALS } from './goals.ts';
import { runLoad, stopLoad } from './load.ts';
import type { SoakRun } from './memory-phases.ts';
import {
  runSoakPhase,
  runStreamsPhase,
  SLOW_STREAM,
  soakGoals,
  soakTable,
  streamsGoals,
  streamsTable,
} from './memory-phases.ts';
import {
  allowedCpus,
  cpuBusyPct,
  cpuTicks,
  cpuTimeUs,
  installCleanup,
  machine,
  peakRssBytes,
  pinPid,
  readyPort,
  resetPeakRss,
  spawnNode,
  stopAll,
  tasksetAvailable,
  waitForMessage,
} from './procs.ts';
import type { Cell, Slot, Table } from './report.ts';
import {
  compare,
  comparisonsTable,
  evaluateGoals,
  goalsTable,
  mergeRounds,
  renderMarkdown,
  renderText,
  resultsTable,
  valid,
} from './report.ts';
import { stopSoak } from './soak.ts';
import type { RunningTarget } from './targets.ts';
import { TARGETS } from './targets.ts';
import type { RequestSpec, Workload } from './workloads.ts';
import { DEFAULT_CONCURRENCY, WORKLOADS } from './workloads.ts';

const TARGET_CPU = 0;
const LOAD_CPU = 1;
/** Above this much CPU used by other processes (% of one CPU) in a window, the cell is flagged. */
const OTHER_CPU_LIMIT = 25;
const RESULTS_DIR = new URL('./results/', import.meta.url).pathname;
const FAKE_UPSTREAM = new URL('./fake-upstream.ts', import.meta.url).pathname;

type Phase = 'matrix' | 'streams' | 'soak';
const PHASES: readonly Phase[] = ['matrix', 'streams', 'soak'];

interface Options {
  phases: readonly Phase[];
  /** Open-stream counts of the streams phase. */
  streams: readonly number[];
  /** Requests per target in the soak phase. */
  soak: number;
  soakTargets: readonly string[];
  rounds: number;
  seconds: number;
  warmup: number;
  prime: number;
  workloads: readonly Workload[];
  targets: readonly string[];
  concurrency: readonly number[] | undefined;
  pin: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      duration: { type: 'string' },
      warmup: { type: 'string', default: '1' },
      prime: { type: 'string' },
      workload: { type: 'string', multiple: true },
      target: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      phase: { type: 'string', multiple: true },
      streams: { type: 'string' },
      soak: { type: 'string' },
      'soak-target': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run bench -- [--quick] [--phase matrix|streams|soak]... [--rounds N] [--duration S] [--warmup S]\n' +
        '                 [--prime S] [--workload NAME]... [--target NAME]... [--concurrency 1,16,64] [--no-pin]\n' +
        '                 [--streams 1000,10000] [--soak 1000000] [--soak-target NAME]...\n' +
        '  --phase     matrix: req/s, latency, CPU per workload x concurrency x target; streams: memory with\n' +
        '              many slow streams open; soak: RSS over many requests (default: all three)\n' +
        '  --streams   open-stream counts of the streams phase (default 1000,10000; --quick: 1000)\n' +
        '  --soak      requests per target in the soak phase, RSS read after each tenth\n' +
        '              (default 1000000; --quick: 100000)\n' +
        '  --soak-target  targets of the soak (default switchyard, switchyard-translate)\n' +
        '  --duration  measured seconds per cell (default 5; --quick: 2)\n' +
        '  --warmup    discarded seconds before each cell (default 1)\n' +
        '  --rounds    repeat the whole matrix N times, report the median of each cell (default 1)\n' +
        '  --prime     discarded seconds per workload x target at c=16 before its cells, for the JIT\n' +
        '              (default 2; --quick: 1)\n' +
        `workloads: ${WORKLOADS.map((w) => w.name).join(', ')}\ntargets: ${TARGETS.map((t) => t.name).join(', ')}`,
    );
    process.exit(0);
  }
  const seconds = Number(values.duration ?? (values.quick ? 2 : 5));
  const warmup = Number(values.warmup);
  const prime = Number(values.prime ?? (values.quick ? 1 : 2));
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be an integer >= 1');
  if (!(seconds > 0) || !(warmup >= 0) || !(prime >= 0)) {
    throw new Error('--duration must be > 0, --warmup and --prime >= 0 (seconds)');
  }
  const pick = <T extends { name: string }>(
    all: readonly T[],
    names: string[] | undefined,
    what: string,
  ): T[] => {
    if (names === undefined) return [...all];
    for (const n of names) {
      if (!all.some((x) => x.name === n)) throw new Error(`unknown ${what} '${n}'`);
    }
    return all.filter((x) => names.includes(x.name));
  };
  const concurrency = values.concurrency?.split(',').map((s) => Number(s.trim()));
  if (concurrency?.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('--concurrency: integers >= 1');
  const phases = (values.phase ?? PHASES) as Phase[];
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`unknown phase '${p}'`);
  const streams = (values.streams ?? (values.quick ? '1000' : '1000,10000')).split(',').map(Number);
  if (streams.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--streams: integers >= 1');
  const soakTotal = Number(values.soak ?? (values.quick ? 100_000 : 1_000_000));
  if (!Number.isInteger(soakTotal) || soakTotal < 10) throw new Error('--soak: an integer >= 10');
  return {
    phases,
    streams,
    soak: soakTotal,
    soakTargets: values['soak-target'] ?? ['switchyard', 'switchyard-translate'],
    rounds,
    seconds,
    warmup,
    prime,
    workloads: pick(WORKLOADS, values.workload, 'workload'),
    targets: pick(TARGETS, values.target, 'target').map((t) => t.name),
    concurrency,
    pin: !values['no-pin'],
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---- the fake upstream -------------------------------------------------------------------

interface Upstream {
  child: ChildProcess;
  pid: number;
  url: string;
  control(msg: UpstreamControl): Promise<void>;
}

async function startUpstream(cpu: number | undefined): Promise<Upstream> {
  const child = spawnNode([FAKE_UPSTREAM], {
    cpu,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const port = await waitForMessage(child, readyPort, 'fake upstream');
  const control = (msg: UpstreamControl): Promise<void> => {
    const ack = waitForMessage(
      child,
      (m) => ((m as { type?: unknown }).type === 'ack' ? true : undefined),
      'ack',
    );
    child.send(msg);
    return ack.then(() => undefined);
  };
  return { child, pid: child.pid!, url: `http://127.0.0.1:${port}`, control };
}

async function prepareUpstream(upstream: Upstream, workload: Workload): Promise<void> {
  await upstream.control({ type: 'reset' });
  if (workload.upstream?.config)
    await upstream.control({ type: 'configure', config: workload.upstream.config });
  if (workload.upstream?.reply)
    await upstream.control({ type: 'set-default', reply: workload.upstream.reply });
}

// ---- one check, one cell -----------------------------------------------------------------

interface Checked {
  error: string | undefined;
  responseBytes: number;
}

async function checkOnce(workload: Workload, target: RunningTarget, request: RequestSpec): Promise<Checked> {
  try {
    const res = await fetch(target.url + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
    const body = await res.text();
    const error = workload.check({
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body,
    });
    return { error, responseBytes: Buffer.byteLength(body) };
  } catch (e) {
    return { error: `request failed: ${(e as Error).message}`, responseBytes: 0 };
  }
}

async function measureCell(
  options: Options,
  workload: Workload,
  concurrency: number,
  target: RunningTarget,
  request: RequestSpec,
  checked: Checked,
  upstream: Upstream,
): Promise<Cell> {
  const load = { baseUrl: target.url, request, connections: concurrency };
  if (options.warmup > 0) await runLoad({ ...load, seconds: options.warmup });
  await new Promise((r) => setTimeout(r, 100));
  const resettable = resetPeakRss(target.pid);
  const targetCpu0 = cpuTimeUs(target.pid);
  const upstreamCpu0 = cpuTimeUs(upstream.pid);
  const ticks0 = cpuTicks();
  const result = await runLoad({ ...load, seconds: options.seconds });
  const busy = cpuBusyPct(ticks0, cpuTicks());
  const targetCpu = cpuTimeUs(target.pid) - targetCpu0;
  const upstreamCpu = cpuTimeUs(upstream.pid) - upstreamCpu0;
  const windowUs = result.seconds * 1e6;
  await new Promise((r) => setTimeout(r, 100));
  const oursUs = targetCpu + (target.pid === upstream.pid ? 0 : upstreamCpu) + result.loadgenCpuUs;
  const busySum = busy.reduce((a, b) => a + b, 0);
  return {
    workload: workload.name,
    concurrency,
    target: target.name,
    checkError: checked.error,
    load: result,
    cpuUsPerReq: result.ok > 0 ? targetCpu / result.ok : Number.NaN,
    targetCpuPct: (100 * targetCpu) / windowUs,
    peakRssMb: peakRssBytes(target.pid) / 2 ** 20,
    peakRssResettable: resettable,
    upstreamCpuUsPerReq: result.ok > 0 ? upstreamCpu / result.ok : Number.NaN,
    loadgenCpuPct: (100 * result.loadgenCpuUs) / windowUs,
    otherCpuPct: busySum - (100 * oursUs) / windowUs,
    rounds: 1,
    rpsRange: [result.rps, result.rps],
    cpuBusyPct: busy,
  };
}

function streamWorkload(): Workload {
  return WORKLOADS.find((w) => w.name === 'chat-stream-40')!;
}

// ---- main --------------------------------------------------------------------------------

async function main(): Promise<void> {
  installCleanup();
  process.once('SIGINT', () => {
    stopLoad();
    stopSoak();
  });
  const options = parseOptions();
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}switchyard.log`, '');
  const host = machine();

  let pinning: string;
  let targetCpu: number | undefined;
  let loadCpu: number | undefined;
  if (!options.pin) {
    pinning = 'unpinned (--no-pin)';
  } else if (!tasksetAvailable()) {
    pinning = 'unpinned: taskset is not available';
  } else if (host.cpus < 2) {
    pinning = `unpinned: ${host.cpus} CPU`;
  } else if (!pinPid(process.pid, LOAD_CPU)) {
    pinning = 'unpinned: taskset could not pin this process';
  } else {
    targetCpu = TARGET_CPU;
    loadCpu = LOAD_CPU;
    pinning = `targets on CPU ${TARGET_CPU}; fake upstream and load generator on CPU ${LOAD_CPU}`;
  }
  log(`bench: ${host.cpus} CPUs (${host.cpuModel}), node ${host.node}; ${pinning}`);
  log(
    `bench: ${options.prime} s priming per workload x target, then ${options.warmup} s warm-up + ` +
      `${options.seconds} s measured per cell`,
  );

  const upstream = await startUpstream(loadCpu);
  const running: RunningTarget[] = [];
  const notes: string[] = [];
  const startContext = () => ({
    upstreamUrl: upstream.url,
    upstreamPid: upstream.pid,
    cpu: targetCpu,
    logDir: RESULTS_DIR,
  });
  /**
   * Fresh processes for a memory phase: after the matrix a heap has grown to its working
   * size, which would hide what the phase itself costs.
   */
  const restartTargets = async (): Promise<void> => {
    for (let i = 0; i < running.length; i++) {
      const target = running[i]!;
      if (target.name === 'direct') continue;
      await target.stop();
      running[i] = await TARGETS.find((t) => t.name === target.name)!.start(startContext());
    }
    await new Promise((r) => setTimeout(r, 1000));
  };
  for (const spec of TARGETS) {
    if (!options.targets.includes(spec.name)) continue;
    const unavailable = spec.unavailable?.();
    if (unavailable !== undefined) {
      log(`bench: ${spec.name} left out: ${unavailable}`);
      notes.push(`${spec.name} was left out: ${unavailable}`);
      continue;
    }
    running.push(await spec.start(startContext()));
  }
  const processes = [
    { name: 'load generator (this process)', pid: process.pid },
    { name: 'fake upstream', pid: upstream.pid },
    ...running.filter((t) => t.name !== 'direct').map((t) => ({ name: t.name, pid: t.pid })),
  ].map((p) => ({ ...p, cpus: allowedCpus(p.pid) }));
  for (const p of processes) log(`bench: ${p.name}: pid ${p.pid}, CPUs ${p.cpus}`);

  const slots: Slot[] = [];
  const checks: Array<{
    workload: string;
    target: string;
    error?: string;
    requestBytes: number;
    responseBytes: number;
  }> = [];
  const concurrencies = (w: Workload): readonly number[] =>
    options.concurrency ?? w.concurrency ?? DEFAULT_CONCURRENCY;
  const total =
    options.rounds * options.workloads.reduce((n, w) => n + concurrencies(w).length * running.length, 0);
  const measured: Cell[] = [];
  const matrixRounds = options.phases.includes('matrix') ? options.rounds : 0;
  for (let round = 1; round <= matrixRounds; round++) {
    for (const workload of options.workloads) {
      await prepareUpstream(upstream, workload);
      const applicable: Array<{ target: RunningTarget; request: RequestSpec; checked: Checked }> = [];
      for (const target of running) {
        const request = workload.request(target);
        if (request === undefined) continue;
        const checked = await checkOnce(workload, target, request);
        if (checked.error !== undefined) {
          log(`bench: ${workload.name} -> ${target.name}: CHECK FAILED: ${checked.error}`);
        }
        if (round === 1) {
          checks.push({
            workload: workload.name,
            target: target.name,
            ...(checked.error === undefined ? {} : { error: checked.error }),
            requestBytes: Buffer.byteLength(request.body ?? ''),
            responseBytes: checked.responseBytes,
          });
        }
        applicable.push({ target, request, checked });
      }
      if (round === 1 && options.prime > 0) {
        log(`bench: ${workload.name}: priming each target for ${options.prime} s at c=16`);
        for (const { target, request } of applicable) {
          await runLoad({ baseUrl: target.url, request, connections: 16, seconds: options.prime });
        }
      }
      for (const concurrency of concurrencies(workload)) {
        if (round === 1) slots.push({ workload: workload.name, concurrency });
        for (const { target, request, checked } of applicable) {
          const cell = await measureCell(options, workload, concurrency, target, request, checked, upstream);
          measured.push(cell);
          const l = cell.load;
          log(
            `[${measured.length}/${total}] ${workload.name} c=${concurrency} ${target.name}: ` +
              `${l.rps.toFixed(0)} req/s, p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, ` +
              `target ${cell.targetCpuPct.toFixed(0)}% CPU, load generator ${cell.loadgenCpuPct.toFixed(0)}%, ` +
              `CPUs busy ${cell.cpuBusyPct.map((p) => `${p.toFixed(0)}%`).join('/')}, ` +
              `others ${cell.otherCpuPct.toFixed(0)}%` +
              (valid(cell) ? '' : `, non-2xx ${l.non2xx}, errors ${l.errors}`),
          );
        }
      }
    }
  }
  const cells = mergeRounds(measured);

  let streamRuns: Awaited<ReturnType<typeof runStreamsPhase>>['runs'] = [];
  if (options.phases.includes('streams')) {
    await upstream.control({ type: 'reset' });
    await upstream.control({ type: 'set-default', reply: SLOW_STREAM });
    const phase = await runStreamsPhase(options.streams, () => running, streamWorkload(), log, {
      before: async (first) => {
        if (!first || options.phases.includes('matrix')) await restartTargets();
      },
    });
    streamRuns = phase.runs;
    notes.push(...phase.notes);
  }
  let soakRuns: SoakRun[] = [];
  if (options.phases.includes('soak')) {
    const workload = WORKLOADS.find((w) => w.name === 'chat-json')!;
    if (options.phases.includes('matrix') || options.phases.includes('streams')) await restartTargets();
    await prepareUpstream(upstream, workload);
    const targets = running.filter((t) => options.soakTargets.includes(t.name));
    soakRuns = await runSoakPhase(options.soak, targets, workload, log);
  }

  // ---- report ----
  const goals = evaluateGoals(cells, GOALS, slots);
  const memoryGoals = [...streamsGoals(streamRuns), ...soakGoals(soakRuns)];
  const tables: Array<[string, Table]> = [];
  if (cells.length > 0) {
    tables.push(['Results', resultsTable(cells)]);
    tables.push(['Comparisons (within this run)', comparisonsTable(cells, slots, COMPARISONS)]);
  }
  if (streamRuns.length > 0) tables.push(['Open streams (a chunk a second)', streamsTable(streamRuns)]);
  if (soakRuns.length > 0) {
    tables.push([`Soak (chat-json, c=64, RSS after each tenth, MB)`, soakTable(soakRuns)]);
  }
  tables.push(['Goals', goalsTable(goals, memoryGoals)]);
  for (const c of checks) {
    if (c.error !== undefined) notes.push(`${c.workload} -> ${c.target}: check failed: ${c.error}`);
  }
  if (loadCpu !== undefined) {
    const busy = cells.filter((c) => {
      const upstreamPct =
        c.target === 'direct' ? c.targetCpuPct : (100 * c.upstreamCpuUsPerReq * c.load.rps) / 1e6;
      return c.loadgenCpuPct + upstreamPct > 90;
    });
    if (busy.length > 0) {
      notes.push(
        `CPU ${loadCpu} (load generator + fake upstream) was over 90% busy in: ` +
          busy.map((c) => `${c.workload} c=${c.concurrency} ${c.target}`).join('; ') +
          '. There the load side, not the target, may be the limit.',
      );
    }
  }
  const disturbed = cells.filter((c) => c.otherCpuPct > OTHER_CPU_LIMIT);
  if (disturbed.length > 0) {
    notes.push(
      `other processes on the machine used more than ${OTHER_CPU_LIMIT}% of a CPU during: ` +
        disturbed
          .map((c) => `${c.workload} c=${c.concurrency} ${c.target} (${c.otherCpuPct.toFixed(0)}%)`)
          .join('; ') +
        '. Those numbers are disturbed; rerun on a quiet machine or with --rounds.',
    );
  }
  if (cells.some((c) => !c.peakRssResettable))
    notes.push('peak RSS could not be reset per cell: it is the process peak so far.');
  const header =
    `${host.cpus} x ${host.cpuModel}, Linux ${host.kernel}, node ${host.node}; ${pinning}; ` +
    `${options.prime} s priming per workload x target, ${options.warmup} s warm-up + ${options.seconds} s measured per cell` +
    (options.rounds > 1 ? `, ${options.rounds} rounds (medians)` : '');

  const text = [
    '',
    header,
    ...tables.flatMap(([title, t]) => ['', `${title}:`, renderText(t)]),
    ...(notes.length ? ['', 'Notes:', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  process.stdout.write(text);

  const md = [
    `${header}`,
    ...tables.flatMap(([title, t]) => ['', `**${title}**`, '', renderMarkdown(t)]),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  const json = {
    date: new Date().toISOString(),
    machine: host,
    pinning,
    processes,
    options: {
      rounds: options.rounds,
      seconds: options.seconds,
      warmupSeconds: options.warmup,
      primeSeconds: options.prime,
    },
    workloads: options.workloads.map((w) => ({ name: w.name, description: w.description })),
    targets: TARGETS.filter((t) => options.targets.includes(t.name)).map((t) => ({
      name: t.name,
      description: t.description,
    })),
    checks,
    cells,
    ...(options.rounds > 1 ? { rounds: measured } : {}),
    streams: streamRuns,
    soak: soakRuns,
    comparisons: slots.map((s) => ({
      ...s,
      values: Object.fromEntries(
        COMPARISONS.map((cmp) => [cmp.label, compare(cells, s.workload, s.concurrency, cmp)]),
      ),
    })),
    goals: goals.map((g) => ({ ...g.goal, verdict: g.verdict, checks: g.checks })),
    memoryGoals,
    notes,
  };
  writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}latest.md`, md);
  log(
    `bench: wrote bench/results/latest.json and latest.md (Switchyard's log: bench/results/switchyard.log)`,
  );

  for (const t of running) await t.stop();
  await stopAll();
  process.exit(0);
}

main().catch(async (error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  await stopAll();
  process.exit(1);
});
