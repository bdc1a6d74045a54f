/**
 * The one error table. Every error the gateway produces has a code here, with its HTTP
 * status and its form in each client dialect, so SDKs raise their usual exception types.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'missing_model'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'unavailable';

export interface ErrorSpec {
  status: number;
  /** `error.type` in the OpenAI shape. */
  openai: string;
  /** `error.type` in the Anthropic shape. */
  anthropic: string;
  /** `error.status` in the Gemini shape (google.rpc.Code name). */
  gemini: string;
}

export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorSpec>> = {
  invalid_request: {
    status: 400,
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  missing_model: {
    status: 400,
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  unauthorized: {
    status: 401,
    openai: 'authentication_error',
    anthropic: 'authentication_error',
    gemini: 'UNAUTHENTICATED',
  },
  forbidden: {
    status: 403,
    openai: 'permission_error',
    anthropic: 'permission_error',
    gemini: 'PERMISSION_DENIED',
  },
  not_found: { status: 404, openai: 'not_found_error', anthropic: 'not_found_error', gemini: 'NOT_FOUND' },
  method_not_allowed: {
    status: 405,
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
    gemini: 'UNIMPLEMENTED',
  },
  conflict: {
    status: 409,
    openai: 'conflict_error',
    anthropic: 'invalid_request_error',
    gemini: 'ALREADY_EXISTS',
  },
  payload_too_large: {
    status: 413,
    openai: 'invalid_request_error',
    anthropic: 'request_too_large',
    gemini: 'INVALID_ARGUMENT',
  },
  rate_limited: {
    status: 429,
    openai: 'rate_limit_error',
    anthropic: 'rate_limit_error',
    gemini: 'RESOURCE_EXHAUSTED',
  },
  internal: { status: 500, openai: 'server_error', anthropic: 'api_error', gemini: 'INTERNAL' },
  upstream_unreachable: {
    status: 502,
    openai: 'server_error',
    anthropic: 'api_error',
    gemini: 'UNAVAILABLE',
  },
  upstream_timeout: {
    status: 504,
    openai: 'timeout_error',
    anthropic: 'timeout_error',
    gemini: 'DEADLINE_EXCEEDED',
  },
  unavailable: { status: 503, openai: 'server_error', anthropic: 'overloaded_error', gemini: 'UNAVAILABLE' },
};

export class GatewayError extends Error {
  readonly code: ErrorCode;
  /** The request field at fault, when there is one (OpenAI's `param`). */
  readonly param: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly #status: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { param?: string; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.#status = options.status;
  }

  /** The table's status, unless the error relays an upstream's own status. */
  get status(): number {
    return this.#status ?? ERROR_TABLE[this.code].status;
  }
}

/** The table entry closest to an upstream status, for errors whose body must be rewritten. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 502:
      return 'upstream_unreachable';
    case 503:
    case 529:
      return 'unavailable';
    case 504:
      return 'upstream_timeout';
    default:
      return status >= 500 ? 'internal' : 'invalid_request';
  }
}

export function invalidField(field: string, problem: string): GatewayError {
  return new GatewayError('invalid_request', `${field}: ${problem}`, { param: field });
}

export function notFound(kind: string, ref: string): GatewayError {
  return new GatewayError('not_found', `${kind} '${ref}' not found`);
}

export function conflict(message: string): GatewayError {
  return new GatewayError('conflict', message);
}

/** The admin API's error body: `{error:{type, message}}`, with the field when known. */
export function adminErrorBody(error: GatewayError): {
  error: { type: ErrorCode; message: string; param?: string };
} {
  return error.param === undefined
    ? { error: { type: error.code, message: error.message } }
    : { error: { type: error.code, message: error.message, param: error.param } };
}
