// The results of a run: one cell per workload x concurrency x target, the comparisons between
// targets within a cell, and the goals, as text tables (terminal) and Markdown (docs).

import type { Comparison, Field, Goal } from './goals.ts';
import type { LoadResult } from './load.ts';

export interface Cell {
  workload: string;
  concurrency: number;
  target: string;
  /** Why the one-off check of the response failed; `undefined` when it passed. */
  checkError: string | undefined;
  load: LoadResult;
  /** CPU time of the target process per 2xx response, microseconds. */
  cpuUsPerReq: number;
  /** CPU use of the target process over the window, % of one core. */
  targetCpuPct: number;
  /** Peak RSS of the target process during the window (whole life when it cannot be reset), MiB. */
  peakRssMb: number;
  peakRssResettable: boolean;
  /** CPU of the fake upstream per 2xx response (for direct, the same as cpuUsPerReq). */
  upstreamCpuUsPerReq: number;
  /** CPU use of the load generator over the window, % of one core. */
  loadgenCpuPct: number;
  /** Rounds merged into this cell (`--rounds`); 1 otherwise. */
  rounds: number;
  /** Lowest and highest req/s over the rounds. */
  rpsRange: [number, number];
  /**
   * CPU used by anything but the bench's own processes during the window, % of one CPU: the
   * machine's busy time (all CPUs) minus the target, the fake upstream and the load generator.
   * Kernel network work not charged to a process lands here too, so a quiet machine shows ~5-15.
   */
  otherCpuPct: number;
  /** How busy each CPU of the machine was over the window (from /proc/stat, interrupts included), %. */
  cpuBusyPct: number[];
}

/** A cell whose numbers can be compared: the check passed and every response was a 2xx. */
export function valid(cell: Cell): boolean {
  return (
    cell.checkError === undefined && cell.load.ok > 0 && cell.load.non2xx === 0 && cell.load.errors === 0
  );
}

export function errorSummary(cell: Cell): string {
  const parts: string[] = [];
  if (cell.checkError !== undefined) parts.push('check failed');
  const statuses = Object.entries(cell.load.statuses).map(([code, n]) => `${code}x${n}`);
  if (cell.load.non2xx > 0)
    parts.push(`non-2xx ${cell.load.non2xx}${statuses.length ? ` (${statuses.join(' ')})` : ''}`);
  if (cell.load.errors > 0) {
    parts.push(`errors ${cell.load.errors}${cell.load.timeouts ? ` (${cell.load.timeouts} timeouts)` : ''}`);
  }
  if (parts.length === 0 && cell.load.ok === 0) parts.push('no responses');
  return parts.length === 0 ? '0' : `ERROR: ${parts.join(', ')}`;
}

function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * One cell per workload x concurrency x target from several rounds of the matrix: the median
 * of each rate, latency and CPU number, the highest peak RSS, and every non-2xx and error summed.
 */
