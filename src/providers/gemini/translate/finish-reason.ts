import type { StopReason } from '../../../canonical/response.ts';

/** Output withheld by a filter: the safety family, recitation (copyright) and blocklists. */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'MODEL_ARMOR',
]);

/**
 * Generation that ended without a usable answer: a function call Gemini could not form or
 * was not allowed to make, a missing signature, an unsupported language, or no reason.
 */
const FAILED = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
  'LANGUAGE',
  'OTHER',
  'FINISH_REASON_UNSPECIFIED',
]);

/** Gemini says STOP after function calls too: any call in the answer makes it `tool_use`. */
export function stopReason(finishReason: string | undefined, sawCall: boolean): StopReason {
  if (finishReason !== undefined && FILTERED.has(finishReason)) return 'content_filter';
  if (finishReason !== undefined && FAILED.has(finishReason)) return 'error';
  if (sawCall) return 'tool_use';
  return finishReason === 'MAX_TOKENS' ? 'max_tokens' : 'end_turn';
}
