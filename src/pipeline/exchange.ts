import type { ServerResponse } from 'node:http';
import type { Usage } from '../core/usage.ts';
import type { Dialect } from '../providers/registry.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';
import type { FailedAttempt } from './attempt.ts';

/** One upstream request, ready to send. */
export interface UpstreamPlan {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | string;
  /** The answer will be streamed. */
  stream: boolean;
  /** A 2xx answer that is not SSE is still a stream (a streamed JSON array), not a whole body. */
  streamWithoutSse: boolean;
}

/** How a finished relay went, for the request record. */
export type RelayOutcome = 'complete' | 'truncated' | 'failed' | 'client_gone';

/** What an exchange needs from the data plane to answer the client. */
export interface Delivery {
  res: ServerResponse;
  requestId: string;
  /** Writes the head with the gateway's own headers added; `whole` for non-streamed answers. */
  writeHead(status: number, headers: Record<string, string | number>, whole: boolean): void;
  keepaliveMs: number;
  /** How long a client that stops reading may hold a stream. */
  clientStallMs: number;
}

export interface StreamResult {
  outcome: RelayOutcome;
  usage: Usage | null;
}

/**
 * One client request as it is sent to a target: same-dialect passthrough or translation.
 * The data plane owns routing, attempts and timing; an exchange owns the bytes.
 */
export interface Exchange {
  readonly clientDialect: Dialect;
  /** Builds the upstream request; throws a GatewayError when this target cannot take the request. */
  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan;
  /**
   * Looks at a whole 2xx body before the client is committed to it: a body that cannot be
   * answered from (an error inside a 200) becomes a failed attempt, retried or sent on.
   */
  checkBody?(upstreamHeaders: Readonly<Record<string, string>>, bytes: Uint8Array): FailedAttempt | undefined;
  /** Writes a whole successful JSON answer; returns its usage. */
  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null;
  /** Relays a stream whose first bytes have arrived. */
  relayStream(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    body: AsyncIterable<Uint8Array>,
  ): Promise<StreamResult>;
  /** Writes the provider's error answer (the last attempt's) in the client's dialect. */
  sendUpstreamError(
    delivery: Delivery,
    status: number,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    /** Differs from `status` when a 2xx body was unusable (HTML) and is answered as 502. */
    upstreamStatus?: number,
  ): void;
}

/** An answer the gateway makes itself for this target (a token-count estimate), with no upstream call. */
export interface LocalAnswer {
  readonly local: true;
  answer(delivery: Delivery): void;
}
