import type { AttemptFailure } from '../routing/failure.ts';
import { retryAfterMs } from '../routing/failure.ts';
import { TransportError, toTransportError } from '../transport/errors.ts';
import { sendUpstream, type UpstreamTimeouts } from '../transport/http-client.ts';
import type { UpstreamPlan } from './exchange.ts';
import { isJsonDocument } from './json-document.ts';

export type AttemptResult =
  | { kind: 'body'; status: number; headers: Readonly<Record<string, string>>; bytes: Uint8Array }
  | {
      kind: 'stream';
      status: number;
      headers: Readonly<Record<string, string>>;
      body: AsyncIterable<Uint8Array>;
    }
  | FailedAttempt;

export interface FailedAttempt {
  kind: 'failed';
  failure: AttemptFailure;
  /** The status the client would see for this failure (502 for an unusable 2xx body). */
  clientStatus: number;
  upstreamStatus: number | null;
  headers: Readonly<Record<string, string>>;
  /** The provider's error body; undefined when no answer arrived. */
  bytes?: Uint8Array;
  /** Transport failures: why, for the record and the client's 502/504. */
  transport?: TransportError;
}

/**
 * A 2xx that is no answer (empty, not JSON, or one a codec cannot read): a failed attempt
 * answered as 502 if nothing better comes, and a trigger for retry and fallback like a 5xx.
 */
export function unusableAnswer(
  upstreamStatus: number,
  headers: Readonly<Record<string, string>>,
  bytes: Uint8Array,
): FailedAttempt {
  return {
    kind: 'failed',
    failure: { kind: 'status', status: 502 },
    clientStatus: 502,
    upstreamStatus,
    headers,
    bytes,
  };
}

/** The client went away: no more attempts, nothing to answer. */
export class ClientGone extends Error {}

function transportFailure(error: unknown): FailedAttempt {
  // Not a transport failure (a header value undici refuses, a bug): it must not count
  // against the model or be retried.
  const transport = toTransportError(error);
  if (!transport) throw error;
  if (transport.kind === 'aborted') throw new ClientGone('client went away');
  return {
    kind: 'failed',
    failure: { kind: transport.kind === 'timeout' ? 'timeout' : 'connect' },
    clientStatus: transport.kind === 'timeout' ? 504 : 502,
    upstreamStatus: null,
    headers: {},
    transport,
  };
}

/** The stream's first chunk is in hand before the client is committed to this attempt. */
async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

/**
 * One upstream exchange, up to the point where the client could be answered: a whole body,
 * or a stream whose first bytes have arrived. Everything before that point can still be
 * retried or sent elsewhere; nothing has reached the client.
 */
export async function attemptUpstream(
  plan: UpstreamPlan,
  timeouts: UpstreamTimeouts,
  signal: AbortSignal,
): Promise<AttemptResult> {
  if (timeouts.totalMs <= 0) {
    return transportFailure(new TransportError('timeout', 'request deadline passed', { phase: 'total' }));
  }
  let upstream: Awaited<ReturnType<typeof sendUpstream>>;
  try {
    upstream = await sendUpstream({
      url: plan.url,
      method: 'POST',
      headers: plan.headers,
      body: plan.body,
      timeouts,
      signal,
    });
  } catch (error) {
    return transportFailure(error);
  }
  const { status, headers } = upstream;
  const contentType = headers['content-type'] ?? '';
  const isSse = contentType.includes('text/event-stream');

  if (status < 300 && plan.stream && (isSse || plan.streamWithoutSse)) {
    const iterator = upstream.body[Symbol.asyncIterator]();
    let first: IteratorResult<Uint8Array>;
    try {
      first = await iterator.next();
    } catch (error) {
      return transportFailure(error);
    }
    if (first.done) return unusableAnswer(status, headers, new Uint8Array(0));
    return { kind: 'stream', status, headers, body: prepend(first.value, iterator) };
  }

  let bytes: Uint8Array;
  try {
    bytes = await upstream.bytes();
  } catch (error) {
    return transportFailure(error);
  }
  if (status >= 400) {
    const retryAfter = retryAfterMs(headers);
    return {
      kind: 'failed',
      failure:
        retryAfter === undefined
          ? { kind: 'status', status }
          : { kind: 'status', status, retryAfterMs: retryAfter },
      clientStatus: status,
      upstreamStatus: status,
      headers,
      bytes,
    };
  }
  if (bytes.length === 0 || (!contentType.includes('json') && !isJsonDocument(bytes))) {
    return unusableAnswer(status, headers, bytes);
  }
  return { kind: 'body', status, headers, bytes };
}
