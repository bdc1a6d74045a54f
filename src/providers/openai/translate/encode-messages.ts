import type {
  DocumentPart,
  ImagePart,
  Message,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../../../canonical/request.ts';
import { normalizeArguments } from '../../../canonical/tool-arguments.ts';
import { invalidField } from '../../../core/errors.ts';
import type { WireMessage, WireToolCall, WireUserPart } from './wire.ts';

/** Claude Code's attribution block opens its system prompt; it must reach the model unchanged. */
const ATTRIBUTION = /^(?:x-anthropic-billing-header|You are Claude Code)/;

/** The system prompt as one system message (two when Claude Code's attribution leads it). */
export function systemMessages(system: TextPart[]): WireMessage[] {
  const messages: WireMessage[] = [];
  let rest = system;
  const first = system[0];
  if (first && ATTRIBUTION.test(first.text)) {
    messages.push({ role: 'system', content: first.text });
    rest = system.slice(1);
  }
  if (rest.length > 0) messages.push({ role: 'system', content: joinTexts(rest) });
  return messages;
}

/** How tool-call ids are written: as they are, or rewritten for a backend with rules of its own. */
export type ToolCallIdFor = (id: string) => string;

export const keepId: ToolCallIdFor = (id) => id;

export function conversationMessages(messages: Message[], idFor: ToolCallIdFor): WireMessage[] {
  return messages.flatMap((message, i) => {
    switch (message.role) {
      case 'system':
        return [{ role: 'system', content: joinTexts(message.content.filter(isText)) }];
      case 'assistant':
        return [assistantMessage(message, i, idFor)];
      default:
        return userMessages(message, i, idFor);
    }
  });
}

/**
 * A user turn: its tool results first, as `tool` messages in order, then one user message
 * with what the results could not carry (images, documents) and the turn's own content.
 */
function userMessages(message: Message, i: number, idFor: ToolCallIdFor): WireMessage[] {
  const messages: WireMessage[] = [];
  const fromResults: WireUserPart[] = [];
  const own: WireUserPart[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'tool_result':
        messages.push(toolMessage(part, idFor));
        for (const item of part.content) {
          if (item.type !== 'text') fromResults.push(userPart(item, i));
        }
        break;
      case 'text':
      case 'image':
      case 'document':
        own.push(userPart(part, i));
        break;
      case 'tool_call':
        throw invalidField(`messages[${i}]`, 'a tool call can only appear in an assistant message');
      default:
        // Thinking has no place in a user turn of this dialect.
        break;
    }
  }
  const parts = [...fromResults, ...own].filter((part) => part.type !== 'text' || part.text !== '');
  if (parts.length > 0) messages.push({ role: 'user', content: userContent(parts) });
  else if (messages.length === 0) messages.push({ role: 'user', content: '' });
  return messages;
}

function userContent(parts: WireUserPart[]): string | WireUserPart[] {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type !== 'text') return parts;
    texts.push(part.text);
  }
  return texts.join('\n');
}

function toolMessage(part: ToolResultPart, idFor: ToolCallIdFor): WireMessage {
  const text = joinTexts(part.content.filter(isText));
  // The model must see that the tool failed; the dialect has no flag for it.
  const content = part.isError ? (text ? `Error: ${text}` : 'Error') : text;
  return { role: 'tool', tool_call_id: idFor(part.toolCallId), content };
}

function assistantMessage(message: Message, i: number, idFor: ToolCallIdFor): WireMessage {
  const texts: TextPart[] = [];
  const toolCalls: WireToolCall[] = [];
  for (const part of message.content) {
    if (part.type === 'text') texts.push(part);
    else if (part.type === 'tool_call') toolCalls.push(toolCall(part, idFor));
    else if (part.type === 'tool_result') {
      throw invalidField(`messages[${i}]`, 'a tool result can only appear in a user message');
    } else if (part.type === 'image' || part.type === 'document') {
      throw invalidField(
        `messages[${i}]`,
        `${part.type}s in assistant messages are not supported by OpenAI-compatible backends`,
      );
    }
    // Thinking from another backend is dropped: plain chat backends reject or ignore it.
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: joinTexts(texts) };
  return { role: 'assistant', content: texts.length > 0 ? joinTexts(texts) : null, tool_calls: toolCalls };
}

function toolCall(part: ToolCallPart, idFor: ToolCallIdFor): WireToolCall {
  return {
    id: idFor(part.id),
    type: 'function',
    function: { name: part.name, arguments: normalizeArguments(part.arguments) },
  };
}

function userPart(part: TextPart | ImagePart | DocumentPart, i: number): WireUserPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return imagePart(part, i);
    default:
      return documentPart(part, i);
  }
}

function imagePart(part: ImagePart, i: number): WireUserPart {
  const { source } = part;
  if (source.kind === 'file') {
    throw invalidField(
      `messages[${i}]`,
      'images given by provider file id are not supported by OpenAI-compatible backends; send the image data or a URL',
    );
  }
  const url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: 'image_url', image_url: part.detail ? { url, detail: part.detail } : { url } };
}

function documentPart(part: DocumentPart, i: number): WireUserPart {
  const { source } = part;
  if (source.kind === 'file') return { type: 'file', file: { file_id: source.fileId } };
  if (source.kind === 'url') {
    throw invalidField(
      `messages[${i}]`,
      'documents given by URL are not supported by OpenAI-compatible backends; send the document data',
    );
  }
  if (source.mediaType === 'application/pdf') {
    return {
      type: 'file',
      file: {
        filename: part.title ?? 'document.pdf',
        file_data: `data:application/pdf;base64,${source.data}`,
      },
    };
  }
  if (source.mediaType.startsWith('text/')) {
    return { type: 'text', text: Buffer.from(source.data, 'base64').toString('utf8') };
  }
  throw invalidField(
    `messages[${i}]`,
    `${source.mediaType} documents are not supported by OpenAI-compatible backends (PDF and text only)`,
  );
}

function isText(part: { type: string }): part is TextPart {
  return part.type === 'text';
}

function joinTexts(parts: TextPart[]): string {
  return parts.map((part) => part.text).join('\n');
}
