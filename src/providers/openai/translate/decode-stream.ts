import type { StreamDecoder, UpstreamFrame } from '../../../canonical/codecs.ts';
import type { StreamEvent, UpstreamFailure } from '../../../canonical/response.ts';
import { newToolCallId } from '../../../canonical/tool-arguments.ts';
import { arrayOf, isObject, type JsonObject, numberOf, stringOf } from '../../../canonical/wire.ts';
import { chatUsage } from '../usage.ts';
import { decodeError } from './decode-error.ts';
import { stopReason } from './stop-reason.ts';

interface ToolSlot {
  /** The canonical part index. */
  index: number;
  /** The id as the backend sent it, to tell a new call that reuses a wire index. */
  wireId: string | undefined;
}

/**
 * `chat.completion.chunk` frames as canonical events. Part indexes follow first appearance;
 * text and thinking each keep theirs until a tool call comes between. Tool-call deltas are
 * matched by their wire `index`, so interleaved parallel calls stay apart, and argument
 * pieces pass through untouched (they may split anywhere, even inside a `\uXXXX` escape).
 * `finish` waits for `[DONE]` or the end of the body, so usage sent after the finish chunk
 * still comes before it.
 */
export class ChatStreamDecoder implements StreamDecoder {
  #started = false;
  #closed = false;
  #nextIndex = 0;
  #textIndex: number | undefined;
  #thinkingIndex: number | undefined;
  /** Wire index (or a key of our own when the backend sends none) → the call's slot. */
  readonly #tools = new Map<number, ToolSlot>();
  #lastTool: ToolSlot | undefined;
  #unindexedCalls = 0;
  readonly #ids = new Set<string>();
  #finishReason: string | undefined;
  #matchedStop: string | undefined;
  #lastUsage = '';

  frame(frame: UpstreamFrame): StreamEvent[] {
    if (this.#closed) return [];
    const data = frame.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.#finish();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return this.#fail({
        status: 502,
        message: `the backend sent a stream event that is not JSON: ${data.slice(0, 200)}`,
      });
    }
    if (!isObject(chunk)) {
      return this.#fail({
        status: 502,
        message: 'the backend sent a stream event that is not a JSON object',
      });
    }
    if (chunk['error'] !== undefined || frame.event === 'error') return this.#fail(streamFailure(chunk));

    const events: StreamEvent[] = [];
    if (!this.#started) events.push(this.#start(chunk));
    const choice = firstChoice(chunk['choices']);
    if (choice) this.#choice(choice, events);
    const usage = chatUsage(chunk['usage']);
    if (usage) {
      const key = JSON.stringify(usage);
      if (key !== this.#lastUsage) {
        this.#lastUsage = key;
        events.push({ type: 'usage', usage });
      }
    }
    return events;
  }

  /**
   * A body that ends without `[DONE]` is whole only if a `finish_reason` came: otherwise it
   * was cut off, and no `finish` lets the pipeline tell the client so (a half-streamed tool
   * call must not look runnable).
   */
  end(): StreamEvent[] {
    if (this.#closed) return [];
    if (!this.#started)
      return this.#fail({ status: 502, message: 'the backend stream ended before any chunk' });
    if (this.#finishReason === undefined) return [];
    return this.#finish();
  }

  #start(chunk: JsonObject): StreamEvent {
    this.#started = true;
    const event: Extract<StreamEvent, { type: 'start' }> = { type: 'start' };
    const id = stringOf(chunk['id']);
    if (id) event.id = id;
    const model = stringOf(chunk['model']);
    if (model) event.model = model;
    const created = numberOf(chunk['created']);
    if (created !== undefined) event.created = created;
    return event;
  }

  #choice(choice: JsonObject, events: StreamEvent[]): void {
    const delta = isObject(choice['delta']) ? choice['delta'] : {};
    const reasoning = stringOf(delta['reasoning_content']) || stringOf(delta['reasoning']);
    if (reasoning) {
      this.#thinkingIndex ??= this.#nextIndex++;
      events.push({ type: 'thinking', index: this.#thinkingIndex, text: reasoning });
    }
    const text = (stringOf(delta['content']) ?? '') + (stringOf(delta['refusal']) ?? '');
    if (text) {
      this.#textIndex ??= this.#nextIndex++;
      events.push({ type: 'text', index: this.#textIndex, text });
    }
    for (const call of arrayOf(delta['tool_calls'])) {
      if (isObject(call)) this.#toolCallDelta(call, events);
    }
    const finish = stringOf(choice['finish_reason']);
    if (finish) this.#finishReason = finish;
    const matchedStop = stringOf(choice['stop_reason']);
    if (matchedStop !== undefined) this.#matchedStop = matchedStop;
  }

  #toolCallDelta(call: JsonObject, events: StreamEvent[]): void {
    const fn = isObject(call['function']) ? call['function'] : {};
    const wireId = stringOf(call['id']) || undefined;
    const name = stringOf(fn['name']) || undefined;
    const wireIndex = numberOf(call['index']);
    let slot: ToolSlot | undefined;
    if (wireIndex !== undefined) {
      slot = this.#tools.get(wireIndex);
      // Some servers number every call 0; a new id with a name is a new call.
      if (slot && wireId && name && slot.wireId && wireId !== slot.wireId) slot = undefined;
      if (!slot) slot = this.#openTool(wireIndex, wireId, name ?? '', events);
    } else {
      // Without an index, a delta naming a tool (or bearing a new id) starts a call.
      const continues = this.#lastTool && !name && (!wireId || wireId === this.#lastTool.wireId);
      slot = continues
        ? this.#lastTool!
        : this.#openTool(-++this.#unindexedCalls, wireId, name ?? '', events);
    }
    this.#lastTool = slot;
    const args = fn['arguments'];
    // A few servers send the arguments as an object rather than JSON text.
    const json = typeof args === 'string' ? args : isObject(args) ? JSON.stringify(args) : '';
    if (json) events.push({ type: 'tool_arguments', index: slot.index, json });
  }

  #openTool(key: number, wireId: string | undefined, name: string, events: StreamEvent[]): ToolSlot {
    const id = wireId && !this.#ids.has(wireId) ? wireId : newToolCallId('call_');
    this.#ids.add(id);
    const slot: ToolSlot = { index: this.#nextIndex++, wireId };
    this.#tools.set(key, slot);
    this.#textIndex = undefined;
    this.#thinkingIndex = undefined;
    events.push({ type: 'tool_call', index: slot.index, id, name });
    return slot;
  }

  #finish(): StreamEvent[] {
    this.#closed = true;
    return [{ type: 'finish', ...stopReason(this.#finishReason, this.#ids.size > 0, this.#matchedStop) }];
  }

  #fail(error: UpstreamFailure): StreamEvent[] {
    this.#closed = true;
    return [{ type: 'error', error }];
  }
}

/** The first choice of a chunk; other choices (n > 1) have no place in the canonical answer. */
function firstChoice(choices: unknown): JsonObject | undefined {
  const list = arrayOf(choices).filter(isObject);
  return (
    list.find((choice) => choice['index'] === 0) ??
    (list.length === 1 && list[0]!['index'] === undefined ? list[0] : undefined)
  );
}

/** A mid-stream `{"error": ...}`: vLLM puts the HTTP status in `code`. */
function streamFailure(chunk: JsonObject): UpstreamFailure {
  const error = isObject(chunk['error']) ? chunk['error'] : chunk;
  const code = numberOf(error['code']) ?? numberOf(error['status']);
  const status = code !== undefined && code >= 400 && code <= 599 ? code : 500;
  return decodeError(status, chunk);
}
