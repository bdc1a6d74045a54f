import type { CanonicalResponse, OutputPart } from '../../../canonical/response.ts';
import { newToolCallId } from '../../../canonical/tool-arguments.ts';
import { arrayOf, isObject, stringOf } from '../../../canonical/wire.ts';
import { usage } from '../../../core/usage.ts';
import { generateUsage } from '../usage.ts';
import { stopReason } from './finish-reason.ts';
import { readPart } from './read-part.ts';

/**
 * A `GenerateContentResponse`: the first candidate's parts, in order. A signature Gemini
 * sends on an empty text part of its own belongs to the text or thought before it.
 */
export function decodeResponse(body: unknown): CanonicalResponse {
  const response = isObject(body) ? body : {};
  const candidate = arrayOf(response['candidates'])[0];
  const content: OutputPart[] = [];
  let sawCall = false;
  const parts =
    isObject(candidate) && isObject(candidate['content']) ? candidate['content']['parts'] : undefined;
  for (const raw of arrayOf(parts)) {
    const part = readPart(raw);
    if (!part) continue;
    if (part.kind === 'call') {
      sawCall = true;
      const call: OutputPart = { type: 'tool_call', id: part.id, name: part.name, arguments: part.arguments };
      if (part.signature) call.signature = part.signature;
      content.push(call);
      continue;
    }
    const type = part.thought ? 'thinking' : 'text';
    const last = content.at(-1);
    if (part.text === '') {
      if (part.signature === undefined) continue;
      if (last !== undefined && last.type === type && last.signature === undefined) {
        last.signature = part.signature;
        continue;
      }
    }
    content.push(
      part.signature === undefined
        ? { type, text: part.text }
        : { type, text: part.text, signature: part.signature },
    );
  }
  const finish = isObject(candidate) ? stringOf(candidate['finishReason']) : undefined;
  const blocked =
    candidate === undefined && isObject(response['promptFeedback'])
      ? stringOf(response['promptFeedback']['blockReason'])
      : undefined;
  return {
    id: stringOf(response['responseId']) || newToolCallId('gen_'),
    model: stringOf(response['modelVersion']) ?? '',
    content,
    // A prompt blocked before generation has no candidate, only promptFeedback.blockReason.
    stopReason: blocked ? 'content_filter' : stopReason(finish, sawCall),
    usage: generateUsage(response['usageMetadata']) ?? usage({}),
    created: createdAt(response['createTime']),
  };
}

/** Vertex sends `createTime`; the Gemini API sends no time at all (0: unknown). */
export function createdAt(value: unknown): number {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? 0 : Math.floor(time / 1000);
}
