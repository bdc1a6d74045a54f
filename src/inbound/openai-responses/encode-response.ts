import type { ResponseContext } from '../../canonical/codecs.ts';
import type { CanonicalResponse } from '../../canonical/response.ts';
import { normalizeArguments } from '../../canonical/tool-arguments.ts';
import { CallIds } from './call-ids.ts';
import { functionCallItem, messageItem, outputText, reasoningItem } from './output-items.ts';
import { redactedContent, signatureContent } from './reasoning-carrier.ts';
import { idBase, itemId, outcomeOf, responseObject } from './response-object.ts';
import type { OutputItem, ResponseObject } from './wire.ts';

/**
 * A canonical answer as a Responses `response`: one item per part, in order. Empty text parts
 * and empty unsigned thinking parts carry nothing and give no item (the stream opens items
 * on their first content, so it skips the same ones).
 */
export function encodeResponse(response: CanonicalResponse, context: ResponseContext): ResponseObject {
  const base = idBase(context);
  const callIds = new CallIds(base);
  const output: OutputItem[] = [];
  for (const part of response.content) {
    const index = output.length;
    switch (part.type) {
      case 'text':
        if (part.text !== '')
          output.push(messageItem(itemId('msg', base, index), 'completed', [outputText(part.text)]));
        break;
      case 'thinking':
        if (part.text !== '' || part.signature) {
          const carried = part.signature ? signatureContent(part.signature) : undefined;
          output.push(reasoningItem(itemId('rs', base, index), part.text, carried));
        }
        break;
      case 'redacted_thinking':
        output.push(reasoningItem(itemId('rs', base, index), '', redactedContent(part.data)));
        break;
      case 'tool_call':
        output.push(
          functionCallItem(
            itemId('fc', base, index),
            'completed',
            callIds.take(part.id, part.signature, index),
            part.name,
            normalizeArguments(part.arguments),
          ),
        );
        break;
    }
  }
  return responseObject(context, base, outcomeOf(response.stopReason), output, response.usage);
}
