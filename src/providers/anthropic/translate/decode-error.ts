import type { UpstreamFailure } from '../../../canonical/response.ts';
import { isObject, stringOf } from '../../../canonical/wire.ts';

/** The HTTP status Anthropic pairs with each error type, for errors that arrive mid-stream. */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const PROMPT_TOO_LONG = /prompt is too long: (\d+) tokens > (\d+) maximum/;

/** `{type:"error", error:{type, message}}` (an HTTP error body or an `event: error` frame) as a failure. */
export function decodeMessagesError(status: number, body: unknown): UpstreamFailure {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : undefined;
  const providerType = stringOf(error?.['type']);
  const message = stringOf(error?.['message']) ?? `Anthropic answered HTTP ${status}`;
  const failure: UpstreamFailure = { status, message };
  if (providerType !== undefined) failure.providerType = providerType;
  const tooLong = PROMPT_TOO_LONG.exec(message);
  if (tooLong) failure.contextLength = { promptTokens: Number(tooLong[1]), maxTokens: Number(tooLong[2]) };
  return failure;
}

/** A failure reported inside a 200 stream: its status comes from the error type. */
export function decodeStreamError(body: unknown): UpstreamFailure {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : undefined;
  const type = stringOf(error?.['type']);
  return decodeMessagesError((type !== undefined && STATUS_BY_TYPE[type]) || 500, body);
}
