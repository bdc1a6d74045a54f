export type TransportErrorKind = 'connect' | 'timeout' | 'reset' | 'aborted';
export type TimeoutPhase = 'connect' | 'first_byte' | 'idle' | 'total';

export interface TransportErrorOptions {
  phase?: TimeoutPhase;
  /** The underlying undici or system error code, when there was one. */
  code?: string;
  cause?: unknown;
}

/**
 * An upstream exchange failed below HTTP: no connection, no answer in time, the connection
 * broke, or the exchange was aborted. Messages never contain the URL (it may carry a key).
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly kind: TransportErrorKind;
  /** Set when `kind` is `timeout`. */
  readonly phase: TimeoutPhase | undefined;
  readonly code: string | undefined;

  constructor(kind: TransportErrorKind, message: string, options: TransportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.phase = options.phase;
    this.code = options.code;
  }
}

const TIMEOUT_PHASES: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'first_byte',
  UND_ERR_BODY_TIMEOUT: 'idle',
};

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

const ABORTED_CODES = new Set([
  'UND_ERR_ABORTED',
  'UND_ERR_ABORT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'ABORT_ERR',
]);

/** Bugs in the request we built, not transport failures: callers rethrow them unchanged. */
const PROGRAMMER_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
]);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT/;

function errorCode(err: Error): string | undefined {
  const code: unknown = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
  if (err instanceof AggregateError && err.errors[0] instanceof Error) return errorCode(err.errors[0]);
  return undefined;
}

/**
 * Classifies an error raised by undici or the socket layer. Returns null for errors that
 * are not transport failures (bad arguments, bugs); those should propagate unchanged.
 */
export function toTransportError(err: unknown): TransportError | null {
  if (err instanceof TransportError) return err;
  if (!(err instanceof Error)) return null;
  const code = errorCode(err);
  if (code === undefined) {
    return err.name === 'AbortError'
      ? new TransportError('aborted', 'upstream request aborted', { cause: err })
      : null;
  }
  if (PROGRAMMER_CODES.has(code)) return null;
  const syscall: unknown = (err as { syscall?: unknown }).syscall;
  const phase = code === 'ETIMEDOUT' && syscall === 'connect' ? 'connect' : TIMEOUT_PHASES[code];
  if (phase !== undefined) {
    return new TransportError('timeout', `upstream ${phase} timeout`, { phase, code, cause: err });
  }
  if (ABORTED_CODES.has(code))
    return new TransportError('aborted', 'upstream request aborted', { code, cause: err });
  if (CONNECT_CODES.has(code) || TLS_CODE.test(code) || syscall === 'connect' || syscall === 'getaddrinfo') {
    return new TransportError('connect', `upstream connect failed: ${err.message}`, { code, cause: err });
  }
  return new TransportError('reset', `upstream connection failed: ${err.message}`, { code, cause: err });
}
