import type { CanonicalResponse, OutputPart } from '../../../canonical/response.ts';
import { arrayOf, isObject, type JsonObject, stringOf } from '../../../canonical/wire.ts';
import { GatewayError } from '../../../core/errors.ts';
import { usage } from '../../../core/usage.ts';
import { messagesUsage } from '../usage.ts';
import { canonicalStopReason } from './stop-reason.ts';

/**
 * A non-streamed Anthropic message. Every text block is kept; server-tool blocks
 * (`server_tool_use`, `web_search_tool_result`, ...) have no canonical form and are skipped.
 */
export function decodeMessagesResponse(body: unknown): CanonicalResponse {
  if (!isObject(body) || !Array.isArray(body['content'])) {
    throw new GatewayError('upstream_unreachable', 'Anthropic answered with a body that is not a message');
  }
  const content: OutputPart[] = [];
  for (const block of arrayOf(body['content'])) {
    if (!isObject(block)) continue;
    const part = outputPart(block);
    if (part) content.push(part);
  }
  const stopSequence = stringOf(body['stop_sequence']);
  return {
    id: stringOf(body['id']) ?? '',
    model: stringOf(body['model']) ?? '',
    content,
    stopReason: canonicalStopReason(body['stop_reason']),
    ...(stopSequence === undefined ? {} : { stopSequence }),
    usage: messagesUsage(body['usage']) ?? usage({}),
    // Anthropic messages carry no timestamp; 0 means unknown (encoders use their context's clock).
    created: 0,
  };
}

function outputPart(block: JsonObject): OutputPart | undefined {
  switch (block['type']) {
    case 'text':
      return { type: 'text', text: stringOf(block['text']) ?? '' };
    case 'thinking': {
      const signature = stringOf(block['signature']);
      return {
        type: 'thinking',
        text: stringOf(block['thinking']) ?? '',
        ...(signature ? { signature } : {}),
      };
    }
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: stringOf(block['data']) ?? '' };
    case 'tool_use':
      return {
        type: 'tool_call',
        id: stringOf(block['id']) ?? '',
        name: stringOf(block['name']) ?? '',
        arguments: isObject(block['input']) ? JSON.stringify(block['input']) : '{}',
      };
    default:
      return undefined;
  }
}
