// The part of autocannon's API the bench uses (it ships no types), loaded once.

import { createRequire } from 'node:module';

export interface AutocannonOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  pipelining: number;
  timeout: number;
  /** Seconds to run; or `amount` requests. */
  duration?: number;
  amount?: number;
  /** How often autocannon checks whether it is done (ms); its default (1 s) idles up to 1 s after `amount`. */
  sampleInt?: number;
}

export interface AutocannonResult {
  '2xx': number;
  errors: number;
  timeouts: number;
  resets: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

export interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  stop(): void;
}

type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
