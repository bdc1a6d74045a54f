// The two memory phases of the bench, after the req/s matrix: many slow streams held open at
// once (memory per open stream), and a long soak of JSON requests (does RSS stay flat?).
// Each measures the targets already running, one after another, and returns a table, the
// goals it checks and its raw results for latest.json.

import type { HeldStreams } from './open-streams.ts';
import { holdStreams, maxProxiedStreams } from './open-streams.ts';
import type { ExtraGoalRow, Table } from './report.ts';
import type { SoakResult } from './soak.ts';
import { soak } from './soak.ts';
import type { RunningTarget } from './targets.ts';
import type { Workload } from './workloads.ts';

/** A slow OpenAI stream: a chunk a second for two minutes, longer than opening 10,000 takes. */
export const SLOW_STREAM = { kind: 'default', chunks: 120, frameDelayMs: 1000 } as const;

/** The issue's limits: 10,000 open streams in < 400 MB; RSS after the soak within 10% of RSS after its first 100,000. */
const STREAMS_GOAL_COUNT = 10_000;
const STREAMS_GOAL_MB = 400;
const SOAK_GOAL_PCT = 10;
/** The targets the memory goals apply to (the others are measured for comparison). */
const GATEWAY_TARGETS = ['switchyard', 'switchyard-translate'];

export interface StreamsRun {
  target: string;
  held: HeldStreams;
  /** RSS projected to STREAMS_GOAL_COUNT streams when fewer could be opened. */
  projectedMb: number | undefined;
}

type Log = (line: string) => void;

/** The stream count a proxy can really hold here: file descriptors cap it (two per stream). */
export function feasibleStreams(requested: number): { count: number; note?: string } {
  const max = maxProxiedStreams();
  if (requested <= max) return { count: requested };
  return {
    count: max,
    note:
      `${requested} streams were asked for, ${max} held: this machine's open-file limit (hard limit, ` +
      'not raisable without CAP_SYS_RESOURCE) gives a proxy two descriptors per stream. RSS at ' +
      `${requested} is projected from the measured MB per stream.`,
  };
}

/**
 * Each count against every target; `before` runs ahead of each count (the runner restarts
 * the targets there, so each count starts from an idle process), then `targets()` is read.
 */
export async function runStreamsPhase(
  counts: readonly number[],
  targets: () => readonly RunningTarget[],
  streamWorkload: Workload,
  log: Log,
  hooks: { before(first: boolean): Promise<void> },
): Promise<{ runs: Array<StreamsRun & { requested: number }>; notes: string[] }> {
  const runs: Array<StreamsRun & { requested: number }> = [];
  const notes: string[] = [];
  for (const [i, requested] of counts.entries()) {
    await hooks.before(i === 0);
    const { count, note } = feasibleStreams(requested);
    if (note !== undefined) notes.push(note);
    for (const target of targets()) {
      if (target.name === 'direct') continue;
      const request = streamWorkload.request(target);
      if (request === undefined) continue;
      log(`bench: ${count} open streams -> ${target.name}`);
      const held = await holdStreams({ baseUrl: target.url, request, streams: count, pid: target.pid });
      const projectedMb =
        count < requested && held.opened > 0 ? held.rssBeforeMb + held.mbPerStream * requested : undefined;
      log(
        `bench: ${target.name}: ${held.opened}/${count} open, RSS ${held.rssBeforeMb.toFixed(0)} -> ` +
          `${held.rssOpenMb.toFixed(0)} MB (${(held.mbPerStream * 1024).toFixed(1)} KB per stream), ` +
          `opened in ${held.openSeconds.toFixed(1)} s` +
          (held.failed > 0 ? `, ${held.failed} failed: ${held.firstError}` : ''),
      );
      runs.push({ requested, target: target.name, held, projectedMb });
    }
  }
  return { runs, notes };
}

export function streamsTable(runs: ReadonlyArray<StreamsRun & { requested: number }>): Table {
  return {
    headers: [
      'streams',
      'target',
      'open',
      'failed',
      'RSS before MB',
      'RSS open MB',
      'KB/stream',
      `RSS at ${STREAMS_GOAL_COUNT} MB`,
      'open s',
    ],
    right: [true, false, true, true, true, true, true, true, true],
    rows: runs.map((r) => [
      String(r.requested),
      r.target,
      String(r.held.opened),
      r.held.failed === 0 ? '0' : `${r.held.failed} (${r.held.firstError ?? '?'})`,
      r.held.rssBeforeMb.toFixed(0),
      r.held.rssOpenMb.toFixed(0),
      (r.held.mbPerStream * 1024).toFixed(1),
      atGoalCount(r)?.toFixed(0) ?? '-',
      r.held.openSeconds.toFixed(1),
    ]),
  };
}

