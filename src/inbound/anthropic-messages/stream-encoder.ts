import type { ResponseContext, StreamEncoder } from '../../canonical/codecs.ts';
import type { StopReason, StreamEvent, UpstreamFailure } from '../../canonical/response.ts';
import { isObject } from '../../canonical/wire.ts';
import type { Usage } from '../../core/usage.ts';
import type {
  AnthropicBlockDelta,
  AnthropicResponseBlock,
  AnthropicStreamEvent,
} from '../../providers/anthropic/translate/wire.ts';
import { encodeSseEvent } from '../../transport/sse-encoder.ts';
import { streamErrorFrame } from '../error-format.ts';
import { failureAsGatewayError } from '../upstream-error.ts';
import { anthropicStopReason, anthropicUsage, messageId, ToolUseIds } from './encode-response.ts';
import { JsonEnd } from './json-end.ts';

type Kind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_use';

/** One canonical part on its way to becoming one Anthropic content block. */
interface Part {
  kind: Kind;
  state: 'pending' | 'open' | 'closed';
  /** Text, thinking or argument text received before the block opened. */
  buffered: string;
  /** A thinking signature received before the block opened. */
  signature: string | undefined;
  /** Redacted thinking's data. */
  data: string;
  /** The tool call's header, once its `tool_call` event came. */
  call: { id: string; name: string; signature: string | undefined } | undefined;
  /** Tells when a tool call's arguments form a whole object. */
  json: JsonEnd;
  /** A tool call's whole argument text, checked when its block closes. */
  arguments: string;
}

type ContentEvent = Exclude<StreamEvent, { type: 'start' | 'usage' | 'finish' | 'error' }>;

/**
 * Canonical events as the strict Anthropic stream: `message_start`, then content blocks
 * numbered 0..n with at most one open, then one `message_delta` and `message_stop`.
 *
 * Blocks come out in the order their parts first appeared, each contiguous. A part whose
 * events arrive while another block is open waits (buffered) until that block can close:
 * text and thinking blocks close as soon as a later part has something to show; a tool
 * call's block closes once its arguments form a whole JSON object, or at the finish, so
 * interleaved parallel calls never lose or reorder argument text. Text arriving for a
 * part already closed (a backend that keeps one text index across a tool call) opens a
 * new block. The closing `message_delta` waits for `end()`, so usage sent after the
 * finish (OpenAI's usage chunk) is still counted.
 *
 * Argument text is streamed as it comes, so arguments that turn out not to be a JSON object
 * cannot be replaced by `{}` as the JSON answer does: the stream fails instead, so the SDK's
 * partial-JSON parser never makes a runnable call of them. Only a `max_tokens` stop keeps
 * them, as Anthropic itself sends a call cut off by the token limit.
 */
export class MessagesStreamEncoder implements StreamEncoder {
  readonly #context: ResponseContext;
  readonly #ids = new ToolUseIds();
  readonly #parts: Part[] = [];
  readonly #byIndex = new Map<number, Part>();
  /** The first part not yet opened. */
  #cursor = 0;
  #current: Part | undefined;
  #nextBlock = 0;
  #hasToolUse = false;
  #out: string[] = [];
  #started = false;
  #finished = false;
  #closed = false;
  #id: string | undefined;
  #startUsage: Usage | undefined;
  #usage: Usage | undefined;
  #stop: { stopReason: StopReason; stopSequence?: string } | undefined;
  /** The name of a tool call whose arguments were not a JSON object. */
  #badArguments: string | undefined;

  constructor(context: ResponseContext) {
    this.#context = context;
  }

