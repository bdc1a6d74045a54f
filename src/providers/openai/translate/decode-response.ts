import type { CanonicalResponse, OutputPart } from '../../../canonical/response.ts';
import { newToolCallId, normalizeArguments } from '../../../canonical/tool-arguments.ts';
import { arrayOf, isObject, type JsonObject, numberOf, stringOf } from '../../../canonical/wire.ts';
import { GatewayError } from '../../../core/errors.ts';
import { usage } from '../../../core/usage.ts';
import { chatUsage } from '../usage.ts';
import { decodeError } from './decode-error.ts';
import { stopReason } from './stop-reason.ts';

/** A chat completion's first choice as the canonical answer. */
export function decodeResponse(body: unknown): CanonicalResponse {
  if (!isObject(body) || !Array.isArray(body['choices'])) {
    // Some servers report failures with a 200 status.
    const reason = isObject(body) && body['error'] !== undefined ? `: ${decodeError(502, body).message}` : '';
    throw new GatewayError(
      'upstream_unreachable',
      `the backend answered without a chat completion (no choices)${reason}`,
    );
  }
  const choice = body['choices'].find((item) => isObject(item) && item['index'] === 0) ?? body['choices'][0];
  const message = isObject(choice) && isObject(choice['message']) ? choice['message'] : {};
  const content = messageParts(message);
  const sawToolCall = content.some((part) => part.type === 'tool_call');
  const finish = isObject(choice) ? stringOf(choice['finish_reason']) : undefined;
  const matchedStop = isObject(choice) ? stringOf(choice['stop_reason']) : undefined;
  return {
    id: stringOf(body['id']) ?? '',
    model: stringOf(body['model']) ?? '',
    content,
    ...stopReason(finish, sawToolCall, matchedStop),
    usage: chatUsage(body['usage']) ?? usage({}),
    created: numberOf(body['created']) ?? 0,
  };
}

function messageParts(message: JsonObject): OutputPart[] {
  const parts: OutputPart[] = [];
  const reasoning = stringOf(message['reasoning_content']) || stringOf(message['reasoning']);
  if (reasoning) parts.push({ type: 'thinking', text: reasoning });
  const text = contentText(message['content']);
  if (text) parts.push({ type: 'text', text });
  const refusal = stringOf(message['refusal']);
  if (refusal) parts.push({ type: 'text', text: refusal });
  const seen = new Set<string>();
  const calls = [...arrayOf(message['tool_calls'])];
  // The legacy single function_call has no id.
  if (isObject(message['function_call'])) calls.push({ function: message['function_call'] });
  for (const call of calls) {
    if (!isObject(call)) continue;
    const fn = isObject(call['function']) ? call['function'] : {};
    let id = stringOf(call['id']);
    if (!id || seen.has(id)) id = newToolCallId('call_');
    seen.add(id);
    parts.push({
      type: 'tool_call',
      id,
      name: stringOf(fn['name']) ?? '',
      arguments: normalizeArguments(stringOf(fn['arguments'])),
    });
  }
  return parts;
}

/** Content is a string, or (some servers) an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arrayOf(content)
    .map((part) => (isObject(part) ? (stringOf(part['text']) ?? '') : ''))
    .join('');
}
