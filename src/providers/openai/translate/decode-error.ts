import type { UpstreamFailure } from '../../../canonical/response.ts';
import { arrayOf, isObject, numberOf, stringOf } from '../../../canonical/wire.ts';

/** The ways servers word "the prompt is longer than the context", with the numbers in them. */
const MAXIMUM = /maximum context length is (\d+)/i;
const PROMPT = [
  /resulted in (\d+) tokens/i, // OpenAI
  /you requested (\d+) tokens/i, // vLLM (prompt plus completion)
  /your request has (\d+) input tokens/i, // newer vLLM
];
const CONTEXT_CODES: readonly string[] = ['context_length_exceeded', 'exceed_context_size_error'];

/**
 * An error body from an OpenAI-compatible server: OpenAI's `{error:{message,type,code,param}}`,
 * `{error:"..."}`, a bare `{message, type, code}` (older vLLM), or FastAPI's `{detail}`.
 * llama.cpp adds `n_prompt_tokens` and `n_ctx` to its context-size error.
 */
export function decodeError(status: number, body: unknown): UpstreamFailure {
  // vLLM's older ErrorResponse has its fields at the top level.
  const error = isObject(body) ? (isObject(body['error']) ? body['error'] : body) : undefined;
  const message = errorMessage(body) ?? `the backend answered HTTP ${status}`;
  const failure: UpstreamFailure = { status, message };
  const type = stringOf(error?.['type']) ?? stringOf(error?.['code']);
  if (type !== undefined) failure.providerType = type;

  const code = stringOf(error?.['code']);
  const isContextError =
    MAXIMUM.test(message) || CONTEXT_CODES.some((name) => name === code || name === failure.providerType);
  if (isContextError) {
    const contextLength: NonNullable<UpstreamFailure['contextLength']> = {};
    const maxTokens = numberOf(error?.['n_ctx']) ?? matchNumber(message, [MAXIMUM]);
    const promptTokens = numberOf(error?.['n_prompt_tokens']) ?? matchNumber(message, PROMPT);
    if (maxTokens !== undefined) contextLength.maxTokens = maxTokens;
    if (promptTokens !== undefined) contextLength.promptTokens = promptTokens;
    failure.contextLength = contextLength;
  }
  return failure;
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string' && body !== '') return body;
  if (!isObject(body)) return undefined;
  const error = body['error'];
  if (isObject(error)) return stringOf(error['message']);
  if (typeof error === 'string' && error !== '') return error;
  const message = stringOf(body['message']);
  if (message) return message;
  const detail = body['detail'];
  if (typeof detail === 'string') return detail;
  // FastAPI validation errors: [{loc, msg, type}, ...]
  const details = arrayOf(detail)
    .map((item) => (isObject(item) ? stringOf(item['msg']) : undefined))
    .filter((msg) => msg !== undefined);
  return details.length > 0 ? details.join('; ') : undefined;
}

function matchNumber(message: string, patterns: readonly RegExp[]): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return Number(match[1]);
  }
  return undefined;
}
