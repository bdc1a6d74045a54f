import type {
  ContentPart,
  Message,
  TextPart,
  ThinkingPart,
  ToolCallPart,
  ToolResultPart,
} from '../../canonical/request.ts';
import { isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { decodeMedia } from './decode-media.ts';
import { member } from './fields.ts';
import { redactedThinkingData, signatureFromClient } from './signatures.ts';

interface CallRecord {
  id: string;
  name: string;
  /** Index of the canonical message holding the call. */
  turn: number;
  answered: boolean;
}

/** Calls in order, and the first that may still be unanswered (answered ones never reopen). */
interface CallQueue {
  calls: CallRecord[];
  next: number;
}

interface DecodeState {
  messages: Message[];
  calls: CallIndex;
}

/** Parts that run code on Google's side; no other backend can replay them. */
const CODE_EXECUTION = ['executableCode', 'codeExecutionResult'];

/**
 * `contents` as canonical turns. Consecutive contents of one role make one turn (SDK chat
 * histories keep each streamed chunk as its own content), and in model turns the pieces of
 * one text or thought are joined again, up to the part that carries its signature.
 */
export function decodeContents(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalidField('contents', 'must be a non-empty array');
  const state: DecodeState = { messages: [], calls: new CallIndex() };
  value.forEach((raw, i) => {
    decodeContent(raw, i, state);
  });
  return state.messages;
}

function decodeContent(raw: unknown, position: number, state: DecodeState): void {
  const path = `contents[${position}]`;
  if (!isObject(raw)) throw invalidField(path, 'must be an object');
  const role = decodeRole(raw['role'], `${path}.role`);
  const parts = raw['parts'];
  if (!Array.isArray(parts)) throw invalidField(`${path}.parts`, 'must be an array');
  const { messages } = state;
  let message = messages.at(-1);
  if (message?.role !== role) {
    message = { role, content: [] };
    messages.push(message);
  }
  const turn = messages.length - 1;
  parts.forEach((part, j) => {
    const partPath = `${path}.parts[${j}]`;
    if (!isObject(part)) throw invalidField(partPath, 'must be an object');
    if (role === 'assistant') modelPart(part, partPath, `call_${position}_${j}`, turn, message, state);
    else userPart(part, partPath, message, state);
  });
  if (message.content.length === 0) messages.pop();
}

function decodeRole(value: unknown, field: string): 'user' | 'assistant' {
  if (value === undefined || value === null || value === '' || value === 'user') return 'user';
  if (value === 'model') return 'assistant';
  // The v1beta API's early tool turns were sent with role `function`.
  if (value === 'function') return 'user';
  throw invalidField(field, "must be 'user' or 'model'");
}

function modelPart(
  part: JsonObject,
  path: string,
  fallbackId: string,
  turn: number,
  message: Message,
  state: DecodeState,
): void {
  refuseCodeExecution(part, path);
  const signature = signatureFromClient(member(part, 'thoughtSignature'));
  const text = textOf(part, path);
  if (text !== undefined) {
    if (part['thought'] === true) {
      const redacted = signature === undefined || text !== '' ? undefined : redactedThinkingData(signature);
      if (redacted !== undefined) message.content.push({ type: 'redacted_thinking', data: redacted });
      else if (text !== '' || signature !== undefined) {
        appendText(message.content, withSignature({ type: 'thinking', text }, signature));
      }
    } else if (text !== '' || signature !== undefined) {
      // The SDKs' streamed histories end turns with an empty text part; other backends refuse those.
      appendText(message.content, withSignature({ type: 'text', text }, signature));
    }
    return;
  }
  const call = member(part, 'functionCall');
  if (call !== undefined) {
    const toolCall = decodeFunctionCall(call, `${path}.functionCall`, fallbackId);
    if (signature !== undefined) toolCall.signature = signature;
    message.content.push(toolCall);
    state.calls.add({ id: toolCall.id, name: toolCall.name, turn, answered: false });
    return;
  }
  if (member(part, 'functionResponse') !== undefined) {
    throw invalidField(`${path}.functionResponse`, "belongs in a 'user' turn");
  }
  if (member(part, 'inlineData') !== undefined || member(part, 'fileData') !== undefined) {
    throw invalidField(path, 'media in a model turn cannot be translated to another provider');
  }
  throw unsupportedPart(path);
}

function userPart(part: JsonObject, path: string, message: Message, state: DecodeState): void {
  refuseCodeExecution(part, path);
  const text = textOf(part, path);
  if (text !== undefined) {
    if (part['thought'] === true)
      throw invalidField(`${path}.thought`, "thought parts belong in 'model' turns");
    message.content.push({ type: 'text', text });
    return;
  }
  const media = decodeMedia(part, path);
  if (media) {
    message.content.push(media);
    return;
  }
  const response = member(part, 'functionResponse');
  if (response !== undefined) {
    message.content.push(decodeFunctionResponse(response, `${path}.functionResponse`, state));
    return;
  }
  if (member(part, 'functionCall') !== undefined) {
    throw invalidField(`${path}.functionCall`, "belongs in a 'model' turn");
  }
  throw unsupportedPart(path);
}

function textOf(part: JsonObject, path: string): string | undefined {
  const text = part['text'];
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') throw invalidField(`${path}.text`, 'must be a string');
  return text;
}

function withSignature<T extends TextPart | ThinkingPart>(part: T, signature: string | undefined): T {
  if (signature !== undefined) part.signature = signature;
  return part;
}

/** Appends a text or thought, continuing the previous one of its kind until that one is signed. */
function appendText(content: ContentPart[], part: TextPart | ThinkingPart): void {
  const last = content.at(-1);
  if (last !== undefined && last.type === part.type && last.signature === undefined) {
    last.text += part.text;
    if (part.signature !== undefined) last.signature = part.signature;
    return;
  }
  content.push(part);
}

function decodeFunctionCall(raw: unknown, path: string, fallbackId: string): ToolCallPart {
  if (!isObject(raw)) throw invalidField(path, 'must be an object');
  const name = stringOf(raw['name']);
  if (name === undefined || name === '') throw invalidField(`${path}.name`, 'must be a non-empty string');
  const args = raw['args'];
  if (args !== undefined && args !== null && !isObject(args)) {
    throw invalidField(`${path}.args`, 'must be an object');
  }
  const id = stringOf(raw['id']);
  return {
    type: 'tool_call',
    // Calls without an id get one from their position, the same on every replay of the history.
    id: id === undefined || id === '' ? fallbackId : id,
    name,
    arguments: jsonText(args ?? {}, `${path}.args`),
  };
}

function decodeFunctionResponse(raw: unknown, path: string, state: DecodeState): ToolResultPart {
  if (!isObject(raw)) throw invalidField(path, 'must be an object');
  const name = stringOf(raw['name']);
  if (name === undefined || name === '') throw invalidField(`${path}.name`, 'must be a non-empty string');
  const response = raw['response'] ?? {};
  if (!isObject(response)) throw invalidField(`${path}.response`, 'must be an object');
  const call = state.calls.match(stringOf(raw['id']), name);
  if (!call) {
    throw invalidField(path, `no earlier functionCall named '${name}' is waiting for this response`);
  }
  call.answered = true;
  const result: ToolResultPart = {
    type: 'tool_result',
    toolCallId: call.id,
    name,
    content: [{ type: 'text', text: jsonText(response, `${path}.response`) }],
    isError: 'error' in response,
  };
  const parts = raw['parts'];
  if (parts !== undefined) {
    if (!Array.isArray(parts)) throw invalidField(`${path}.parts`, 'must be an array');
    parts.forEach((part, k) => {
      const partPath = `${path}.parts[${k}]`;
      if (!isObject(part)) throw invalidField(partPath, 'must be an object');
      const media = decodeMedia(part, partPath);
      if (!media) throw invalidField(partPath, 'must hold inlineData or fileData');
      result.content.push(media);
    });
  }
  return result;
}

/**
 * The calls so far, for the responses that answer them: by id, and by name in groups of
 * one turn each, so each lookup costs only the answered calls it steps over, once.
 */
class CallIndex {
  readonly #byId = new Map<string, CallQueue>();
  readonly #byName = new Map<string, CallQueue[]>();

  add(call: CallRecord): void {
    const sameId = this.#byId.get(call.id);
    if (sameId) sameId.calls.push(call);
    else this.#byId.set(call.id, { calls: [call], next: 0 });
    const turns = this.#byName.get(call.name);
    const last = turns?.at(-1);
    if (last && last.calls[0]!.turn === call.turn) last.calls.push(call);
    else if (turns) turns.push({ calls: [call], next: 0 });
    else this.#byName.set(call.name, [{ calls: [call], next: 0 }]);
  }

  /**
   * The call a response answers: the one with its id (the first unanswered, else the first),
   * else the earliest unanswered call of that name in the latest turn that has one (parallel
   * calls are answered in order).
   */
  match(id: string | undefined, name: string): CallRecord | undefined {
    if (id) {
      const sameId = this.#byId.get(id);
      if (sameId) return firstUnanswered(sameId) ?? sameId.calls[0];
    }
    const turns = this.#byName.get(name);
    if (!turns) return undefined;
    for (let last = turns.at(-1); last; last = turns.at(-1)) {
      const call = firstUnanswered(last);
      if (call) return call;
      // Every call of that name in this turn is answered: later lookups skip it for good.
      turns.pop();
    }
    return undefined;
  }
}

function firstUnanswered(queue: CallQueue): CallRecord | undefined {
  while (queue.next < queue.calls.length && queue.calls[queue.next]!.answered) queue.next++;
  return queue.calls[queue.next];
}

/** Client JSON as text; JSON.stringify gives up (RangeError) a few thousand levels deep: a 400. */
function jsonText(value: unknown, field: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    throw invalidField(field, 'is nested too deeply');
  }
}

function refuseCodeExecution(part: JsonObject, path: string): void {
  for (const name of CODE_EXECUTION) {
    if (member(part, name) !== undefined) {
      throw invalidField(`${path}.${name}`, 'code execution parts cannot be translated to another provider');
    }
  }
}

function unsupportedPart(path: string): Error {
  return invalidField(
    path,
    'unsupported part (expected text, inlineData, fileData, functionCall or functionResponse)',
  );
}
