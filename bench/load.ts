// One load window with autocannon, in this process. autocannon's own latency histogram keeps
// whole milliseconds (sub-millisecond samples are truncated), far too coarse for a 0.15 ms
// target, so latencies are taken from its per-response event (float ms from hrtime) and the
// percentiles computed here. Only 2xx responses count toward req/s and latency.

import { type AutocannonInstance, autocannon } from './autocannon.ts';
import type { RequestSpec } from './workloads.ts';

export interface LoadResult {
  /** Wall time of the window, seconds. */
  seconds: number;
  /** 2xx responses. */
  ok: number;
  /** 2xx responses per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx. */
  non2xx: number;
  /** Status code => count, for the non-2xx ones. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts (autocannon's `errors`, timeouts included). */
  errors: number;
  timeouts: number;
  /** CPU time of this process (the load generator) during the window, microseconds. */
  loadgenCpuUs: number;
}

export interface LoadOptions {
  baseUrl: string;
  request: RequestSpec;
  connections: number;
  seconds: number;
}

/** Percentile (nearest rank) of sorted samples. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

let current: AutocannonInstance | undefined;

/** Stop the window in progress, if any (for Ctrl-C). */
export function stopLoad(): void {
  current?.stop();
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { request } = options;
  let samples = new Float64Array(1 << 16);
  let ok = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        connections: options.connections,
        pipelining: 1,
        duration: options.seconds,
        timeout: 10,
      },
      (error, result) => {
        current = undefined;
        if (error) {
          reject(error);
          return;
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpuBefore);
        const sorted = samples.subarray(0, ok).sort();
        const statuses: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
          if (!code.startsWith('2')) statuses[code] = count;
        }
        resolve({
          seconds,
          ok,
          rps: ok / seconds,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          non2xx: result.non2xx,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          loadgenCpuUs: cpu.user + cpu.system,
        });
      },
    );
    current = instance;
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status < 200 || status > 299) return;
      if (ok === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[ok++] = ms;
    });
  });
}
