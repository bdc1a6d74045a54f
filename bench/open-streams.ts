// Many streaming requests held open at once against a target, and what they cost it in memory.
// The streams need a slow upstream (the runner sets the fake upstream's default reply to
// `{ kind: 'default', chunks: 30, frameDelayMs: 1000 }`: 30 s streams). Every stream is opened
// from this process over its own connection (one undici Pool, unlimited connections, pipelining
// 1); once each has its first body bytes, the target's RSS is sampled, then all are cut.

import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { openFdCount, peakRssBytes, resetPeakRss, rssBytes } from './procs.ts';
import type { RequestSpec } from './workloads.ts';

export interface HoldOptions {
  baseUrl: string;
  request: RequestSpec;
  streams: number;
  /** The process whose memory is reported. */
  pid: number;
  /** Streams without first body bytes this long after the first request count as failed (default 120 s). */
  openTimeoutMs?: number;
}

export interface HeldStreams {
  requested: number;
  /** Streams that had their first body bytes and were still open when the RSS was sampled. */
  opened: number;
  /** requested - opened. */
  failed: number;
  /** What happened to the first stream that failed. */
  firstError?: string;
  /** Target VmRSS just before the first request. */
  rssBeforeMb: number;
  /** Highest target VmRSS of the samples taken while the streams were open. */
  rssOpenMb: number;
  /** Target VmHWM after the samples: the peak since just before opening (since start if it cannot be reset). */
  hwmMb: number;
  /** (rssOpenMb - rssBeforeMb) / opened */
  mbPerStream: number;
  /** From the first request to the last stream's first body bytes (or the open timeout). */
  openSeconds: number;
}

/**
 * Streams being opened (no body bytes yet) at once. Node's default listen backlog is 511
 * (somaxconn 4096 here); staying well below it means no SYN is dropped and retried a second later.
 */
const OPENING_WINDOW = 256;
const RSS_SAMPLES = 5;
const RSS_SAMPLE_INTERVAL_MS = 400;
/** After the streams are cut, wait at most this long for the target to close its sockets. */
const CLOSE_TIMEOUT_MS = 30_000;
/** Descriptors the target may hold above its count before opening once it counts as closed. */
const FD_SLACK = 16;
const MB = 2 ** 20;

/**
 * How many streams a proxy can hold within this process's soft NOFILE limit (children inherit
 * it): two descriptors per stream (client and upstream socket), 100 kept for everything else.
 */
export function maxProxiedStreams(): number {
  const m = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (m === null) throw new Error('no "Max open files" in /proc/self/limits');
  const soft = m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
  return Math.floor((soft - 100) / 2);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type State = 'opening' | 'open' | 'failed';

export async function holdStreams(options: HoldOptions): Promise<HeldStreams> {
  const { request, streams, pid } = options;
  const openTimeoutMs = options.openTimeoutMs ?? 120_000;
  const pool = new Pool(options.baseUrl, {
    connections: null,
    pipelining: 1,
    connectTimeout: openTimeoutMs,
    headersTimeout: openTimeoutMs,
  });
  const states: State[] = [];
  let opening = 0;
  let settled = 0;
  let firstError: string | undefined;
  let cutting = false;
  let allSettled: () => void = () => {};
  const settledPromise = new Promise<void>((resolve) => {
    allSettled = resolve;
  });

  const settle = (i: number, state: 'open' | 'failed', error?: string): void => {
    if (cutting) return;
    if (states[i] === 'opening') {
      opening--;
      settled++;
      launch();
      if (settled === streams) allSettled();
    }
    // A stream that was open and then ended or broke is not held any more.
    states[i] = state;
    if (state === 'failed' && firstError === undefined) firstError = error;
  };

  const open = (i: number): void => {
    states[i] = 'opening';
    opening++;
    pool
      .request({ path: request.path, method: request.method, headers: request.headers, body: request.body })
      .then(
        (res) => {
          if (res.statusCode < 200 || res.statusCode > 299) {
            settle(i, 'failed', `HTTP ${res.statusCode}`);
            res.body.on('error', () => {}).resume();
            return;
          }
          res.body.on('data', () => {
            if (states[i] === 'opening') settle(i, 'open');
          });
          res.body.once('end', () => settle(i, 'failed', 'the stream ended before the RSS was sampled'));
          res.body.once('error', (e: Error) => settle(i, 'failed', e.message));
        },
        (e: Error) => settle(i, 'failed', e.message),
      );
  };

  let launched = 0;
  let launching = true;
  function launch(): void {
    while (launching && launched < streams && opening < OPENING_WINDOW) open(launched++);
  }

  const fdsBefore = openFdCount(pid);
  resetPeakRss(pid);
  const rssBefore = rssBytes(pid);
  const start = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, openTimeoutMs);
  });
  launch();
  if (streams > 0) await Promise.race([settledPromise, timedOut]);
  clearTimeout(timer);
  const openSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  launching = false;
  for (let i = 0; i < states.length; i++) {
    if (states[i] === 'opening') settle(i, 'failed', `no body bytes within ${openTimeoutMs} ms`);
  }

  let rssOpen = 0;
  for (let s = 0; s < RSS_SAMPLES; s++) {
    if (s > 0) await sleep(RSS_SAMPLE_INTERVAL_MS);
    rssOpen = Math.max(rssOpen, rssBytes(pid));
  }
  const hwm = peakRssBytes(pid);
  const opened = states.filter((s) => s === 'open').length;

  cutting = true;
  await pool.destroy();
  const deadline = Date.now() + CLOSE_TIMEOUT_MS;
  while (Date.now() < deadline && !(openFdCount(pid) <= fdsBefore + FD_SLACK)) await sleep(100);

  const rssBeforeMb = rssBefore / MB;
  const rssOpenMb = rssOpen / MB;
  return {
    requested: streams,
    opened,
    failed: streams - opened,
    ...(firstError === undefined ? {} : { firstError }),
    rssBeforeMb,
    rssOpenMb,
    hwmMb: hwm / MB,
    mbPerStream: opened > 0 ? (rssOpenMb - rssBeforeMb) / opened : Number.NaN,
    openSeconds,
  };
}
