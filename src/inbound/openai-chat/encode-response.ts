import type { ResponseContext } from '../../canonical/codecs.ts';
import type { CanonicalResponse } from '../../canonical/response.ts';
import { toolCallIdForClient } from '../../canonical/tool-call-id.ts';
import { completionId, finishReason, wireUsage } from './response-fields.ts';
import type { WireAssistantMessage, WireChatCompletion, WireToolCall } from './wire.ts';

export function encodeResponse(response: CanonicalResponse, context: ResponseContext): WireChatCompletion {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: WireToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'thinking') thoughts.push(part.text);
    else if (part.type === 'tool_call') {
      toolCalls.push({
        id: toolCallIdForClient(part.id, part.signature),
        type: 'function',
        function: { name: part.name, arguments: part.arguments },
      });
    }
  }
  const message: WireAssistantMessage = {
    role: 'assistant',
    // Joined without a separator, as the streamed deltas of the same answer accumulate.
    content: texts.length === 0 && toolCalls.length > 0 ? null : texts.join(''),
    refusal: null,
  };
  if (thoughts.length > 0) message.reasoning_content = thoughts.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: completionId(response.id, context.requestId),
    object: 'chat.completion',
    created: context.created,
    model: context.clientModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: finishReason(response.stopReason, toolCalls.length > 0),
      },
    ],
    usage: wireUsage(response.usage),
  };
}
