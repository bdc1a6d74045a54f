import type { ContentPart, Message, TextPart, ToolResultPart } from '../../canonical/request.ts';
import { normalizeArguments } from '../../canonical/tool-arguments.ts';
import { toolCallIdFromClient } from '../../canonical/tool-call-id.ts';
import { isObject, type JsonObject } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import {
  contentList,
  type InputPart,
  inputPart,
  optionalString,
  requiredString,
  textPart,
} from './decode-content.ts';
import { readCarrier } from './reasoning-carrier.ts';

export interface DecodedInput {
  system: TextPart[];
  messages: Message[];
  dialectOnly: string[];
}

/** Items only OpenAI can act on: its hosted tools' calls and outputs, compaction, programs. */
const OPENAI_ONLY_ITEMS = new Set([
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'web_search_call',
  'tool_search_call',
  'tool_search_output',
  'additional_tools',
  'configuration_update',
  'compaction',
  'compaction_trigger',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'custom_tool_call',
  'custom_tool_call_output',
  'program',
  'program_output',
]);

/**
 * `instructions` and the `input` items as a system prompt and turns. System and developer
 * messages before the first other item join the system prompt; later ones stay in place.
 * Assistant messages, reasoning items and function calls that follow each other form one
 * assistant turn; function call outputs that follow each other form one user turn of tool
 * results.
 */
export function decodeInput(input: unknown, instructions: string | undefined): DecodedInput {
  const decoder = new InputDecoder();
  if (instructions) decoder.system.push({ type: 'text', text: instructions });
  if (input === undefined || input === null) throw invalidField('input', 'is required');
  if (typeof input === 'string') {
    decoder.messages.push({ role: 'user', content: [{ type: 'text', text: input }] });
  } else if (Array.isArray(input)) {
    input.forEach((item, index) => {
      decoder.item(item, `input[${index}]`);
    });
  } else {
    throw invalidField('input', 'must be a string or an array of items');
  }
  return { system: decoder.system, messages: decoder.messages, dialectOnly: decoder.dialectOnly };
}

class InputDecoder {
  readonly system: TextPart[] = [];
  readonly messages: Message[] = [];
  readonly dialectOnly: string[] = [];
  /** Function names by client call id, for the tool results that answer them. */
  readonly #callNames = new Map<string, string>();
  /** The last user turn, when it holds nothing but tool results, so it takes the next one. */
  #resultTurn: Message | undefined;
  #leading = true;

  item(item: unknown, field: string): void {
    if (!isObject(item)) throw invalidField(field, 'must be an object');
    const type =
      item['type'] ??
      (item['role'] !== undefined ? 'message' : item['id'] !== undefined ? 'item_reference' : undefined);
    switch (type) {
      case 'message':
        this.#message(item, field);
        return;
      case 'function_call':
        this.#functionCall(item, field);
        return;
      case 'function_call_output':
        this.#functionCallOutput(item, field);
        return;
      case 'reasoning':
        this.#reasoning(item, field);
        return;
      case 'item_reference':
        throw new GatewayError(
          'invalid_request',
          `${field}: item_reference is not supported: Switchyard does not store items; send the item itself`,
          { param: field },
        );
    }
    if (type === undefined) throw invalidField(`${field}.type`, 'is required');
    if (typeof type !== 'string') throw invalidField(`${field}.type`, 'must be a string');
    if (!OPENAI_ONLY_ITEMS.has(type))
      throw invalidField(`${field}.type`, `unknown item type ${JSON.stringify(type)}`);
    this.#leading = false;
    const name = `${type} input item`;
    if (!this.dialectOnly.includes(name)) this.dialectOnly.push(name);
  }

