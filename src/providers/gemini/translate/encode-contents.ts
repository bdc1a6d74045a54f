import type { CanonicalRequest, Message, ToolCallPart, ToolResultPart } from '../../../canonical/request.ts';
import { argumentsObject } from '../../../canonical/tool-arguments.ts';
import { isObject, type JsonObject } from '../../../canonical/wire.ts';
import { invalidField } from '../../../core/errors.ts';
import { mediaPart } from './encode-media.ts';
import type { WireContent, WirePart } from './wire.ts';

/**
 * What Gemini documents for history it did not sign itself (another backend's tool calls):
 * Gemini 3 refuses a step whose first function call carries no signature.
 */
export const FOREIGN_SIGNATURE = 'skip_thought_signature_validator';

export interface EncodedContents {
  system: { text: string }[];
  contents: WireContent[];
}

/**
 * Canonical turns as `contents`, plus the system text. Gemini has no system turn among the
 * contents, so a system message placed mid-conversation joins `systemInstruction` after the
 * leading system prompt (Gemini reads it as standing instructions either way).
 */
export function encodeContents(request: CanonicalRequest): EncodedContents {
  const system = request.system.map((part) => ({ text: part.text }));
  const contents: WireContent[] = [];
  /** Tool-call id → function name: Gemini's function responses are matched by name. */
  const names = new Map<string, string>();
  request.messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (message.role === 'system') {
      message.content.forEach((part, j) => {
        if (part.type !== 'text')
          throw invalidField(`${path}.content[${j}]`, 'a system message can hold only text');
        system.push({ text: part.text });
      });
      return;
    }
    if (message.role === 'assistant') {
      const parts = modelParts(message, path, names);
      if (parts.length > 0) contents.push({ role: 'model', parts });
      return;
    }
    const parts = userParts(message, path, names);
    // A user turn of only empty text stays a turn, so the conversation keeps its shape.
    if (parts.length === 0 && message.content.length > 0) parts.push({ text: '' });
    if (parts.length > 0) contents.push({ role: 'user', parts });
  });
  return { system, contents };
}

function modelParts(message: Message, path: string, names: Map<string, string>): WirePart[] {
  const parts: WirePart[] = [];
  let firstCall = true;
  message.content.forEach((part, j) => {
    const partPath = `${path}.content[${j}]`;
    switch (part.type) {
      case 'text':
        // Gemini refuses empty text parts, except the signed ones it sends itself.
        if (part.text !== '' || part.signature !== undefined)
          parts.push(signed({ text: part.text }, part.signature));
        return;
      case 'tool_call':
        names.set(part.id, part.name);
        parts.push(functionCall(part, firstCall));
        firstCall = false;
        return;
      case 'image':
      case 'document':
        parts.push(mediaPart(part, partPath));
        return;
      case 'thinking':
      case 'redacted_thinking':
        // Gemini keeps its reasoning in the signatures of the parts after it; the thought
        // text is not read back, and another backend's thinking means nothing to it.
        return;
      case 'tool_result':
        throw invalidField(partPath, 'tool results belong in a user turn');
    }
  });
  return parts;
}

function userParts(message: Message, path: string, names: Map<string, string>): WirePart[] {
  const responses: WirePart[] = [];
  const attachments: WirePart[] = [];
  const rest: WirePart[] = [];
  message.content.forEach((part, j) => {
    const partPath = `${path}.content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') rest.push({ text: part.text });
        return;
      case 'image':
      case 'document':
        rest.push(mediaPart(part, partPath));
        return;
      case 'tool_result':
        responses.push(functionResponse(part, partPath, names));
        // Media a tool returned follows the responses, where every Gemini model reads it.
        part.content.forEach((item, k) => {
          if (item.type !== 'text') attachments.push(mediaPart(item, `${partPath}.content[${k}]`));
        });
        return;
      case 'tool_call':
        throw invalidField(partPath, 'tool calls belong in an assistant turn');
      default:
        return;
    }
  });
  return [...responses, ...attachments, ...rest];
}

function signed(part: WirePart, signature: string | undefined): WirePart {
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

function functionCall(part: ToolCallPart, first: boolean): WirePart {
  const wire: WirePart = {
    functionCall: { id: part.id, name: part.name, args: argumentsObject(part.arguments) },
  };
  const signature = part.signature ?? (first ? FOREIGN_SIGNATURE : undefined);
  return signed(wire, signature);
}

function functionResponse(part: ToolResultPart, path: string, names: Map<string, string>): WirePart {
  const name = names.get(part.toolCallId) ?? part.name;
  if (name === undefined) {
    throw invalidField(
      path,
      `tool result '${part.toolCallId}' answers no earlier tool call, so its function is unknown`,
    );
  }
  const text = part.content
    .filter((item) => item.type === 'text')
    .map((item) => item.text)
    .join('\n');
  return { functionResponse: { id: part.toolCallId, name, response: responseObject(text, part.isError) } };
}

/**
 * Results nested deeper than this go as text: a deeply nested object can exceed the nesting
 * limits of request parsers (and JSON.stringify's own, a few thousand levels), text cannot.
 */
const MAX_RESPONSE_DEPTH = 64;

/**
 * A result that is a JSON object is the response itself; other text is wrapped as
 * `{result}` or, for an error, `{error}`. Gemini 3 reads `$ref` keys in a response as
 * references to media parts, so an object with them is sent as text, and so is one nested
 * too deep.
 */
function responseObject(text: string, isError: boolean): Record<string, unknown> {
  const parsed = parseObject(text);
  if (parsed !== undefined && sendableAsObject(parsed) && (!isError || 'error' in parsed)) return parsed;
  return isError ? { error: text } : { result: text };
}

function parseObject(text: string): JsonObject | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** No `$ref` or `$defs` key anywhere, and no deeper than MAX_RESPONSE_DEPTH (walked without recursion). */
function sendableAsObject(root: JsonObject): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 1 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_RESPONSE_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const entry of value) stack.push({ value: entry, depth: depth + 1 });
      continue;
    }
    for (const [key, entry] of Object.entries(value)) {
      if (key === '$ref' || key === '$defs') return false;
      stack.push({ value: entry, depth: depth + 1 });
    }
  }
  return true;
}
