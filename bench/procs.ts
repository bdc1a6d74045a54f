// Child processes of the bench and what /proc says about them: CPU pinning with taskset,
// spawning and stopping, CPU time and peak RSS. Linux only (the numbers come from /proc).

import type { ChildProcess, StdioOptions } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';

/** Flags every TypeScript child runs with (same as `npm start`). */
export const NODE_FLAGS = ['--disable-warning=ExperimentalWarning'] as const;

let tasksetChecked: boolean | undefined;

/** Whether `taskset` can be run here. */
export function tasksetAvailable(): boolean {
  if (tasksetChecked === undefined) {
    const probe = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    tasksetChecked = probe.error === undefined && probe.status === 0;
  }
  return tasksetChecked;
}

/** Pin every thread of `pid` to `cpu`. Returns false (and leaves it alone) when that is not possible. */
export function pinPid(pid: number, cpu: number): boolean {
  if (!tasksetAvailable()) return false;
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** `Cpus_allowed_list` of a process, e.g. `0` or `0-1`. */
export function allowedCpus(pid: number): string {
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readProc(pid, 'status'));
  return m?.[1] ?? '?';
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time of the whole process (all threads), in microseconds. */
export function cpuTimeUs(pid: number): number {
  const stat = readProc(pid, 'stat');
  // Fields after the `(comm)`, which may itself contain spaces: state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? (ticks * 1e6) / ticksPerSecond() : Number.NaN;
}

export interface CpuTicks {
  busy: number;
  total: number;
}

/** Busy and total ticks of each CPU since boot (`/proc/stat`); busy includes irq, softirq and steal. */
export function cpuTicks(): CpuTicks[] {
  const out: CpuTicks[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2]!.split(/\s+/).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    out[Number(m[1])] = { busy, total: busy + idle! + iowait! };
  }
  return out;
}

/** Percent busy of each CPU between two `cpuTicks()` readings. */
export function cpuBusyPct(before: readonly CpuTicks[], after: readonly CpuTicks[]): number[] {
  return after.map((a, i) => {
    const b = before[i];
    const total = b ? a.total - b.total : 0;
    return b && total > 0 ? (100 * (a.busy - b.busy)) / total : Number.NaN;
  });
}

/** Peak resident set size (VmHWM) in bytes. */
export function peakRssBytes(pid: number): number {
  const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(readProc(pid, 'status'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Resident set size (VmRSS) in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s*(\d+)\s*kB/m.exec(readProc(pid, 'status'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Open file descriptors of a process (sockets included); NaN when /proc does not tell. */
export function openFdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** Reset VmHWM to the current RSS (`echo 5 > clear_refs`), so the next read is the peak since now. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A port that was free a moment ago on 127.0.0.1 (for children that cannot report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  kernel: string;
}

export function machine(): Machine {
  let kernel = '?';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {}
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? '?',
    node: process.version,
    kernel,
  };
}

// ---- children --------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const exitHooks: Array<() => void> = [];

/** Runs at process exit, after the children are killed (for temp dirs and the like). */
export function onExit(hook: () => void): void {
  exitHooks.push(hook);
}

export interface SpawnOptions {
  /** Pin to this CPU with `taskset -c` (ignored when taskset is unavailable). */
  cpu?: number;
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  serialization?: 'json' | 'advanced';
}

/**
 * Spawn `process.execPath args...`, under `taskset -c cpu` when asked and possible.
 * taskset execs the program, so the child's pid is the program's pid.
 */
export function spawnNode(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const node = [process.execPath, ...NODE_FLAGS, ...args];
  const pinned = options.cpu !== undefined && tasksetAvailable();
  const [cmd, ...rest] = pinned ? ['taskset', '-c', String(options.cpu), ...node] : node;
  const child = spawn(cmd!, rest, {
    env: options.env ?? process.env,
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
    serialization: options.serialization ?? 'json',
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Whether the child has neither exited nor been killed by a signal. */
export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

let handlersInstalled = false;

/**
 * Kill every child on exit, uncaught error, Ctrl-C and SIGTERM, then run the exit hooks.
 * `process.on('exit')` is synchronous, so there it is SIGKILL; the signal paths try SIGTERM first.
 */
export function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const child of children) if (alive(child)) child.kill('SIGKILL');
    for (const hook of exitHooks.splice(0)) {
      try {
        hook();
      } catch {}
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the child processes\n`);
      const force = setTimeout(() => process.exit(130), 4000);
      force.unref();
      void stopAll().then(() => process.exit(130));
    });
  }
}

/** Wait for the first IPC message of the child that satisfies `accept`, or fail when it exits first. */
export function waitForMessage<T>(
  child: ChildProcess,
  accept: (msg: unknown) => T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (msg: unknown): void => {
      const value = accept(msg);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`${what} exited before it was ready (code ${code}, signal ${signal})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** `{type:'ready', port}` from a child started by this bench. */
export function readyPort(msg: unknown): number | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as { type?: unknown; port?: unknown };
  return m.type === 'ready' && typeof m.port === 'number' ? m.port : undefined;
}
