import type {
  ContentPart,
  DocumentPart,
  ImagePart,
  ImageSource,
  Message,
  TextPart,
  ToolResultPart,
} from '../../canonical/request.ts';
import { toolCallIdFromClient } from '../../canonical/tool-call-id.ts';
import { arrayOf, isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';

/** Block types that only Anthropic's own servers can act on: kept out of the canonical request. */
const ANTHROPIC_ONLY_BLOCKS = new Set([
  'server_tool_use',
  'mcp_tool_use',
  'mcp_tool_result',
  'mcp_tool_listing',
  'container_upload',
  'compaction',
  'tool_addition',
  'tool_removal',
  'fallback',
  'browser_state',
]);

function anthropicOnlyBlock(type: string): boolean {
  return (
    ANTHROPIC_ONLY_BLOCKS.has(type) || type.endsWith('_tool_result') || type.endsWith('_tool_result_error')
  );
}

type Role = Message['role'];

function isRole(value: unknown): value is Role {
  return value === 'user' || value === 'assistant' || value === 'system';
}

/**
 * `messages`: user and assistant turns, and the `system` turns Claude Code sends inside
 * them, which stay in place. Anthropic-only blocks (server tool calls and results) are
 * named in `dialectOnly` rather than translated.
 */
export function decodeMessages(value: unknown, dialectOnly: Set<string>): Message[] {
  if (!Array.isArray(value)) throw invalidField('messages', 'must be an array of messages');
  if (value.length === 0) throw invalidField('messages', 'at least one message is required');
  return value.map((raw, at) => {
    const field = `messages.${at}`;
    if (!isObject(raw)) throw invalidField(field, 'must be an object with role and content');
    const role = raw['role'];
    if (!isRole(role)) throw invalidField(`${field}.role`, 'must be "user", "assistant" or "system"');
    return { role, content: decodeContent(raw['content'], `${field}.content`, role, dialectOnly) };
  });
}

function decodeContent(value: unknown, field: string, role: Role, dialectOnly: Set<string>): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField(field, 'must be a string or an array of content blocks');
  const parts: ContentPart[] = [];
  value.forEach((block, at) => {
    for (const part of decodeBlock(block, `${field}.${at}`, role, dialectOnly)) parts.push(part);
  });
  return parts;
}

function decodeBlock(value: unknown, field: string, role: Role, dialectOnly: Set<string>): ContentPart[] {
  const block = blockObject(value, field);
  const type = String(block['type']);
  if (role === 'system' && type !== 'text') {
    throw invalidField(`${field}.type`, `a system message takes text blocks only, not '${type}'`);
  }
  switch (type) {
    case 'text':
      return [textPart(block, field)];
    case 'image':
      return [imagePart(block, field)];
    case 'document':
      return documentParts(block, field);
    case 'search_result':
      return [searchResultText(block, field)];
    case 'tool_use':
      requireRole(role, 'assistant', type, field);
      return [
        {
          type: 'tool_call',
          ...toolCallIdFromClient(requiredString(block, 'id', field)),
          name: requiredString(block, 'name', field),
          arguments: jsonText(inputObject(block['input'], `${field}.input`), `${field}.input`),
        },
      ];
    case 'tool_result':
      requireRole(role, 'user', type, field);
      return [toolResultPart(block, field)];
    case 'thinking': {
      requireRole(role, 'assistant', type, field);
      const signature = stringOf(block['signature']);
      return [
        {
          type: 'thinking',
          text: requiredString(block, 'thinking', field),
          ...(signature ? { signature } : {}),
        },
      ];
    }
    case 'redacted_thinking':
      requireRole(role, 'assistant', type, field);
      return [{ type: 'redacted_thinking', data: requiredString(block, 'data', field) }];
    default:
      if (anthropicOnlyBlock(type)) {
        dialectOnly.add(`content block ${type}`);
        return [];
      }
      throw invalidField(`${field}.type`, `unknown content block type '${type}'`);
  }
}

function blockObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw invalidField(field, 'must be a content block object');
  if (typeof value['type'] !== 'string') throw invalidField(`${field}.type`, 'Field required');
  return value;
}

function requireRole(role: Role, wanted: Role, type: string, field: string): void {
  if (role !== wanted) throw invalidField(`${field}.type`, `'${type}' blocks belong in ${wanted} messages`);
}

function requiredString(block: JsonObject, key: string, field: string): string {
  const value = block[key];
  if (typeof value !== 'string') throw invalidField(`${field}.${key}`, 'must be a string');
  return value;
}

function inputObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidField(field, 'must be an object');
  return value;
}

/** Client JSON as text; JSON.stringify gives up (RangeError) a few thousand levels deep: a 400. */
function jsonText(value: unknown, field: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    throw invalidField(field, 'is nested too deeply');
  }
}

function textPart(block: JsonObject, field: string): TextPart {
  return { type: 'text', text: requiredString(block, 'text', field) };
}

function imagePart(block: JsonObject, field: string): ImagePart {
  return { type: 'image', source: source(block['source'], `${field}.source`) };
}

function source(value: unknown, field: string): ImageSource {
  if (!isObject(value)) throw invalidField(field, 'Field required');
  switch (value['type']) {
    case 'base64':
      return {
        kind: 'base64',
        mediaType: requiredString(value, 'media_type', field),
        data: requiredString(value, 'data', field),
      };
    case 'url':
      return { kind: 'url', url: requiredString(value, 'url', field) };
    case 'file':
      return { kind: 'file', fileId: requiredString(value, 'file_id', field) };
    default:
      throw invalidField(`${field}.type`, `unknown source type '${String(value['type'])}'`);
  }
}

/** PDFs (base64, URL or file) stay documents; plain-text and content sources become their text. */
function documentParts(block: JsonObject, field: string): (TextPart | ImagePart | DocumentPart)[] {
  const from = block['source'];
  const sourceField = `${field}.source`;
  if (isObject(from) && from['type'] === 'text')
    return [{ type: 'text', text: requiredString(from, 'data', sourceField) }];
  if (isObject(from) && from['type'] === 'content')
    return sourceContent(from['content'], `${sourceField}.content`);
  const title = stringOf(block['title']);
  return [{ type: 'document', source: source(from, sourceField), ...(title ? { title } : {}) }];
}

function sourceContent(value: unknown, field: string): (TextPart | ImagePart)[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value))
    throw invalidField(field, 'must be a string or an array of text and image blocks');
  return value.map((raw, at) => {
    const block = blockObject(raw, `${field}.${at}`);
    if (block['type'] === 'text') return textPart(block, `${field}.${at}`);
    if (block['type'] === 'image') return imagePart(block, `${field}.${at}`);
    throw invalidField(
      `${field}.${at}.type`,
      `a content source takes text and image blocks, not '${block['type']}'`,
    );
  });
}

/** A search result as the text a model without Anthropic's citations can read. */
function searchResultText(block: JsonObject, field: string): TextPart {
  const title = requiredString(block, 'title', field);
  const from = requiredString(block, 'source', field);
  const texts = arrayOf(block['content']).map(
    (raw, at) => textPart(blockObject(raw, `${field}.content.${at}`), `${field}.content.${at}`).text,
  );
  return { type: 'text', text: `${title} (${from})\n${texts.join('\n')}` };
}

function toolResultPart(block: JsonObject, field: string): ToolResultPart {
  const { id } = toolCallIdFromClient(requiredString(block, 'tool_use_id', field));
  const isError = block['is_error'];
  if (isError !== undefined && isError !== null && typeof isError !== 'boolean') {
    throw invalidField(`${field}.is_error`, 'must be a boolean');
  }
  return {
    type: 'tool_result',
    toolCallId: id,
    content: toolResultContent(block['content'], `${field}.content`),
    isError: isError === true,
  };
}

function toolResultContent(value: unknown, field: string): (TextPart | ImagePart | DocumentPart)[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField(field, 'must be a string or an array of content blocks');
  const parts: (TextPart | ImagePart | DocumentPart)[] = [];
  value.forEach((raw, at) => {
    const item = `${field}.${at}`;
    const block = blockObject(raw, item);
    switch (block['type']) {
      case 'text':
        parts.push(textPart(block, item));
        break;
      case 'image':
        parts.push(imagePart(block, item));
        break;
      case 'document':
        for (const part of documentParts(block, item)) parts.push(part);
        break;
      case 'search_result':
        parts.push(searchResultText(block, item));
        break;
      case 'tool_reference':
        // Claude Code's tool search loads a deferred tool this way; translated requests
        // declare every tool up front, so the reference only needs to say the tool is there.
        parts.push({
          type: 'text',
          text: `Tool ${requiredString(block, 'tool_name', item)} is available to call.`,
        });
        break;
      default:
        throw invalidField(
          `${item}.type`,
          `a tool result takes text, image, document, search_result and tool_reference blocks, not '${block['type']}'`,
        );
    }
  });
  return parts;
}
