import type { EmbeddingRequest, EmbeddingResponse } from './embeddings.ts';
import type { CanonicalRequest } from './request.ts';
import type { CanonicalResponse, StreamEvent, UpstreamFailure } from './response.ts';

/**
 * Codecs are pure: no I/O, no clock reads beyond what `ResponseContext` hands them, no
 * module state. A decoder refuses bad input by throwing `GatewayError('invalid_request',
 * message, { param })` whose message says what is wrong; an encoder refuses a feature its
 * backend cannot honour the same way, naming the feature and the backend.
 */

/** What an inbound encoder needs to know beyond the canonical answer. */
export interface ResponseContext {
  requestId: string;
  /** The name the client asked for (the endpoint); echoed as the response's model. */
  clientModel: string;
  /** Unix seconds, for `created` fields. */
  created: number;
  /** OpenAI chat: the client set `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Prompt tokens estimated locally, for dialects that must report them before the backend does. */
  estimatedInputTokens: number;
}

/** One SSE frame from the backend: its `event:` name, if any, and its data. */
export interface UpstreamFrame {
  event?: string;
  data: string;
}

/** Backend SSE frames in, canonical events out. Holds per-stream state. */
export interface StreamDecoder {
  frame(frame: UpstreamFrame): StreamEvent[];
  /** The upstream body ended; returns whatever the decoder still holds. */
  end(): StreamEvent[];
}

/** Canonical events in, client SSE text out (whole frames). Holds per-stream state. */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /**
   * The upstream ended. Returns the closing frames; when the stream never finished
   * properly (no `finish` event), closes what is open so the client sees a whole stream.
   */
  end(): string;
  /**
   * A failure after the stream began: the dialect's mid-stream error frame(s). Build it with
   * `streamErrorFrame(operation, dialect, failureAsGatewayError(failure, dialect), requestId)`.
   */
  fail(failure: UpstreamFailure): string;
}

/** A client dialect: decodes its requests, encodes answers and streams back to it. */
export interface InboundChatCodec {
  decodeRequest(body: unknown): CanonicalRequest;
  encodeResponse(response: CanonicalResponse, context: ResponseContext): unknown;
  streamEncoder(context: ResponseContext): StreamEncoder;
  /**
   * Its streams report the prompt size before any backend has (Anthropic's `message_start`),
   * so the pipeline estimates it for them (`ResponseContext.estimatedInputTokens`).
   */
  readonly streamNeedsInputEstimate?: boolean;
}

/** A backend dialect: encodes canonical requests to it and decodes its answers. */
export interface ProviderChatCodec {
  /** `modelName` is the provider's own model name; dialects with the model in the URL may ignore it. */
  encodeRequest(request: CanonicalRequest, modelName: string): unknown;
  decodeResponse(body: unknown): CanonicalResponse;
  streamDecoder(): StreamDecoder;
  /** The provider's error body (parsed JSON, or undefined when it was not JSON) as a failure. */
  decodeError(status: number, body: unknown): UpstreamFailure;
}

export interface InboundEmbeddingsCodec {
  decodeRequest(body: unknown): EmbeddingRequest;
  encodeResponse(response: EmbeddingResponse, request: EmbeddingRequest): unknown;
}

export interface ProviderEmbeddingsCodec {
  encodeRequest(request: EmbeddingRequest, modelName: string): unknown;
  decodeResponse(body: unknown, request: EmbeddingRequest): EmbeddingResponse;
}
