import type { Usage } from '../core/usage.ts';
import type { RedactedThinkingPart, TextPart, ThinkingPart, ToolCallPart } from './request.ts';

/** Why generation stopped, in one vocabulary; each codec maps its own to and from it. */
export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'content_filter'
  | 'pause_turn'
  | 'refusal'
  | 'error';

export type OutputPart = TextPart | ThinkingPart | RedactedThinkingPart | ToolCallPart;

export interface CanonicalResponse {
  id: string;
  /** The model the provider says served (its own name for it). */
  model: string;
  content: OutputPart[];
  stopReason: StopReason;
  /** The stop string that matched, when the backend says. */
  stopSequence?: string;
  usage: Usage;
  /** Unix seconds. */
  created: number;
}

/**
 * Stream events, already normalised by a provider's stream decoder. Parts are addressed by
 * `index`, a number the decoder assigns in order of first appearance (0, 1, 2, ...) over all
 * parts of the answer; deltas for a part may interleave with other parts' deltas (parallel
 * tool calls do), and an encoder whose client needs contiguous blocks orders them itself.
 */
export type StreamEvent =
  | { type: 'start'; id?: string; model?: string; created?: number; usage?: Usage }
  | { type: 'text'; index: number; text: string; signature?: string }
  | { type: 'thinking'; index: number; text: string }
  | { type: 'thinking_signature'; index: number; signature: string }
  | { type: 'redacted_thinking'; index: number; data: string }
  | { type: 'tool_call'; index: number; id: string; name: string; signature?: string }
  | { type: 'tool_arguments'; index: number; json: string }
  /** Cumulative usage so far: the latest one replaces earlier ones. */
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; stopReason: StopReason; stopSequence?: string }
  /** The backend failed after the stream began. */
  | { type: 'error'; error: UpstreamFailure };

/** A provider's error, decoded: the status to answer with and what the provider said. */
export interface UpstreamFailure {
  status: number;
  message: string;
  /** The provider's own error type or status name, when it gave one. */
  providerType?: string;
  /** The prompt exceeded the model's context: codecs render it the way their clients react to. */
  contextLength?: { promptTokens?: number; maxTokens?: number };
}
