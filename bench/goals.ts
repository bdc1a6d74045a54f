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

export const SY_VS_THIN_RPS: Comparison = {
  label: 'sy/thin req/s',
  kind: 'ratio',
  field: 'rps',
  a: 'switchyard',
  b: 'thin-proxy',
};
export const THIN_VS_DIRECT_RPS: Comparison = {
  label: 'thin/direct req/s',
  kind: 'ratio',
  field: 'rps',
  a: 'thin-proxy',
  b: 'direct',
};
export const SY_ADDED_P50: Comparison = {
  label: 'sy-direct p50 ms',
  kind: 'difference',
  field: 'p50Ms',
  a: 'switchyard',
  b: 'direct',
};
export const THIN_ADDED_P50: Comparison = {
  label: 'thin-direct p50 ms',
  kind: 'difference',
  field: 'p50Ms',
  a: 'thin-proxy',
  b: 'direct',
};
export const SY_VS_THIN_CPU: Comparison = {
  label: 'sy/thin CPU/req',
  kind: 'ratio',
  field: 'cpuUsPerReq',
  a: 'switchyard',
  b: 'thin-proxy',
};

export const COMPARISONS: readonly Comparison[] = [
  SY_VS_THIN_RPS,
  THIN_VS_DIRECT_RPS,
  SY_ADDED_P50,
  THIN_ADDED_P50,
  SY_VS_THIN_CPU,
];

const PASSTHROUGH_WORKLOADS = ['chat-json', 'chat-stream-40'];
const TRANSLATION_WORKLOADS = ['translate-json', 'translate-stream-40'];

export const GOALS: readonly Goal[] = [
  {
    name: 'throughput-vs-thin-proxy',
    description: "Switchyard passthrough >= 85% of the thin proxy's req/s",
    compare: SY_VS_THIN_RPS,
    op: '>=',
    threshold: 0.85,
    workloads: PASSTHROUGH_WORKLOADS,
  },
  {
    name: 'translation-vs-thin-proxy',
    description: "Switchyard translating >= 70% of the thin proxy's req/s (relaying the same conversation)",
    compare: SY_VS_THIN_RPS,
    op: '>=',
    threshold: 0.7,
    workloads: TRANSLATION_WORKLOADS,
  },
  {
    name: 'added-p50-at-c1',
    description: 'Switchyard passthrough adds <= 0.15 ms to the p50 over direct at c=1',
    compare: SY_ADDED_P50,
    op: '<=',
    threshold: 0.15,
    concurrency: [1],
    workloads: PASSTHROUGH_WORKLOADS,
  },
];
