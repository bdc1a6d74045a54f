import type { ResponseContext, StreamEncoder } from '../../canonical/codecs.ts';
import type { StopReason, StreamEvent, UpstreamFailure } from '../../canonical/response.ts';
import { normalizeArguments } from '../../canonical/tool-arguments.ts';
import { type Usage, usage } from '../../core/usage.ts';
import { encodeSseEvent } from '../../transport/sse-encoder.ts';
import { streamErrorFrame } from '../error-format.ts';
import { failureAsGatewayError } from '../upstream-error.ts';
import { CallIds } from './call-ids.ts';
import { functionCallItem, messageItem, outputText, reasoningItem, summaryText } from './output-items.ts';
import { redactedContent, signatureContent } from './reasoning-carrier.ts';
import { IN_PROGRESS, idBase, itemId, type Outcome, outcomeOf, responseObject } from './response-object.ts';
import type { OutputItem, ResponseErrorWire } from './wire.ts';

interface Item {
  kind: 'message' | 'reasoning' | 'function_call';
  outputIndex: number;
  id: string;
  open: boolean;
  /** The message text, the reasoning summary text, or the call's arguments so far. */
  text: string;
  /** A reasoning item's summary part has been added (on its first text). */
  summaryOpen: boolean;
  /** A reasoning item's `encrypted_content`. */
  carried: string | undefined;
  redacted: string;
  callId: string;
  name: string;
}

const COMPLETED: Outcome = { status: 'completed', incomplete: null, error: null };

