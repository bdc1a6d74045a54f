import type { ResponseContext, StreamEncoder } from '../../canonical/codecs.ts';
import type { StopReason, StreamEvent, UpstreamFailure } from '../../canonical/response.ts';
import { type Usage, usage } from '../../core/usage.ts';
import { encodeSseEvent } from '../../transport/sse-encoder.ts';
import { errorBody, streamErrorFrame } from '../error-format.ts';
import { failureAsGatewayError } from '../upstream-error.ts';
import { finishReason, functionCallPart, textPart, thoughtPart, usageMetadata } from './response-fields.ts';
import { redactedThinkingSignature } from './signatures.ts';
import type { WireCandidate, WireGenerateContentResponse, WirePart } from './wire.ts';

interface PendingCall {
  id: string;
  name: string;
  signature: string | undefined;
  json: string;
}

/**
 * Canonical events as `GenerateContentResponse` chunks, one object each, for the SSE form
 * (`streamEncoder`) and the JSON-array form the pipeline writes without `alt=sse`.
 *
 * Gemini sends each function call whole, so a call's arguments are held until the next
 * text or thought, or the end. The closing chunk is written at `end()`, not at `finish`,
 * because some backends report usage after their finish reason; it carries the finish
 * reason, the usage and at least one part (the SDK's chat keeps no turn whose last chunk
 * has none).
 */
export class GeminiChunkEncoder {
  readonly #context: ResponseContext;
  #id: string;
  #usage: Usage | undefined;
  #stopReason: StopReason | undefined;
  readonly #calls = new Map<number, PendingCall>();
  #closed = false;

  constructor(context: ResponseContext) {
    this.#context = context;
    this.#id = context.requestId;
  }

  /** An error or the end was written; nothing follows. */
  get closed(): boolean {
    return this.#closed;
  }

  encode(event: StreamEvent): object[] {
    if (this.#closed) return [];
    switch (event.type) {
      case 'start':
        if (event.id) this.#id = event.id;
        if (event.usage) this.#usage = event.usage;
        return [];
      case 'text':
        return this.#parts(
          event.text === '' && event.signature === undefined ? [] : [textPart(event.text, event.signature)],
        );
      case 'thinking':
        return this.#parts(event.text === '' ? [] : [thoughtPart(event.text, undefined)]);
      case 'thinking_signature':
        return this.#parts([thoughtPart('', event.signature)]);
      case 'redacted_thinking':
        return this.#parts([thoughtPart('', redactedThinkingSignature(event.data))]);
      case 'tool_call':
        this.#calls.set(event.index, {
          id: event.id,
          name: event.name,
          signature: event.signature,
          json: '',
        });
        return [];
      case 'tool_arguments': {
        const call = this.#calls.get(event.index);
        if (call) call.json += event.json;
        return [];
      }
      case 'usage':
        this.#usage = event.usage;
        return [];
      case 'finish':
        this.#stopReason = event.stopReason;
        return [];
      case 'error':
        return [this.fail(event.error)];
    }
  }

  end(): object[] {
    if (this.#closed) return [];
    this.#closed = true;
    const parts = this.#takeCalls();
    if (parts.length === 0) parts.push({ text: '' });
    const reported = this.#usage ?? usage({ inputTokens: this.#context.estimatedInputTokens });
    return [this.#chunk(parts, finishReason(this.#stopReason ?? 'end_turn'), reported)];
  }

  fail(failure: UpstreamFailure): object {
    this.#closed = true;
    return errorBody('gemini', failureAsGatewayError(failure, 'gemini'), this.#context.requestId) as object;
  }

  /** A chunk with these parts, after any held calls (a new part means they are complete). */
  #parts(parts: WirePart[]): object[] {
    if (parts.length === 0) return [];
    return [this.#chunk([...this.#takeCalls(), ...parts], undefined, this.#usage)];
  }

  #takeCalls(): WirePart[] {
    const parts = [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => functionCallPart(call.id, call.name, call.json, call.signature));
    this.#calls.clear();
    return parts;
  }

  #chunk(
    parts: WirePart[],
    finish: WireCandidate['finishReason'],
    reported: Usage | undefined,
  ): WireGenerateContentResponse {
    const candidate: WireCandidate = { content: { role: 'model', parts }, index: 0 };
    if (finish) candidate.finishReason = finish;
    const chunk: WireGenerateContentResponse = {
      candidates: [candidate],
      modelVersion: this.#context.clientModel,
      responseId: this.#id,
    };
    if (reported) chunk.usageMetadata = usageMetadata(reported);
    return chunk;
  }
}

export function geminiChunkEncoder(context: ResponseContext): GeminiChunkEncoder {
  return new GeminiChunkEncoder(context);
}

/** The `alt=sse` form: each chunk a data-only frame; no `[DONE]`, no event names. */
export class GeminiSseEncoder implements StreamEncoder {
  readonly #chunks: GeminiChunkEncoder;
  readonly #requestId: string;

  constructor(context: ResponseContext) {
    this.#chunks = new GeminiChunkEncoder(context);
    this.#requestId = context.requestId;
  }

  encode(event: StreamEvent): string {
    if (event.type === 'error') return this.fail(event.error);
    return frames(this.#chunks.encode(event));
  }

  end(): string {
    return frames(this.#chunks.end());
  }

  fail(failure: UpstreamFailure): string {
    if (this.#chunks.closed) return '';
    this.#chunks.fail(failure);
    return streamErrorFrame(
      'stream_generate',
      'gemini',
      failureAsGatewayError(failure, 'gemini'),
      this.#requestId,
    );
  }
}

/**
 * The form without `alt=sse`: one JSON array written element by element. A failure after
 * the first element becomes a last element holding the error, then the closing bracket.
 */
export class GeminiJsonArrayEncoder implements StreamEncoder {
  readonly #chunks: GeminiChunkEncoder;
  #opened = false;

  constructor(context: ResponseContext) {
    this.#chunks = new GeminiChunkEncoder(context);
  }

  encode(event: StreamEvent): string {
    return this.#elements(this.#chunks.encode(event));
  }

  end(): string {
    const out = this.#elements(this.#chunks.end());
    return this.#opened ? `${out}]` : '[]';
  }

  fail(failure: UpstreamFailure): string {
    return `${this.#elements([this.#chunks.fail(failure)])}]`;
  }

  #elements(values: object[]): string {
    let out = '';
    for (const value of values) {
      out += (this.#opened ? ',\r\n' : '[') + JSON.stringify(value);
      this.#opened = true;
    }
    return out;
  }
}

function frames(chunks: object[]): string {
  return chunks.map((chunk) => encodeSseEvent({ data: JSON.stringify(chunk) })).join('');
}