  #message(item: JsonObject, field: string): void {
    const role = item['role'];
    const content = item['content'];
    switch (role) {
      case 'system':
      case 'developer': {
        const parts = this.#parts(content, `${field}.content`, (part, at) => textPart(part, at, role));
        if (this.#leading) {
          for (const part of parts) this.system.push(part);
        } else {
          this.messages.push({ role: 'system', content: parts });
        }
        return;
      }
      case 'user': {
        this.#leading = false;
        const message: Message = {
          role: 'user',
          content: this.#parts(content, `${field}.content`, inputPart),
        };
        this.messages.push(message);
        if (message.content.length === 0) this.#resultTurn = message;
        return;
      }
      case 'assistant':
        this.#assistant(this.#parts(content, `${field}.content`, (part, at) => textPart(part, at, role)));
        return;
      default:
        throw invalidField(`${field}.role`, 'must be "user", "assistant", "system" or "developer"');
    }
  }

  #parts<T extends InputPart>(
    content: unknown,
    field: string,
    read: (part: JsonObject, field: string) => T,
  ): (T | TextPart)[] {
    if (typeof content === 'string') return [{ type: 'text', text: content }];
    return contentList(content, field).map((part, index) => read(part, `${field}[${index}]`));
  }

  #functionCall(item: JsonObject, field: string): void {
    const callId = requiredString(item['call_id'], `${field}.call_id`);
    const name = requiredString(item['name'], `${field}.name`);
    const args = requiredString(item['arguments'], `${field}.arguments`);
    const { id, signature } = toolCallIdFromClient(callId);
    this.#callNames.set(callId, name);
    this.#assistant([
      signature === undefined
        ? { type: 'tool_call', id, name, arguments: normalizeArguments(args) }
        : { type: 'tool_call', id, name, arguments: normalizeArguments(args), signature },
    ]);
  }

  #functionCallOutput(item: JsonObject, field: string): void {
    const callId = requiredString(item['call_id'], `${field}.call_id`);
    const output = item['output'];
    let content: InputPart[];
    if (typeof output === 'string') content = output === '' ? [] : [{ type: 'text', text: output }];
    else
      content = contentList(output, `${field}.output`).map((part, index) =>
        inputPart(part, `${field}.output[${index}]`),
      );
    const name = optionalString(item, 'name', `${field}.name`) ?? this.#callNames.get(callId);
    const result: ToolResultPart = {
      type: 'tool_result',
      toolCallId: toolCallIdFromClient(callId).id,
      content,
      isError: false,
    };
    if (name !== undefined) result.name = name;
    this.#leading = false;
    const turn = this.#resultTurn;
    if (turn !== undefined && turn === this.messages.at(-1)) {
      turn.content.push(result);
    } else {
      this.#resultTurn = { role: 'user', content: [result] };
      this.messages.push(this.#resultTurn);
    }
  }

  /**
   * Reasoning items carry their text in `summary` (or `content` for raw reasoning) and what a
   * backend needs echoed in `encrypted_content` (see reasoning-carrier.ts). OpenAI's own
   * encrypted reasoning means nothing to another backend: the text stays, the blob is dropped,
   * and an item left with nothing is skipped.
   */
  #reasoning(item: JsonObject, field: string): void {
    const text =
      this.#reasoningText(item['content'], `${field}.content`, 'reasoning_text') ||
      this.#reasoningText(item['summary'], `${field}.summary`, 'summary_text');
    const encrypted = optionalString(item, 'encrypted_content', `${field}.encrypted_content`);
    const carried = encrypted === undefined ? undefined : readCarrier(encrypted);
    if (carried?.kind === 'redacted') this.#assistant([{ type: 'redacted_thinking', data: carried.data }]);
    else if (carried?.kind === 'signature')
      this.#assistant([{ type: 'thinking', text, signature: carried.signature }]);
    else if (text !== '') this.#assistant([{ type: 'thinking', text }]);
    else this.#leading = false;
  }

  #reasoningText(value: unknown, field: string, partType: string): string {
    if (value === undefined || value === null) return '';
    if (!Array.isArray(value)) throw invalidField(field, 'must be an array');
    return value
      .map((part, index) => {
        if (!isObject(part) || part['type'] !== partType) {
          throw invalidField(`${field}[${index}]`, `must be a ${partType} part`);
        }
        return requiredString(part['text'], `${field}[${index}].text`);
      })
      .join('\n\n');
  }

  #assistant(parts: ContentPart[]): void {
    this.#leading = false;
    const last = this.messages.at(-1);
    if (last?.role === 'assistant') {
      for (const part of parts) last.content.push(part);
    } else {
      this.messages.push({ role: 'assistant', content: parts });
    }
  }
}
