// What the bench compares and the performance targets it checks ("goals" here, so as not to
// clash with the targets under test: direct, thin-proxy, switchyard). Only comparisons within
// one run mean anything: the host's speed drifts by tens of percent between runs.
// To add one, append to COMPARISONS (printed for every workload x concurrency) or GOALS.

/** A per-cell number that comparisons can use. */
export type Field = 'rps' | 'p50Ms' | 'p99Ms' | 'cpuUsPerReq';

/** `a / b` (ratio) or `a - b` (difference) of one field between two targets in the same cell. */
export interface Comparison {
  /** Column heading, e.g. `sy/thin req/s`. */
  label: string;
  kind: 'ratio' | 'difference';
  field: Field;
  a: string;
  b: string;
}

export interface Goal {
  name: string;
  description: string;
  compare: Comparison;
  op: '>=' | '<=';
  threshold: number;
  /** Workloads it applies to; default all. */
  workloads?: readonly string[];
  /** Concurrencies it applies to; default all. */
  concurrency?: readonly number[];
}

function ratio(label: string, field: Field, a: string, b: string): Comparison {
  return { label, kind: 'ratio', field, a, b };
}

function added(label: string, a: string, b: string): Comparison {
  return { label, kind: 'difference', field: 'p50Ms', a, b };
}

const SY = 'switchyard';
const TR = 'switchyard-translate';

export const SY_VS_THIN_RPS = ratio('sy/thin req/s', 'rps', SY, 'thin-proxy');
export const TR_VS_THIN_RPS = ratio('tr/thin req/s', 'rps', TR, 'thin-proxy');
export const SY_VS_PORTKEY_RPS = ratio('sy/portkey req/s', 'rps', SY, 'portkey');
export const TR_VS_PORTKEY_RPS = ratio('tr/portkey req/s', 'rps', TR, 'portkey');
export const PORTKEY_VS_THIN_RPS = ratio('portkey/thin req/s', 'rps', 'portkey', 'thin-proxy');
export const SY_ADDED_P50 = added('sy-direct p50 ms', SY, 'direct');
export const THIN_ADDED_P50 = added('thin-direct p50 ms', 'thin-proxy', 'direct');
export const SY_VS_THIN_CPU = ratio('sy/thin CPU/req', 'cpuUsPerReq', SY, 'thin-proxy');
export const TR_VS_THIN_CPU = ratio('tr/thin CPU/req', 'cpuUsPerReq', TR, 'thin-proxy');

/** With a baseline checkout in the run (BENCH_BASELINE_CHECKOUT): this tree against it. */
const BASELINE_COMPARISONS: readonly Comparison[] = process.env['BENCH_BASELINE_CHECKOUT']
  ? [
      ratio('sy/base req/s', 'rps', SY, 'baseline'),
      ratio('tr/base req/s', 'rps', TR, 'baseline-translate'),
      ratio('sy/base CPU/req', 'cpuUsPerReq', SY, 'baseline'),
      ratio('tr/base CPU/req', 'cpuUsPerReq', TR, 'baseline-translate'),
    ]
  : [];

export const COMPARISONS: readonly Comparison[] = [
  ...BASELINE_COMPARISONS,
  SY_VS_THIN_RPS,
  TR_VS_THIN_RPS,
  SY_VS_PORTKEY_RPS,
  TR_VS_PORTKEY_RPS,
  PORTKEY_VS_THIN_RPS,
  SY_ADDED_P50,
  THIN_ADDED_P50,
  SY_VS_THIN_CPU,
  TR_VS_THIN_CPU,
];

/** The targets are set on the short chat turn, JSON and streamed; the other workloads are reported. */
const CHAT_WORKLOADS = ['chat-json', 'chat-stream-40'];

export const GOALS: readonly Goal[] = [
  {
    name: 'passthrough-vs-thin-proxy',
    description: "Switchyard passthrough >= 90% of the thin proxy's req/s",
    compare: SY_VS_THIN_RPS,
    op: '>=',
    threshold: 0.9,
    workloads: CHAT_WORKLOADS,
  },
  {
    name: 'added-p50-at-c1',
    description: 'Switchyard passthrough adds <= 0.15 ms to the p50 over direct at c=1',
    compare: SY_ADDED_P50,
    op: '<=',
    threshold: 0.15,
    concurrency: [1],
    workloads: CHAT_WORKLOADS,
  },
  {
    name: 'passthrough-vs-portkey',
    description:
      "Switchyard passthrough >= 10x Portkey's req/s where both are CPU-bound (c=16, 64; at c=1 req/s is 1/latency)",
    compare: SY_VS_PORTKEY_RPS,
    op: '>=',
    threshold: 10,
    concurrency: [16, 64],
    workloads: CHAT_WORKLOADS,
  },
  {
    name: 'translation-vs-thin-proxy',
    description:
      "Switchyard translating (Anthropic client -> OpenAI-dialect upstream) >= 75% of the thin proxy's req/s relaying the same conversation",
    compare: TR_VS_THIN_RPS,
    op: '>=',
    threshold: 0.75,
    workloads: CHAT_WORKLOADS,
  },
];
