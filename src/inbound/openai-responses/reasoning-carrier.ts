/**
 * A reasoning item's `encrypted_content` is the one opaque field Responses clients keep and
 * send back with the item (Codex and the Agents SDK do, when not storing responses). Switchyard
 * puts there what the backend needs echoed on the next turn: the thinking signature (Anthropic's
 * signature, Gemini's thoughtSignature), or a redacted thinking block's data. The marker tells
 * Switchyard's own values from OpenAI's encrypted reasoning, which a client may still hold from
 * talking to OpenAI directly and which would be an invalid signature anywhere else.
 */
const SIGNATURE = 'switchyard:signature:';
const REDACTED = 'switchyard:redacted:';

export function signatureContent(signature: string): string {
  return SIGNATURE + signature;
}

export function redactedContent(data: string): string {
  return REDACTED + data;
}

export type CarriedReasoning =
  | { kind: 'signature'; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'foreign' };

export function readCarrier(content: string): CarriedReasoning {
  if (content.startsWith(SIGNATURE)) return { kind: 'signature', signature: content.slice(SIGNATURE.length) };
  if (content.startsWith(REDACTED)) return { kind: 'redacted', data: content.slice(REDACTED.length) };
  return { kind: 'foreign' };
}
