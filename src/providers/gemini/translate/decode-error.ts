import type { UpstreamFailure } from '../../../canonical/response.ts';
import { isObject, stringOf } from '../../../canonical/wire.ts';

/** "The input token count (N) exceeds the maximum number of tokens allowed (M)." */
const CONTEXT_LENGTH =
  /input token count \(?(\d+)?\)?\s*exceeds the maximum number of tokens allowed \(?(\d+)?\)?/i;

/** `{error:{code, message, status}}`, which Gemini sometimes wraps in an array. */
export function decodeError(status: number, body: unknown): UpstreamFailure {
  const wrapped = Array.isArray(body) ? body[0] : body;
  const error = isObject(wrapped) && isObject(wrapped['error']) ? wrapped['error'] : undefined;
  const message = stringOf(error?.['message']) || `Gemini answered HTTP ${status}`;
  const failure: UpstreamFailure = { status, message };
  const providerType = stringOf(error?.['status']);
  if (providerType) failure.providerType = providerType;
  const match = CONTEXT_LENGTH.exec(message);
  if (match) {
    failure.contextLength = {};
    if (match[1] !== undefined) failure.contextLength.promptTokens = Number(match[1]);
    if (match[2] !== undefined) failure.contextLength.maxTokens = Number(match[2]);
  }
  return failure;
}