/** RSS with STREAMS_GOAL_COUNT streams open: measured, or projected when the machine capped the count. */
function atGoalCount(r: StreamsRun & { requested: number }): number | undefined {
  if (r.requested !== STREAMS_GOAL_COUNT) return undefined;
  return r.projectedMb ?? r.held.rssOpenMb;
}

export function streamsGoals(runs: ReadonlyArray<StreamsRun & { requested: number }>): ExtraGoalRow[] {
  return runs
    .filter((r) => r.requested === STREAMS_GOAL_COUNT && GATEWAY_TARGETS.includes(r.target))
    .map((r) => {
      const mb = atGoalCount(r);
      const held = r.held.failed === 0;
      return {
        goal: 'open-streams-memory',
        rule: `RSS with ${STREAMS_GOAL_COUNT} open streams < ${STREAMS_GOAL_MB} MB`,
        subject: r.target,
        value:
          mb === undefined
            ? 'n/a'
            : `${mb.toFixed(0)} MB${r.projectedMb !== undefined ? ` (projected from ${r.held.opened})` : ''}`,
        verdict: mb === undefined || !held ? 'N/A' : mb < STREAMS_GOAL_MB ? 'PASS' : 'FAIL',
      };
    });
}

export interface SoakRun {
  target: string;
  result: SoakResult;
}

export async function runSoakPhase(
  total: number,
  targets: readonly RunningTarget[],
  workload: Workload,
  log: Log,
): Promise<SoakRun[]> {
  const runs: SoakRun[] = [];
  const checkpointEvery = Math.max(1, Math.round(total / 10));
  for (const target of targets) {
    const request = workload.request(target);
    if (request === undefined) continue;
    log(`bench: soak of ${total} requests (${workload.name}, c=64) -> ${target.name}`);
    const result = await soak({
      baseUrl: target.url,
      request,
      total,
      checkpointEvery,
      connections: 64,
      pid: target.pid,
    });
    log(
      `bench: ${target.name}: ${result.rps.toFixed(0)} req/s, RSS ${result.checkpoints
        .map((c) => c.rssMb.toFixed(0))
        .join(' ')} MB (growth ${result.growthPct.toFixed(1)}%)`,
    );
    runs.push({ target: target.name, result });
  }
  return runs;
}

export function soakTable(runs: readonly SoakRun[]): Table {
  const columns = Math.max(0, ...runs.map((r) => r.result.checkpoints.length));
  const first = runs[0]?.result.checkpoints;
  return {
    headers: [
      'target',
      'req/s',
      'non-2xx',
      'errors',
      ...Array.from({ length: columns }, (_, i) => `RSS@${shortCount(first?.[i]?.requests ?? 0)}`),
      'growth %',
    ],
    right: [false, true, true, true, ...Array.from({ length: columns }, () => true), true],
    rows: runs.map((r) => {
      const last = r.result.checkpoints.at(-1);
      return [
        r.target,
        r.result.rps.toFixed(0),
        String(last?.non2xx ?? 0),
        String(last?.errors ?? 0),
        ...Array.from({ length: columns }, (_, i) => r.result.checkpoints[i]?.rssMb.toFixed(1) ?? '-'),
        r.result.growthPct.toFixed(1),
      ];
    }),
  };
}

function shortCount(n: number): string {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n);
}

export function soakGoals(runs: readonly SoakRun[]): ExtraGoalRow[] {
  return runs
    .filter((r) => GATEWAY_TARGETS.includes(r.target))
    .map((r) => {
      const last = r.result.checkpoints.at(-1);
      const clean = last !== undefined && last.non2xx === 0 && last.errors === 0;
      return {
        goal: 'soak-rss-flat',
        rule: `RSS after the soak within ${SOAK_GOAL_PCT}% of RSS after its first tenth`,
        subject: `${r.target} (${last?.requests ?? 0} requests)`,
        value: `${r.result.growthPct >= 0 ? '+' : ''}${r.result.growthPct.toFixed(1)}%`,
        verdict: !clean ? 'N/A' : Math.abs(r.result.growthPct) <= SOAK_GOAL_PCT ? 'PASS' : 'FAIL',
      };
    });
}
