import { ERROR_TABLE, type GatewayError } from '../core/errors.ts';
import type { Operation } from '../core/operation.ts';
import type { Dialect } from '../providers/registry.ts';
import { encodeSseEvent } from '../transport/sse-encoder.ts';

/** An error as each client dialect's SDK expects it, so the SDK raises its usual exception. */
export function errorBody(dialect: Dialect, error: GatewayError, requestId: string): unknown {
  const spec = ERROR_TABLE[error.code];
  switch (dialect) {
    case 'anthropic':
      return {
        type: 'error',
        error: { type: spec.anthropic, message: error.message },
        request_id: requestId,
      };
    case 'gemini':
      return { error: { code: error.status, message: error.message, status: spec.gemini } };
    default:
      return {
        error: { message: error.message, type: spec.openai, param: error.param ?? null, code: error.code },
      };
  }
}

/**
 * The frame that reports a failure after a stream has begun: Anthropic's `event: error`,
 * a Responses `error` event, or a data frame holding the error for OpenAI chat and Gemini
 * (both SDKs raise on it).
 */
export function streamErrorFrame(
  operation: Operation,
  dialect: Dialect,
  error: GatewayError,
  requestId: string,
): string {
  if (dialect === 'anthropic') {
    return encodeSseEvent({ event: 'error', data: JSON.stringify(errorBody('anthropic', error, requestId)) });
  }
  if (operation === 'responses') {
    const spec = ERROR_TABLE[error.code];
    return encodeSseEvent({
      event: 'error',
      data: JSON.stringify({
        type: 'error',
        code: spec.openai,
        message: error.message,
        param: error.param ?? null,
      }),
    });
  }
  return encodeSseEvent({ data: JSON.stringify(errorBody(dialect, error, requestId)) });
}
