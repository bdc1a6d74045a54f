import type { Dispatcher } from 'undici';
import { upstreamDispatcher } from './dispatcher.ts';
import { TransportError } from './errors.ts';
import { callerAborted, ExchangeControl } from './exchange-control.ts';

/** Milliseconds; 0 disables that timeout. */
export interface UpstreamTimeouts {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** From sending the request to the complete response head. */
  firstByteMs: number;
  /** Between two body chunks. */
  idleMs: number;
  /** The whole exchange, body streaming included. */
  totalMs: number;
}

export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  timeouts: UpstreamTimeouts;
  /** Aborts the exchange at once (the client went away); the socket is closed. */
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  readonly status: number;
  /** Lowercase names; repeated fields joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body as it arrives, never buffered; readable once. Errors are TransportErrors.
   * Leaving the loop early aborts the exchange.
   */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body, for small non-streamed responses. */
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  /** Aborts the exchange and closes its connection; a no-op once the body is fully read. */
  abort(): void;
}

/** Sends one request upstream; resolves once the response head is in. Throws TransportError. */
export async function sendUpstream(request: UpstreamRequest): Promise<UpstreamResponse> {
  const { timeouts, signal } = request;
  const target = new URL(request.url);
  if (signal?.aborted) throw callerAborted();
  const control = new ExchangeControl(signal, timeouts.totalMs);
  try {
    const data = await upstreamDispatcher(timeouts.connectMs).request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: control.signal,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
    return new StreamedResponse(data, control);
  } catch (err) {
    control.finish();
    throw control.errorFor(err);
  }
}

class StreamedResponse implements UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: AsyncIterable<Uint8Array>;
  readonly #control: ExchangeControl;

  readonly #data: Dispatcher.ResponseData;
  #bodyClaimed = false;

  constructor(data: Dispatcher.ResponseData, control: ExchangeControl) {
    this.status = data.statusCode;
    this.headers = flattenHeaders(data.headers);
    this.#control = control;
    this.#data = data;
    this.body = {
      [Symbol.asyncIterator]: () => {
        this.#claimBody();
        return readBody(data.body, control);
      },
    };
  }

  /** undici's own consumer: no async iterator per response (it shows in the profile). */
  async bytes(): Promise<Uint8Array> {
    this.#claimBody();
    try {
      const bytes = await this.#data.body.bytes();
      // A Buffer view (no copy): everything downstream then handles one type, which keeps
      // the JSON scanner monomorphic and on Buffer's fast UTF-8 path.
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      const error = this.#control.errorFor(err);
      throw error instanceof TransportError
        ? error
        : new TransportError('reset', 'upstream body failed', { cause: error });
    } finally {
      this.#control.finish();
    }
  }

  async text(): Promise<string> {
    return Buffer.from(await this.bytes()).toString('utf8');
  }

  #claimBody(): void {
    if (this.#bodyClaimed) throw new Error('upstream response body already read');
    this.#bodyClaimed = true;
  }

  abort(): void {
    this.#control.abort(new TransportError('aborted', 'upstream request aborted'));
  }
}

async function* readBody(
  body: AsyncIterable<Uint8Array>,
  control: ExchangeControl,
): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    const error = control.errorFor(err);
    throw error instanceof TransportError
      ? error
      : new TransportError('reset', 'upstream body failed', { cause: error });
  } finally {
    control.finish();
  }
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}