export function mergeRounds(measured: readonly Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const c of measured) {
    const key = `${c.workload}\u0000${c.concurrency}\u0000${c.target}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const first = group[0]!;
    const m = (f: (c: Cell) => number): number => median(group.map(f));
    const sum = (f: (c: Cell) => number): number => group.reduce((n, c) => n + f(c), 0);
    const statuses: Record<string, number> = {};
    for (const c of group) {
      for (const [code, n] of Object.entries(c.load.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    }
    const rps = group.map((c) => c.load.rps);
    return {
      ...first,
      checkError: group.find((c) => c.checkError !== undefined)?.checkError,
      load: {
        seconds: sum((c) => c.load.seconds),
        ok: sum((c) => c.load.ok),
        rps: m((c) => c.load.rps),
        p50Ms: m((c) => c.load.p50Ms),
        p99Ms: m((c) => c.load.p99Ms),
        non2xx: sum((c) => c.load.non2xx),
        statuses,
        errors: sum((c) => c.load.errors),
        timeouts: sum((c) => c.load.timeouts),
        loadgenCpuUs: sum((c) => c.load.loadgenCpuUs),
      },
      cpuUsPerReq: m((c) => c.cpuUsPerReq),
      targetCpuPct: m((c) => c.targetCpuPct),
      peakRssMb: Math.max(...group.map((c) => c.peakRssMb)),
      peakRssResettable: group.every((c) => c.peakRssResettable),
      upstreamCpuUsPerReq: m((c) => c.upstreamCpuUsPerReq),
      loadgenCpuPct: m((c) => c.loadgenCpuPct),
      otherCpuPct: m((c) => c.otherCpuPct),
      rounds: group.length,
      rpsRange: [Math.min(...rps), Math.max(...rps)],
      cpuBusyPct: first.cpuBusyPct.map((_, i) => m((c) => c.cpuBusyPct[i] ?? Number.NaN)),
    };
  });
}

// ---- comparisons and goals ---------------------------------------------------------------

function fieldOf(cell: Cell, field: Field): number {
  if (field === 'cpuUsPerReq') return cell.cpuUsPerReq;
  return cell.load[field];
}

function findCell(
  cells: readonly Cell[],
  workload: string,
  concurrency: number,
  target: string,
): Cell | undefined {
  return cells.find((c) => c.workload === workload && c.concurrency === concurrency && c.target === target);
}

export interface Compared {
  value: number | undefined;
  /** Why there is no value. */
  reason?: string;
}

export function compare(
  cells: readonly Cell[],
  workload: string,
  concurrency: number,
  cmp: Comparison,
): Compared {
  const a = findCell(cells, workload, concurrency, cmp.a);
  const b = findCell(cells, workload, concurrency, cmp.b);
  if (a === undefined || b === undefined) return { value: undefined, reason: 'not measured' };
  const broken = [a, b].filter((c) => !valid(c)).map((c) => c.target);
  if (broken.length > 0) return { value: undefined, reason: `${broken.join(', ')} errored` };
  const x = fieldOf(a, cmp.field);
  const y = fieldOf(b, cmp.field);
  const value = cmp.kind === 'ratio' ? x / y : x - y;
  return Number.isFinite(value) ? { value } : { value: undefined, reason: 'no data' };
}

export function formatCompared(cmp: Comparison, c: Compared): string {
  if (c.value === undefined) return 'n/a';
  return cmp.kind === 'ratio' ? c.value.toFixed(2) : `${c.value >= 0 ? '+' : ''}${c.value.toFixed(3)}`;
}

export interface GoalCheck {
  workload: string;
  concurrency: number;
  compared: Compared;
  verdict: 'pass' | 'fail' | 'n/a';
}

export interface GoalResult {
  goal: Goal;
  checks: GoalCheck[];
  verdict: 'pass' | 'fail' | 'n/a';
}

export function evaluateGoals(
  cells: readonly Cell[],
  goals: readonly Goal[],
  slots: readonly Slot[],
): GoalResult[] {
  return goals.map((goal) => {
    const checks: GoalCheck[] = [];
    for (const { workload, concurrency } of slots) {
      if (goal.workloads && !goal.workloads.includes(workload)) continue;
      if (goal.concurrency && !goal.concurrency.includes(concurrency)) continue;
      const compared = compare(cells, workload, concurrency, goal.compare);
      const v = compared.value;
      const verdict =
        v === undefined
          ? 'n/a'
          : (goal.op === '>=' ? v >= goal.threshold : v <= goal.threshold)
            ? 'pass'
            : 'fail';
      checks.push({ workload, concurrency, compared, verdict });
    }
    const verdict = checks.some((c) => c.verdict === 'fail')
      ? 'fail'
      : checks.length > 0 && checks.every((c) => c.verdict === 'pass')
        ? 'pass'
        : 'n/a';
    return { goal, checks, verdict };
  });
}

// ---- tables ------------------------------------------------------------------------------

/** A workload x concurrency pair, in run order. */
export interface Slot {
  workload: string;
  concurrency: number;
}

export interface Table {
  headers: string[];
  /** Columns aligned right (numbers). */
  right: boolean[];
  rows: string[][];
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function resultsTable(cells: readonly Cell[]): Table {
  return {
    headers: ['workload', 'c', 'target', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', 'errors'],
    right: [false, true, false, true, true, true, true, true, false],
    rows: cells.map((c) => {
      const ok = c.load.ok > 0;
      return [
        c.workload,
        String(c.concurrency),
        c.target,
        !ok
          ? '-'
          : c.rounds > 1
            ? `${fixed(c.load.rps, 0)} (${c.rpsRange.map((r) => fixed(r, 0)).join('-')})`
            : fixed(c.load.rps, 0),
        ok ? fixed(c.load.p50Ms, 3) : '-',
        ok ? fixed(c.load.p99Ms, 3) : '-',
        ok ? fixed(c.cpuUsPerReq, 0) : '-',
        fixed(c.peakRssMb, 1),
        errorSummary(c),
      ];
    }),
  };
}

export function comparisonsTable(
  cells: readonly Cell[],
  slots: readonly Slot[],
  comparisons: readonly Comparison[],
): Table {
  return {
    headers: ['workload', 'c', ...comparisons.map((c) => c.label)],
    right: [false, true, ...comparisons.map(() => true)],
    rows: slots.map((s) => [
      s.workload,
      String(s.concurrency),
      ...comparisons.map((cmp) => formatCompared(cmp, compare(cells, s.workload, s.concurrency, cmp))),
    ]),
  };
}

/** A goal checked outside the req/s matrix (memory): one row, already judged. */
export interface ExtraGoalRow {
  goal: string;
  rule: string;
  subject: string;
  value: string;
  verdict: 'PASS' | 'FAIL' | 'N/A';
}

export function goalsTable(results: readonly GoalResult[], extra: readonly ExtraGoalRow[] = []): Table {
  const rows: string[][] = [];
  for (const r of results) {
    for (const c of r.checks) {
      rows.push([
        r.goal.name,
        `${r.goal.compare.label} ${r.goal.op} ${r.goal.threshold}`,
        c.workload,
        String(c.concurrency),
        c.compared.value === undefined
          ? `n/a (${c.compared.reason})`
          : formatCompared(r.goal.compare, c.compared),
        c.verdict.toUpperCase(),
      ]);
    }
  }
  for (const r of extra) rows.push([r.goal, r.rule, r.subject, '-', r.value, r.verdict]);
  return {
    headers: ['goal', 'rule', 'workload', 'c', 'value', 'verdict'],
    right: [false, false, false, true, true, false],
    rows,
  };
}

export function renderText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (t.right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(t.headers), line(widths.map((w) => '-'.repeat(w))), ...t.rows.map(line)].join('\n');
}

export function renderMarkdown(t: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const line = (cells: string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  return [
    line(t.headers),
    `|${t.right.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...t.rows.map(line),
  ].join('\n');
}
