import type { Operation } from '../core/operation.ts';
import type { Usage } from '../core/usage.ts';

export interface AttemptRecord {
  model: string;
  provider: string;
  /** Upstream status; null when no response arrived. */
  status: number | null;
  latencyMs: number;
  error?: string;
}

/** One data-plane request, as budgets, usage and traces will consume it. */
export interface RequestRecord {
  requestId: string;
  operation: Operation;
  endpoint: string | null;
  /** The model definition that served. */
  model: string | null;
  provider: string | null;
  stream: boolean;
  /** Status sent to the client (499: the client went away first). */
  status: number;
  usage: Usage | null;
  attempts: AttemptRecord[];
  startedAt: number;
  durationMs: number;
  /** Time spent waiting on the provider (head and body). */
  upstreamMs: number;
  error?: string;
}

export interface RequestRecordSink {
  record(record: RequestRecord): void;
}

/** Keeps the latest records in a ring: for tests, and the default until traces have a home. */
export class MemoryRecordSink implements RequestRecordSink {
  readonly #ring: RequestRecord[] = [];
  readonly #limit: number;
  #next = 0;

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  record(record: RequestRecord): void {
    if (this.#ring.length < this.#limit) this.#ring.push(record);
    else this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.#limit;
  }

  /** Oldest first. */
  get records(): RequestRecord[] {
    if (this.#ring.length < this.#limit) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }
}
