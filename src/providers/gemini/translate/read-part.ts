import { newToolCallId } from '../../../canonical/tool-arguments.ts';
import { isObject, stringOf } from '../../../canonical/wire.ts';

export type GeminiPart =
  | { kind: 'text'; thought: boolean; text: string; signature?: string }
  | { kind: 'call'; id: string; name: string; arguments: string; signature?: string };

/**
 * A response part this codec can carry: text, thought or function call. Others (code
 * execution, generated media) cannot be asked for when translating and are skipped.
 */
export function readPart(raw: unknown): GeminiPart | undefined {
  if (!isObject(raw)) return undefined;
  const signature = stringOf(raw['thoughtSignature']) || undefined;
  const call = raw['functionCall'];
  if (isObject(call)) {
    const args = call['args'];
    const part: GeminiPart = {
      kind: 'call',
      id: stringOf(call['id']) || newToolCallId('call_'),
      name: stringOf(call['name']) ?? '',
      arguments: JSON.stringify(isObject(args) ? args : {}),
    };
    if (signature) part.signature = signature;
    return part;
  }
  const text = stringOf(raw['text']);
  if (text === undefined) return undefined;
  const part: GeminiPart = { kind: 'text', thought: raw['thought'] === true, text };
  if (signature) part.signature = signature;
  return part;
}
