import type { StopReason } from '../../../canonical/response.ts';

const STOP_REASONS: Readonly<Record<string, StopReason>> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
  pause_turn: 'pause_turn',
  refusal: 'refusal',
  // The model ran out of context window rather than output budget: a truncation all the same.
  model_context_window_exceeded: 'max_tokens',
};

/** Anthropic's `stop_reason` in the canonical vocabulary; missing or unknown reads as `end_turn`. */
export function canonicalStopReason(value: unknown): StopReason {
  return (typeof value === 'string' && STOP_REASONS[value]) || 'end_turn';
}