  encode(event: StreamEvent): string {
    if (this.#closed) return '';
    switch (event.type) {
      case 'error':
        return this.fail(event.error);
      case 'start':
        this.#id ??= event.id;
        if (event.usage) this.#startUsage = event.usage;
        this.#ensureStarted();
        break;
      case 'usage':
        this.#usage = event.usage;
        break;
      case 'finish':
        this.#stop = {
          stopReason: event.stopReason,
          ...(event.stopSequence === undefined ? {} : { stopSequence: event.stopSequence }),
        };
        this.#ensureStarted();
        this.#flush();
        this.#finished = true;
        break;
      default:
        if (this.#finished) break;
        this.#ensureStarted();
        this.#content(event);
        this.#advance();
    }
    return this.#badArguments === undefined ? this.#drain() : this.#failBadArguments(this.#badArguments);
  }

  end(): string {
    if (this.#closed) return '';
    this.#ensureStarted();
    this.#flush();
    if (this.#badArguments !== undefined) return this.#failBadArguments(this.#badArguments);
    // A stream without a single finished block makes Claude Code retry without streaming.
    if (this.#nextBlock === 0) {
      this.#emit({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      this.#emit({ type: 'content_block_stop', index: 0 });
      this.#nextBlock = 1;
    }
    const stop = this.#stop ?? { stopReason: 'end_turn' };
    this.#emit({
      type: 'message_delta',
      delta: {
        stop_reason: anthropicStopReason(stop.stopReason, this.#hasToolUse),
        stop_sequence: stop.stopSequence ?? null,
      },
      usage: this.#finalUsage(),
    });
    this.#emit({ type: 'message_stop' });
    this.#closed = true;
    return this.#drain();
  }

  fail(failure: UpstreamFailure): string {
    if (this.#closed) return '';
    this.#closed = true;
    this.#out = [];
    const error = failureAsGatewayError(failure, 'anthropic');
    return streamErrorFrame('messages', 'anthropic', error, this.#context.requestId);
  }

  #content(event: ContentEvent): void {
    switch (event.type) {
      case 'text':
        if (event.text) this.#deliver(this.#partFor(event.index, 'text'), event.text);
        break;
      case 'thinking':
        if (event.text) this.#deliver(this.#partFor(event.index, 'thinking'), event.text);
        break;
      case 'thinking_signature': {
        // A signature for a thinking block already closed has nowhere to go.
        if (this.#byIndex.get(event.index)?.state === 'closed') break;
        const part = this.#partFor(event.index, 'thinking');
        if (part.state === 'open') this.#delta({ type: 'signature_delta', signature: event.signature });
        else part.signature = event.signature;
        break;
      }
      case 'redacted_thinking':
        this.#newPart(event.index, 'redacted_thinking').data = event.data;
        break;
      case 'tool_call': {
        let part = this.#partFor(event.index, 'tool_use');
        if (part.call || part.state !== 'pending') part = this.#newPart(event.index, 'tool_use');
        part.call = { id: event.id, name: event.name, signature: event.signature };
        break;
      }
      case 'tool_arguments': {
        // Closed only once its arguments were a whole object: nothing but whitespace can follow.
        if (this.#byIndex.get(event.index)?.state === 'closed') break;
        const part = this.#partFor(event.index, 'tool_use');
        part.json.push(event.json);
        part.arguments += event.json;
        this.#deliver(part, event.json);
        break;
      }
    }
  }

  #partFor(index: number, kind: Kind): Part {
    const part = this.#byIndex.get(index);
    return part && part.kind === kind && part.state !== 'closed' ? part : this.#newPart(index, kind);
  }

  #newPart(index: number, kind: Kind): Part {
    const part: Part = {
      kind,
      state: 'pending',
      buffered: '',
      signature: undefined,
      data: '',
      call: undefined,
      json: new JsonEnd(),
      arguments: '',
    };
    this.#parts.push(part);
    this.#byIndex.set(index, part);
    return part;
  }

  #deliver(part: Part, text: string): void {
    if (part.state !== 'open') {
      part.buffered += text;
      return;
    }
    this.#delta(textDelta(part.kind, text));
  }

  /** Opens waiting parts in order while the open block can give way. */
  #advance(): void {
    for (;;) {
      const next = this.#parts[this.#cursor];
      if (!next) return;
      if (this.#current) {
        if (this.#current.kind === 'tool_use' && !this.#current.json.complete) return;
        this.#close(this.#current);
      }
      this.#open(next);
    }
  }

  /** Emits every part still open or waiting, whole. */
  #flush(): void {
    for (;;) {
      if (this.#current) this.#close(this.#current);
      const next = this.#parts[this.#cursor];
      if (!next) return;
      this.#open(next);
    }
  }

  #open(part: Part): void {
    this.#cursor++;
    part.state = 'open';
    this.#current = part;
    this.#emit({
      type: 'content_block_start',
      index: this.#nextBlock,
      content_block: this.#startBlock(part),
    });
    if (part.buffered) this.#delta(textDelta(part.kind, part.buffered));
    part.buffered = '';
    if (part.signature) this.#delta({ type: 'signature_delta', signature: part.signature });
  }

  #startBlock(part: Part): AnthropicResponseBlock {
    switch (part.kind) {
      case 'text':
        return { type: 'text', text: '' };
      case 'thinking':
        return { type: 'thinking', thinking: '', signature: '' };
      case 'redacted_thinking':
        return { type: 'redacted_thinking', data: part.data };
      case 'tool_use': {
        this.#hasToolUse = true;
        const call = part.call ?? { id: '', name: '', signature: undefined };
        return { type: 'tool_use', id: this.#ids.next(call.id, call.signature), name: call.name, input: {} };
      }
    }
  }

  #close(part: Part): void {
    part.state = 'closed';
    this.#current = undefined;
    this.#emit({ type: 'content_block_stop', index: this.#nextBlock });
    this.#nextBlock++;
    if (part.kind === 'tool_use' && this.#stop?.stopReason !== 'max_tokens' && !isArgumentsObject(part)) {
      this.#badArguments ??= part.call?.name ?? '';
    }
  }

  #failBadArguments(name: string): string {
    return this.fail({
      status: 502,
      message: `the backend sent arguments for tool '${name}' that are not a JSON object`,
    });
  }

  #delta(delta: AnthropicBlockDelta): void {
    this.#emit({ type: 'content_block_delta', index: this.#nextBlock, delta });
  }

  #ensureStarted(): void {
    if (this.#started) return;
    this.#started = true;
    const start = this.#startUsage;
    const usage =
      start && carriesInput(start)
        ? anthropicUsage(start)
        : {
            input_tokens: this.#context.estimatedInputTokens,
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          };
    this.#emit({
      type: 'message_start',
      message: {
        id: messageId(this.#id, this.#context.requestId),
        type: 'message',
        role: 'assistant',
        model: this.#context.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    });
  }

  /** Cumulative usage; input and cache counts only when the backend reported them. */
  #finalUsage(): Extract<AnthropicStreamEvent, { type: 'message_delta' }>['usage'] {
    const usage = this.#usage ?? this.#startUsage;
    if (!usage) return { output_tokens: 0 };
    return carriesInput(usage) ? anthropicUsage(usage) : { output_tokens: usage.outputTokens };
  }

  #emit(event: AnthropicStreamEvent): void {
    this.#out.push(encodeSseEvent({ event: event.type, data: JSON.stringify(event) }));
  }

  #drain(): string {
    const text = this.#out.join('');
    this.#out = [];
    return text;
  }
}

function textDelta(kind: Kind, text: string): AnthropicBlockDelta {
  switch (kind) {
    case 'thinking':
      return { type: 'thinking_delta', thinking: text };
    case 'tool_use':
      return { type: 'input_json_delta', partial_json: text };
    default:
      return { type: 'text_delta', text };
  }
}

/** No argument text at all is an empty input, as Anthropic's SDK reads it. */
function isArgumentsObject(part: Part): boolean {
  if (part.arguments === '') return true;
  try {
    return isObject(JSON.parse(part.arguments));
  } catch {
    return false;
  }
}

function carriesInput(usage: Usage): boolean {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens > 0;
}
