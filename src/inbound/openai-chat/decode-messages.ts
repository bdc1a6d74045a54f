import type {
  ContentPart,
  Message,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../../canonical/request.ts';
import { normalizeArguments } from '../../canonical/tool-arguments.ts';
import { toolCallIdFromClient } from '../../canonical/tool-call-id.ts';
import { isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { textContent, userPart } from './user-content.ts';

export interface DecodedMessages {
  /** The system/developer messages before the first other message. */
  system: TextPart[];
  messages: Message[];
}

/**
 * Chat messages as canonical turns. Tool results live in user turns: consecutive `tool`
 * messages and the user message right after them become one user turn, results first.
 */
export function decodeMessages(value: unknown): DecodedMessages {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidField('messages', 'must be a non-empty array');
  }
  const system: TextPart[] = [];
  const messages: Message[] = [];
  /** Tool-call id → function name, so tool results can name their tool. */
  const toolNames = new Map<string, string>();
  /** The last turn holds tool results and may still take the user message after them. */
  let openToolTurn: Message | undefined;

  value.forEach((raw, i) => {
    const path = `messages[${i}]`;
    if (!isObject(raw)) throw invalidField(path, 'must be an object');
    const role = raw['role'];
    switch (role) {
      case 'system':
      case 'developer': {
        const content = textContent(raw['content'], `${path}.content`);
        if (messages.length === 0) {
          for (const part of content) system.push(part);
        } else {
          messages.push({ role: 'system', content });
        }
        openToolTurn = undefined;
        return;
      }
      case 'user': {
        const content = userContent(raw['content'], `${path}.content`);
        if (openToolTurn) {
          for (const part of content) openToolTurn.content.push(part);
        } else {
          messages.push({ role: 'user', content });
        }
        openToolTurn = undefined;
        return;
      }
      case 'assistant': {
        const message = assistantMessage(raw, path);
        for (const part of message.content) {
          if (part.type === 'tool_call') toolNames.set(part.id, part.name);
        }
        messages.push(message);
        openToolTurn = undefined;
        return;
      }
      case 'tool': {
        const result = toolResult(raw, path, toolNames);
        if (openToolTurn) openToolTurn.content.push(result);
        else {
          openToolTurn = { role: 'user', content: [result] };
          messages.push(openToolTurn);
        }
        return;
      }
      case 'function':
        throw invalidField(
          `${path}.role`,
          "'function' messages (deprecated) are not supported when translating to another provider; use tools and 'tool' messages",
        );
      default:
        throw invalidField(
          `${path}.role`,
          `unknown role ${JSON.stringify(role)}; expected system, developer, user, assistant or tool`,
        );
    }
  });
  return { system, messages };
}

function userContent(value: unknown, path: string): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField(path, 'must be a string or an array of content parts');
  return value.map((part, j) => userPart(part, `${path}[${j}]`));
}

function assistantMessage(raw: JsonObject, path: string): Message {
  if (raw['function_call'] !== undefined && raw['function_call'] !== null) {
    throw invalidField(
      `${path}.function_call`,
      'deprecated function_call is not supported when translating to another provider; use tool_calls',
    );
  }
  const content: ContentPart[] = [];
  const reasoning = stringOf(raw['reasoning_content']) ?? stringOf(raw['reasoning']);
  if (reasoning) content.push({ type: 'thinking', text: reasoning });
  // `content: ""` beside tool calls is common and means no text; an empty text block is refused by some backends.
  for (const part of textContent(raw['content'], `${path}.content`, true)) {
    if (part.text !== '') content.push(part);
  }
  const refusal = stringOf(raw['refusal']);
  if (refusal) content.push({ type: 'text', text: refusal });
  const toolCalls = raw['tool_calls'];
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) throw invalidField(`${path}.tool_calls`, 'must be an array');
    toolCalls.forEach((call, j) => {
      content.push(toolCall(call, `${path}.tool_calls[${j}]`));
    });
  }
  return { role: 'assistant', content };
}

function toolCall(raw: unknown, path: string): ToolCallPart {
  if (!isObject(raw)) throw invalidField(path, 'must be an object');
  if (raw['type'] !== undefined && raw['type'] !== 'function') {
    throw invalidField(
      `${path}.type`,
      `${JSON.stringify(raw['type'])} tool calls are not supported when translating to another provider`,
    );
  }
  const clientId = stringOf(raw['id']);
  if (!clientId) throw invalidField(`${path}.id`, 'must be a non-empty string');
  const fn = raw['function'];
  const name = isObject(fn) ? stringOf(fn['name']) : undefined;
  if (!isObject(fn) || !name) throw invalidField(`${path}.function.name`, 'must be a non-empty string');
  const args = fn['arguments'];
  if (args !== undefined && typeof args !== 'string') {
    throw invalidField(`${path}.function.arguments`, 'must be a string of JSON');
  }
  const { id, signature } = toolCallIdFromClient(clientId);
  const part: ToolCallPart = { type: 'tool_call', id, name, arguments: normalizeArguments(args) };
  if (signature !== undefined) part.signature = signature;
  return part;
}

function toolResult(raw: JsonObject, path: string, toolNames: Map<string, string>): ToolResultPart {
  const clientId = stringOf(raw['tool_call_id']);
  if (!clientId) throw invalidField(`${path}.tool_call_id`, 'must be a non-empty string');
  const { id } = toolCallIdFromClient(clientId);
  // An empty result is no content, not an empty text block (which some backends refuse).
  const content = textContent(raw['content'], `${path}.content`).filter((part) => part.text !== '');
  const result: ToolResultPart = { type: 'tool_result', toolCallId: id, content, isError: false };
  const name = toolNames.get(id);
  if (name !== undefined) result.name = name;
  return result;
}
