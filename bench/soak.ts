// A long run (say 1M requests) in chunks, with the target's RSS after each chunk: does its
// memory settle or keep growing? Each chunk is one autocannon run with `amount` requests.

import { type AutocannonInstance, type AutocannonResult, autocannon } from './autocannon.ts';
import { rssBytes } from './procs.ts';
import type { RequestSpec } from './workloads.ts';

export interface SoakOptions {
  baseUrl: string;
  request: RequestSpec;
  total: number;
  checkpointEvery: number;
  connections: number;
  /** The process whose RSS is recorded. */
  pid: number;
}

/** One checkpoint, after a chunk; the counts and times are totals since the start of the soak. */
export interface SoakCheckpoint {
  /** Responses received. */
  requests: number;
  rssMb: number;
  /** Load time: the chunks from their start to their last response (no gaps between chunks). */
  seconds: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

export interface SoakResult {
  checkpoints: SoakCheckpoint[];
  /** 2xx responses per second of load time. */
  rps: number;
  /** RSS after the first chunk (so startup and warm-up are not counted as growth). */
  firstCheckpointRssMb: number;
  finalRssMb: number;
  /** 100 * (final - first) / first */
  growthPct: number;
}

const MB = 2 ** 20;

let current: AutocannonInstance | undefined;
let stopped = false;

/** Stop the soak (for Ctrl-C): the chunk in progress ends and no other starts. */
export function stopSoak(): void {
  stopped = true;
  current?.stop();
}

interface Chunk {
  result: AutocannonResult;
  responses: number;
  seconds: number;
}

function runChunk(options: SoakOptions, amount: number): Promise<Chunk> {
  const { request } = options;
  const start = process.hrtime.bigint();
  let last = start;
  let responses = 0;
  return new Promise((resolve, reject) => {
    current = autocannon(
      {
        url: options.baseUrl + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        // autocannon refuses more connections than requests.
        connections: Math.min(options.connections, amount),
        pipelining: 1,
        amount,
        timeout: 10,
        sampleInt: 100,
      },
      (error, result) => {
        current = undefined;
        if (error) reject(error);
        else resolve({ result, responses, seconds: Number(last - start) / 1e9 });
      },
    );
    current.on('response', () => {
      responses++;
      last = process.hrtime.bigint();
    });
  });
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
  if (!(options.total > 0) || !(options.checkpointEvery > 0)) {
    throw new Error('soak: total and checkpointEvery must be > 0');
  }
  stopped = false;
  const checkpoints: SoakCheckpoint[] = [];
  let sent = 0;
  let ok = 0;
  const totals = { requests: 0, seconds: 0, non2xx: 0, errors: 0 };
  while (sent < options.total && !stopped) {
    const amount = Math.min(options.checkpointEvery, options.total - sent);
    const { result, responses, seconds } = await runChunk(options, amount);
    sent += amount;
    ok += result['2xx'];
    totals.requests += responses;
    totals.seconds += seconds;
    totals.non2xx += result.non2xx;
    totals.errors += result.errors;
    checkpoints.push({ ...totals, rssMb: rssBytes(options.pid) / MB });
  }
  const first = checkpoints[0]?.rssMb ?? Number.NaN;
  const final = checkpoints.at(-1)?.rssMb ?? Number.NaN;
  return {
    checkpoints,
    rps: ok / totals.seconds,
    firstCheckpointRssMb: first,
    finalRssMb: final,
    growthPct: (100 * (final - first)) / first,
  };
}
