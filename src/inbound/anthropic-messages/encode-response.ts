import type { ResponseContext } from '../../canonical/codecs.ts';
import type { CanonicalResponse, OutputPart, StopReason } from '../../canonical/response.ts';
import { argumentsObject, newToolCallId } from '../../canonical/tool-arguments.ts';
import { toolCallIdForClient } from '../../canonical/tool-call-id.ts';
import type { Usage } from '../../core/usage.ts';
import type {
  AnthropicMessage,
  AnthropicResponseBlock,
  AnthropicStopReason,
  AnthropicUsage,
} from '../../providers/anthropic/translate/wire.ts';

/**
 * The stop reason an Anthropic client acts on. A tool call present means `tool_use` whatever
 * the backend said (some say `stop`, and the tool would never run), except after a
 * truncation: a cut-off call is not runnable, and `max_tokens` lets the client continue.
 */
export function anthropicStopReason(reason: StopReason, hasToolCall: boolean): AnthropicStopReason {
  if (hasToolCall && reason !== 'max_tokens') return 'tool_use';
  switch (reason) {
    case 'content_filter':
      return 'refusal';
    case 'error':
      return 'end_turn';
    default:
      return reason;
  }
}

/** Anthropic-style message ids: `msg_` and the backend's id, or the request id when it gave none. */
export function messageId(id: string | undefined, requestId: string): string {
  if (id?.startsWith('msg_')) return id;
  return `msg_${id || requestId}`;
}

/** Hands out tool-use ids: the backend's when usable, else fresh `toolu_` ones, never twice the same. */
export class ToolUseIds {
  readonly #seen = new Set<string>();

  next(id: string, signature: string | undefined): string {
    const unique = id && !this.#seen.has(id) ? id : newToolCallId('toolu_');
    this.#seen.add(unique);
    return toolCallIdForClient(unique, signature);
  }
}

export function anthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
}

export function encodeMessagesResponse(
  response: CanonicalResponse,
  context: ResponseContext,
): AnthropicMessage {
  const ids = new ToolUseIds();
  const content: AnthropicResponseBlock[] = [];
  for (const part of response.content) {
    const block = responseBlock(part, ids);
    if (block) content.push(block);
  }
  return {
    id: messageId(response.id, context.requestId),
    type: 'message',
    role: 'assistant',
    model: context.clientModel,
    content,
    stop_reason: anthropicStopReason(
      response.stopReason,
      content.some((block) => block.type === 'tool_use'),
    ),
    stop_sequence: response.stopSequence ?? null,
    usage: anthropicUsage(response.usage),
  };
}

function responseBlock(part: OutputPart, ids: ToolUseIds): AnthropicResponseBlock | undefined {
  switch (part.type) {
    case 'text':
      // Anthropic never sends an empty text block; the stream encoder opens none either.
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'thinking':
      if (part.text === '' && !part.signature) return undefined;
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool_call':
      return {
        type: 'tool_use',
        id: ids.next(part.id, part.signature),
        name: part.name,
        input: argumentsObject(part.arguments),
      };
  }
}
