import type { StreamDecoder, UpstreamFrame } from '../../../canonical/codecs.ts';
import type { StreamEvent, UpstreamFailure } from '../../../canonical/response.ts';
import { arrayOf, isObject, type JsonObject, numberOf, stringOf } from '../../../canonical/wire.ts';
import { generateUsage } from '../usage.ts';
import { decodeError } from './decode-error.ts';
import { stopReason } from './finish-reason.ts';
import { readPart } from './read-part.ts';

interface OpenText {
  kind: 'text' | 'thought';
  index: number;
  signed: boolean;
}

/**
 * `streamGenerateContent?alt=sse` frames, each a `GenerateContentResponse` delta, as canonical
 * events. Text continues one part until a function call or a thought comes between (or a
 * second signature, which starts a new part); each function call arrives whole and gets its
 * own part. Usage is cumulative on every chunk. The finish is held until the end, since a
 * function call in any chunk makes it `tool_use`.
 */
export class GeminiStreamDecoder implements StreamDecoder {
  #started = false;
  #failed = false;
  #nextIndex = 0;
  #open: OpenText | undefined;
  #sawCall = false;
  #finishReason: string | undefined;
  #blocked = false;
  #usageKey = '';

  frame(frame: UpstreamFrame): StreamEvent[] {
    if (this.#failed) return [];
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      return this.#fail({ status: 502, message: 'Gemini sent a stream frame that is not JSON' });
    }
    if (isObject(data) && isObject(data['error'])) {
      return this.#fail(decodeError(numberOf(data['error']['code']) ?? 500, data));
    }
    if (!isObject(data)) return [];
    const events: StreamEvent[] = [];
    if (!this.#started) events.push(this.#start(data));
    const candidate = arrayOf(data['candidates'])[0];
    if (isObject(candidate)) {
      const content = candidate['content'];
      if (isObject(content)) {
        for (const raw of arrayOf(content['parts'])) this.#part(raw, events);
      }
      const finish = stringOf(candidate['finishReason']);
      if (finish) this.#finishReason = finish;
    } else if (isObject(data['promptFeedback']) && stringOf(data['promptFeedback']['blockReason'])) {
      this.#blocked = true;
    }
    this.#usage(data, events);
    return events;
  }

  end(): StreamEvent[] {
    if (this.#failed || !this.#started) return [];
    if (this.#blocked) return [{ type: 'finish', stopReason: 'content_filter' }];
    if (this.#finishReason === undefined) return [];
    return [{ type: 'finish', stopReason: stopReason(this.#finishReason, this.#sawCall) }];
  }

  #start(data: JsonObject): StreamEvent {
    this.#started = true;
    const start: StreamEvent = { type: 'start' };
    const id = stringOf(data['responseId']);
    if (id) start.id = id;
    const model = stringOf(data['modelVersion']);
    if (model) start.model = model;
    const usage = generateUsage(data['usageMetadata']);
    if (usage) start.usage = usage;
    return start;
  }

  #part(raw: unknown, events: StreamEvent[]): void {
    const part = readPart(raw);
    if (!part) return;
    if (part.kind === 'call') {
      this.#open = undefined;
      this.#sawCall = true;
      const index = this.#nextIndex++;
      const call: StreamEvent = { type: 'tool_call', index, id: part.id, name: part.name };
      if (part.signature) call.signature = part.signature;
      events.push(call, { type: 'tool_arguments', index, json: part.arguments });
      return;
    }
    const kind = part.thought ? 'thought' : 'text';
    const signature = part.signature;
    if (part.text === '' && signature === undefined) return;
    let open = this.#open;
    if (open?.kind !== kind || (open.signed && signature !== undefined)) {
      open = { kind, index: this.#nextIndex++, signed: false };
      this.#open = open;
    }
    if (signature !== undefined) open.signed = true;
    const index = open.index;
    if (kind === 'thought') {
      if (part.text !== '') events.push({ type: 'thinking', index, text: part.text });
      if (signature !== undefined) events.push({ type: 'thinking_signature', index, signature });
    } else {
      events.push(
        signature === undefined
          ? { type: 'text', index, text: part.text }
          : { type: 'text', index, text: part.text, signature },
      );
    }
  }

  #usage(data: JsonObject, events: StreamEvent[]): void {
    const usage = generateUsage(data['usageMetadata']);
    if (!usage) return;
    const key = JSON.stringify(usage);
    if (key === this.#usageKey) return;
    this.#usageKey = key;
    events.push({ type: 'usage', usage });
  }

  #fail(error: UpstreamFailure): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }
}
