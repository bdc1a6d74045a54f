import type { StopReason } from '../../../canonical/response.ts';

/**
 * A backend's `finish_reason` in the canonical vocabulary. Any tool call in the answer
 * means `tool_use`: some servers say `stop` there, and then the client never runs the tool.
 * vLLM names the stop string that matched in `stop_reason`.
 */
export function stopReason(
  finishReason: string | undefined,
  sawToolCall: boolean,
  matchedStop: string | undefined,
): { stopReason: StopReason; stopSequence?: string } {
  if (sawToolCall) return { stopReason: 'tool_use' };
  switch (finishReason) {
    case 'length':
      return { stopReason: 'max_tokens' };
    case 'tool_calls':
    case 'function_call':
      return { stopReason: 'tool_use' };
    case 'content_filter':
      return { stopReason: 'content_filter' };
    default:
      return matchedStop !== undefined
        ? { stopReason: 'stop_sequence', stopSequence: matchedStop }
        : { stopReason: 'end_turn' };
  }
}
