import type { ResponseContext, StreamEncoder } from '../../canonical/codecs.ts';
import type { StopReason, StreamEvent, UpstreamFailure } from '../../canonical/response.ts';
import { toolCallIdForClient } from '../../canonical/tool-call-id.ts';
import { type Usage, usage } from '../../core/usage.ts';
import { encodeSseEvent } from '../../transport/sse-encoder.ts';
import { streamErrorFrame } from '../error-format.ts';
import { failureAsGatewayError } from '../upstream-error.ts';
import { completionId, finishReason, wireUsage } from './response-fields.ts';
import type { WireChatCompletionChunk, WireChunkChoice, WireDelta } from './wire.ts';

const DONE = encodeSseEvent({ data: '[DONE]' });

/**
 * Canonical events as `chat.completion.chunk` frames. The SDK's stream helpers need `role`
 * on the first delta and, on each tool call's first delta, its id, type and name; tool
 * calls are numbered 0, 1, ... among themselves whatever their canonical part index.
 * The first delta carries no `content`, so an answer of tool calls only accumulates to
 * `content: null` as the non-streamed answer has it; an answer with neither text nor tool
 * calls gets `content: ""` before its finish chunk, again as the non-streamed one, and a
 * tool call that got no argument text gets `{}` before it (the non-streamed `arguments`).
 * Other arguments pass as they come: streamed, they cannot be taken back, and chat clients
 * check them anyway (OpenAI's own streams may hold invalid JSON).
 */
export class ChatStreamEncoder implements StreamEncoder {
  readonly #context: ResponseContext;
  #id: string | undefined;
  #started = false;
  #wroteContent = false;
  #finished = false;
  #closed = false;
  /** Canonical part index → the tool call's position among the answer's tool calls. */
  readonly #toolCalls = new Map<number, number>();
  /** Positions of the tool calls that got argument text. */
  readonly #withArguments = new Set<number>();
  #usage: Usage | undefined;

  constructor(context: ResponseContext) {
    this.#context = context;
  }

  encode(event: StreamEvent): string {
    if (this.#closed) return '';
    // After the finish chunk only usage (for the closing usage chunk) and errors matter.
    if (this.#finished && event.type !== 'usage' && event.type !== 'error') return '';
    switch (event.type) {
      case 'start':
        if (event.usage) this.#usage = event.usage;
        return this.#start(event.id);
      case 'text':
        if (event.text === '') return '';
        this.#wroteContent = true;
        return this.#start() + this.#delta({ content: event.text });
      case 'thinking':
        return event.text === '' ? '' : this.#start() + this.#delta({ reasoning_content: event.text });
      case 'tool_call':
        return this.#toolCall(event.index, toolCallIdForClient(event.id, event.signature), event.name);
      case 'tool_arguments':
        return this.#toolArguments(event.index, event.json);
      case 'usage':
        this.#usage = event.usage;
        return '';
      case 'finish':
        return this.#finish(event.stopReason);
      case 'error':
        return this.fail(event.error);
      default:
        // Signatures and redacted thinking have no field in this dialect.
        return '';
    }
  }

  end(): string {
    if (this.#closed) return '';
    let out = this.#start() + this.#finish('end_turn');
    if (this.#context.includeUsage) {
      // A backend that never reported usage: the local prompt estimate beats a zero.
      const final = this.#usage ?? usage({ inputTokens: this.#context.estimatedInputTokens });
      out += this.#chunk([], wireUsage(final));
    }
    this.#closed = true;
    return out + DONE;
  }

  fail(failure: UpstreamFailure): string {
    if (this.#closed) return '';
    this.#closed = true;
    const error = failureAsGatewayError(failure, 'openai');
    return streamErrorFrame('chat', 'openai', error, this.#context.requestId);
  }

  #start(id?: string): string {
    if (this.#started) return '';
    this.#started = true;
    this.#id = completionId(id, this.#context.requestId);
    return this.#delta({ role: 'assistant' });
  }

  #toolCall(index: number, id: string, name: string): string {
    if (this.#toolCalls.has(index)) return '';
    const ordinal = this.#toolCalls.size;
    this.#toolCalls.set(index, ordinal);
    return (
      this.#start() +
      this.#delta({
        tool_calls: [{ index: ordinal, id, type: 'function', function: { name, arguments: '' } }],
      })
    );
  }

  #toolArguments(index: number, json: string): string {
    const ordinal = this.#toolCalls.get(index);
    if (ordinal === undefined || json === '') return '';
    this.#withArguments.add(ordinal);
    return this.#delta({ tool_calls: [{ index: ordinal, function: { arguments: json } }] });
  }

  #finish(stopReason: StopReason): string {
    if (this.#finished) return '';
    this.#finished = true;
    let out = this.#start();
    if (!this.#wroteContent && this.#toolCalls.size === 0) out += this.#delta({ content: '' });
    for (let ordinal = 0; ordinal < this.#toolCalls.size; ordinal++) {
      if (!this.#withArguments.has(ordinal))
        out += this.#delta({ tool_calls: [{ index: ordinal, function: { arguments: '{}' } }] });
    }
    const choice: WireChunkChoice = {
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: finishReason(stopReason, this.#toolCalls.size > 0),
    };
    return out + this.#chunk([choice]);
  }

  #delta(delta: WireDelta): string {
    return this.#chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]);
  }

  #chunk(choices: WireChunkChoice[], usage?: WireChatCompletionChunk['usage']): string {
    const chunk: WireChatCompletionChunk = {
      id: this.#id ?? completionId(undefined, this.#context.requestId),
      object: 'chat.completion.chunk',
      created: this.#context.created,
      model: this.#context.clientModel,
      choices,
    };
    if (usage) chunk.usage = usage;
    return encodeSseEvent({ data: JSON.stringify(chunk) });
  }
}
