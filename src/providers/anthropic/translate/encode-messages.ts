import type {
  ContentPart,
  DocumentPart,
  ImagePart,
  ImageSource,
  Message,
  TextPart,
  ToolResultPart,
} from '../../../canonical/request.ts';
import { argumentsObject } from '../../../canonical/tool-arguments.ts';
import { GatewayError } from '../../../core/errors.ts';
import type {
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicRequestBlock,
  AnthropicSource,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolResultContent,
} from './wire.ts';

/**
 * The leading system prompt, then the text of every in-place system message in order:
 * Anthropic's `messages` take only user and assistant turns (its newer mid-conversation
 * system messages are not accepted by every model), so they join the top-level `system`.
 * Blank blocks are dropped: Anthropic refuses them.
 */
export function encodeSystem(system: TextPart[], messages: Message[]): AnthropicTextBlock[] {
  const texts = [...system];
  for (const message of messages) {
    if (message.role !== 'system') continue;
    for (const part of message.content) if (part.type === 'text') texts.push(part);
  }
  return texts.filter((part) => part.text.trim() !== '').map((part) => ({ type: 'text', text: part.text }));
}

/**
 * User and assistant turns. Consecutive turns of one role are merged (Anthropic would merge
 * them anyway, and merging lets every tool_result of a turn lead it, as Anthropic requires);
 * turns left empty are dropped.
 */
export function encodeMessages(messages: Message[]): AnthropicMessageParam[] {
  const out: AnthropicMessageParam[] = [];
  messages.forEach((message, at) => {
    if (message.role === 'system') return;
    const content =
      message.role === 'user' ? userBlocks(message.content, at) : assistantBlocks(message.content, at);
    if (content.length === 0) return;
    const last = out.at(-1);
    if (last?.role === message.role) {
      for (const block of content) last.content.push(block);
    } else {
      out.push({ role: message.role, content });
    }
  });
  for (const message of out) {
    if (message.role === 'user') message.content = toolResultsFirst(message.content);
  }
  trimPrefill(out);
  return out;
}

function userBlocks(parts: ContentPart[], at: number): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (part.text.trim() !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'image':
        blocks.push(imageBlock(part, `messages[${at}]`));
        break;
      case 'document':
        blocks.push(documentBlock(part, `messages[${at}]`));
        break;
      case 'tool_result':
        blocks.push(toolResultBlock(part, at));
        break;
      case 'tool_call':
        throw new GatewayError(
          'invalid_request',
          `messages[${at}]: a tool call can only be in an assistant turn`,
          {
            param: 'messages',
          },
        );
      default:
        // Thinking belongs to assistant turns; a user turn has no place for it.
        break;
    }
  }
  return blocks;
}

function assistantBlocks(parts: ContentPart[], at: number): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (part.text.trim() !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'thinking':
        // Anthropic refuses thinking it did not sign (other backends' reasoning, for one).
        if (part.signature) blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        break;
      case 'redacted_thinking':
        blocks.push({ type: 'redacted_thinking', data: part.data });
        break;
      case 'tool_call':
        blocks.push({
          type: 'tool_use',
          id: anthropicToolId(part.id),
          name: part.name,
          input: argumentsObject(part.arguments),
        });
        break;
      default:
        throw new GatewayError(
          'invalid_request',
          `messages[${at}]: Anthropic accepts no ${part.type} content in an assistant turn`,
          { param: 'messages' },
        );
    }
  }
  return blocks;
}

function toolResultBlock(part: ToolResultPart, at: number): AnthropicToolResultBlock {
  const content: AnthropicToolResultContent[] = [];
  for (const item of part.content) {
    if (item.type === 'text') {
      if (item.text !== '') content.push({ type: 'text', text: item.text });
    } else if (item.type === 'image') {
      content.push(imageBlock(item, `messages[${at}]`));
    } else {
      content.push(documentBlock(item, `messages[${at}]`));
    }
  }
  return {
    type: 'tool_result',
    tool_use_id: anthropicToolId(part.toolCallId),
    ...(content.length > 0 ? { content } : {}),
    ...(part.isError ? { is_error: true } : {}),
  };
}

function imageBlock(part: ImagePart, field: string): AnthropicImageBlock {
  return { type: 'image', source: source(part.source, field, 'image') };
}

function documentBlock(part: DocumentPart, field: string): AnthropicDocumentBlock {
  const { source: from } = part;
  let encoded: AnthropicSource;
  if (from.kind === 'base64' && from.mediaType.startsWith('text/')) {
    encoded = {
      type: 'text',
      media_type: 'text/plain',
      data: Buffer.from(from.data, 'base64').toString('utf8'),
    };
  } else if (from.kind === 'base64' && from.mediaType !== 'application/pdf') {
    throw new GatewayError(
      'invalid_request',
      `${field}: Anthropic reads PDF and plain-text documents only, not ${from.mediaType}`,
      { param: 'messages' },
    );
  } else {
    encoded = source(from, field, 'document');
  }
  return { type: 'document', source: encoded, ...(part.title ? { title: part.title } : {}) };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function source(from: ImageSource, field: string, what: string): AnthropicSource {
  switch (from.kind) {
    case 'base64':
      return { type: 'base64', media_type: from.mediaType, data: from.data };
    case 'url': {
      const inline = DATA_URL.exec(from.url);
      if (inline) return { type: 'base64', media_type: inline[1]!, data: inline[2]! };
      return { type: 'url', url: from.url };
    }
    case 'file':
      throw new GatewayError(
        'invalid_request',
        `${field}: an ${what} given by file id (${from.fileId}) belongs to another provider; Anthropic cannot read it`,
        { param: 'messages' },
      );
  }
}

/** Anthropic wants tool ids of `[a-zA-Z0-9_-]`; the same mapping on calls and results keeps them paired. */
export function anthropicToolId(id: string): string {
  return id === '' ? 'toolu_missing' : id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function toolResultsFirst(blocks: AnthropicRequestBlock[]): AnthropicRequestBlock[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}

/** A closing assistant turn is a prefill, which Anthropic refuses when it ends in whitespace. */
function trimPrefill(messages: AnthropicMessageParam[]): void {
  const last = messages.at(-1);
  const block = last?.role === 'assistant' ? last.content.at(-1) : undefined;
  if (block?.type === 'text') block.text = block.text.trimEnd();
}