/**
 * Canonical events to the Responses event stream: `response.created`, `response.in_progress`,
 * then per item `output_item.added` → its part and delta events → `output_item.done`, and one
 * terminal `response.completed` / `response.incomplete` / `response.failed` carrying the whole
 * response, as `encodeResponse` gives it.
 *
 * Items open when their part first has content, numbered by `output_index` in that order. A
 * new part closes the open message and reasoning items (no backend resumes a text or thinking
 * part once another began); function calls stay open until the finish because parallel calls'
 * arguments may interleave, and Responses items may be open side by side (the SDK's
 * accumulator routes events by `output_index`). Should text or thinking still arrive for a
 * closed part, it goes on in a new item rather than being lost.
 *
 * The terminal event waits for `end()`: OpenAI-compatible backends send usage after the
 * finish reason.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  readonly #context: ResponseContext;
  readonly #base: string;
  readonly #callIds: CallIds;
  #sequence = 0;
  #started = false;
  #ended = false;
  readonly #items: Item[] = [];
  readonly #byPart = new Map<number, Item>();
  /** Arguments that came before their call's `tool_call` event. */
  readonly #earlyArguments = new Map<number, string>();
  #usage: Usage | undefined;
  #stopReason: StopReason | undefined;

  constructor(context: ResponseContext) {
    this.#context = context;
    this.#base = idBase(context);
    this.#callIds = new CallIds(this.#base);
  }

  encode(event: StreamEvent): string {
    if (this.#ended) return '';
    if (event.type === 'error') return this.fail(event.error);
    let out = this.#start();
    switch (event.type) {
      case 'start':
        if (event.usage) this.#usage = event.usage;
        break;
      case 'usage':
        this.#usage = event.usage;
        break;
      case 'text':
        if (event.text !== '') out += this.#text(event.index, event.text);
        break;
      case 'thinking':
        if (event.text !== '') out += this.#thinking(event.index, event.text);
        break;
      case 'thinking_signature': {
        const [item, opened] = this.#reasoningFor(event.index);
        item.carried = signatureContent(event.signature);
        out += opened;
        break;
      }
      case 'redacted_thinking': {
        const [item, opened] = this.#reasoningFor(event.index);
        item.redacted += event.data;
        item.carried = redactedContent(item.redacted);
        out += opened;
        break;
      }
      case 'tool_call':
        out += this.#toolCall(event.index, event.id, event.name, event.signature);
        break;
      case 'tool_arguments':
        out += this.#toolArguments(event.index, event.json);
        break;
      case 'finish':
        this.#stopReason = event.stopReason;
        out += this.#closeAll();
        break;
    }
    return out;
  }

  /**
   * The upstream ended: close what is open and send the terminal event. A stream that never
   * said why it stopped still completes: backends that omit the finish reason are lenient
   * servers whose answer is whole, while a broken connection reaches `fail()` instead.
   */
  end(): string {
    if (this.#ended) return '';
    let out = this.#start() + this.#closeAll();
    const outcome = this.#stopReason === undefined ? COMPLETED : outcomeOf(this.#stopReason);
    const type =
      outcome.status === 'completed'
        ? 'response.completed'
        : outcome.status === 'incomplete'
          ? 'response.incomplete'
          : 'response.failed';
    const finalUsage = this.#usage ?? usage({ inputTokens: this.#context.estimatedInputTokens });
    out += this.#emit(type, { response: this.#response(outcome, finalUsage) });
    this.#ended = true;
    return out;
  }

  /**
   * The `error` event, which makes the SDK raise; then, once the response was announced,
   * `response.failed`, the lifecycle end that clients which do not raise on `error` wait for.
   * Open items stay unfinished (status `incomplete` in the failed response).
   */
  fail(failure: UpstreamFailure): string {
    if (this.#ended) return '';
    this.#ended = true;
    const error = failureAsGatewayError(failure, 'openai');
    let out = streamErrorFrame('responses', 'openai', error, this.#context.requestId);
    if (this.#started) {
      const code: ResponseErrorWire['code'] =
        error.code === 'rate_limited'
          ? 'rate_limit_exceeded'
          : error.code === 'invalid_request'
            ? 'invalid_prompt'
            : 'server_error';
      const outcome: Outcome = {
        status: 'failed',
        incomplete: null,
        error: { code, message: error.message },
      };
      out += this.#emit('response.failed', { response: this.#response(outcome, this.#usage) });
    }
    return out;
  }

  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    return (
      this.#emit('response.created', { response: this.#response(IN_PROGRESS, undefined) }) +
      this.#emit('response.in_progress', { response: this.#response(IN_PROGRESS, undefined) })
    );
  }

  #text(index: number, text: string): string {
    let out = '';
    let item = this.#byPart.get(index);
    if (item?.kind !== 'message' || !item.open) {
      [item, out] = this.#open('message', index);
      out += this.#emit('response.content_part.added', {
        item_id: item.id,
        output_index: item.outputIndex,
        content_index: 0,
        part: outputText(''),
      });
    }
    item.text += text;
    return (
      out +
      this.#emit('response.output_text.delta', {
        item_id: item.id,
        output_index: item.outputIndex,
        content_index: 0,
        delta: text,
        logprobs: [],
      })
    );
  }

  #thinking(index: number, text: string): string {
    let [item, out] = this.#reasoningFor(index);
    if (!item.summaryOpen) {
      item.summaryOpen = true;
      out += this.#emit('response.reasoning_summary_part.added', {
        item_id: item.id,
        output_index: item.outputIndex,
        summary_index: 0,
        part: summaryText(''),
      });
    }
    item.text += text;
    return (
      out +
      this.#emit('response.reasoning_summary_text.delta', {
        item_id: item.id,
        output_index: item.outputIndex,
        summary_index: 0,
        delta: text,
      })
    );
  }

  /** The open reasoning item of a part, opening one (with the frames that does) if needed. */
  #reasoningFor(index: number): [Item, string] {
    const item = this.#byPart.get(index);
    if (item && item.kind === 'reasoning' && item.open) return [item, ''];
    return this.#open('reasoning', index);
  }

  #toolCall(index: number, id: string, name: string, signature: string | undefined): string {
    const existing = this.#byPart.get(index);
    if (existing && existing.kind === 'function_call') return '';
    const [, out] = this.#open('function_call', index, (outputIndex) => ({
      callId: this.#callIds.take(id, signature, outputIndex),
      name,
    }));
    const early = this.#earlyArguments.get(index);
    if (early === undefined) return out;
    this.#earlyArguments.delete(index);
    return out + this.#toolArguments(index, early);
  }

  #toolArguments(index: number, json: string): string {
    if (json === '') return '';
    const item = this.#byPart.get(index);
    if (!item) {
      this.#earlyArguments.set(index, (this.#earlyArguments.get(index) ?? '') + json);
      return '';
    }
    // Arguments for a call already finished (after the finish event) have nowhere to go.
    if (item.kind !== 'function_call' || !item.open) return '';
    item.text += json;
    return this.#emit('response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: item.outputIndex,
      delta: json,
    });
  }

  #open(
    kind: Item['kind'],
    index: number,
    call?: (outputIndex: number) => { callId: string; name: string },
  ): [Item, string] {
    let out = '';
    for (const open of this.#items) {
      if (open.open && open.kind !== 'function_call') out += this.#close(open);
    }
    const outputIndex = this.#items.length;
    const prefix = kind === 'message' ? 'msg' : kind === 'reasoning' ? 'rs' : 'fc';
    const { callId, name } = call ? call(outputIndex) : { callId: '', name: '' };
    const item: Item = {
      kind,
      outputIndex,
      id: itemId(prefix, this.#base, outputIndex),
      open: true,
      text: '',
      summaryOpen: false,
      carried: undefined,
      redacted: '',
      callId,
      name,
    };
    this.#items.push(item);
    this.#byPart.set(index, item);
    const added =
      kind === 'message'
        ? messageItem(item.id, 'in_progress', [])
        : kind === 'reasoning'
          ? reasoningItem(item.id, '', undefined)
          : functionCallItem(item.id, 'in_progress', callId, name, '');
    out += this.#emit('response.output_item.added', { output_index: outputIndex, item: added });
    return [item, out];
  }

  #close(item: Item): string {
    item.open = false;
    const at = { item_id: item.id, output_index: item.outputIndex };
    let out = '';
    if (item.kind === 'message') {
      out += this.#emit('response.output_text.done', {
        ...at,
        content_index: 0,
        text: item.text,
        logprobs: [],
      });
      out += this.#emit('response.content_part.done', {
        ...at,
        content_index: 0,
        part: outputText(item.text),
      });
    } else if (item.kind === 'reasoning' && item.summaryOpen) {
      out += this.#emit('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: item.text });
      out += this.#emit('response.reasoning_summary_part.done', {
        ...at,
        summary_index: 0,
        part: summaryText(item.text),
      });
    } else if (item.kind === 'function_call') {
      out += this.#emit('response.function_call_arguments.done', {
        ...at,
        arguments: normalizeArguments(item.text),
      });
    }
    return (
      out +
      this.#emit('response.output_item.done', { output_index: item.outputIndex, item: this.#wire(item) })
    );
  }

  #closeAll(): string {
    let out = '';
    for (const item of this.#items) if (item.open) out += this.#close(item);
    return out;
  }

  /** An item as the response lists it: finished, or `incomplete` when a failure cut it off. */
  #wire(item: Item): OutputItem {
    const status = item.open ? 'incomplete' : 'completed';
    switch (item.kind) {
      case 'message':
        return messageItem(item.id, status, [outputText(item.text)]);
      case 'reasoning':
        return reasoningItem(item.id, item.text, item.carried);
      case 'function_call':
        return functionCallItem(
          item.id,
          status,
          item.callId,
          item.name,
          item.open ? item.text : normalizeArguments(item.text),
        );
    }
  }

  #response(outcome: Outcome, finalUsage: Usage | undefined) {
    const output = outcome.status === 'in_progress' ? [] : this.#items.map((item) => this.#wire(item));
    return responseObject(this.#context, this.#base, outcome, output, finalUsage);
  }

  #emit(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, ...fields, sequence_number: this.#sequence++ });
    return encodeSseEvent({ event: type, data });
  }
}
