// Error bodies in each provider's own shape.

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const OPENAI_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['invalid_request_error', 'unsupported_country_region_territory'],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null],
};

export function anthropicErrorType(status: number): string {
  return ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function geminiErrorStatus(status: number): string {
  return GEMINI_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

export function openaiErrorBody(
  status: number,
  message: string,
  type?: string,
  code?: string | null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const [defType, defCode] = OPENAI_TYPES[status] ?? [
    status >= 500 ? 'server_error' : 'invalid_request_error',
    null,
  ];
  return {
    error: { message, type: type ?? defType, param: null, code: code === undefined ? defCode : code },
  };
}

export function anthropicErrorBody(
  status: number,
  message: string,
  type?: string,
): { type: 'error'; error: { type: string; message: string }; request_id: string } {
  return {
    type: 'error',
    error: { type: type ?? anthropicErrorType(status), message },
    request_id: 'req_fake0000000000000000000000',
  };
}

export function geminiErrorBody(
  status: number,
  message: string,
  grpcStatus?: string,
): { error: { code: number; message: string; status: string } } {
  return { error: { code: status, message, status: grpcStatus ?? geminiErrorStatus(status) } };
}
