import type { InboundChatCodec, ProviderChatCodec, ResponseContext } from '../canonical/codecs.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../canonical/embeddings.ts';
import { estimateRequestTokens } from '../canonical/estimate-tokens.ts';
import type { CanonicalRequest } from '../canonical/request.ts';
import type { CanonicalResponse, UpstreamFailure } from '../canonical/response.ts';
import { responseEvents } from '../canonical/response-events.ts';
import { isObject } from '../canonical/wire.ts';
import { GatewayError } from '../core/errors.ts';
import { OPERATION_DIALECT } from '../core/operation.ts';
import { type Usage, usage } from '../core/usage.ts';
import { anthropicMessagesInbound, decodeCountTokensRequest } from '../inbound/anthropic-messages/index.ts';
import { errorBody } from '../inbound/error-format.ts';
import { GeminiJsonArrayEncoder, geminiGenerateInbound } from '../inbound/gemini-generate/index.ts';
import { keepaliveFrameFor } from '../inbound/keepalive.ts';
import { openaiChatInbound } from '../inbound/openai-chat/index.ts';
import { openaiEmbeddingsInbound } from '../inbound/openai-embeddings/index.ts';
import { openaiResponsesInbound } from '../inbound/openai-responses/index.ts';
import { failureAsGatewayError } from '../inbound/upstream-error.ts';
import { adapterFor } from '../providers/adapters.ts';
import {
  chatCallFor,
  chatCodecFor,
  type EmbeddingsBackend,
  embeddingsBackendFor,
} from '../providers/codecs.ts';
import type { Dialect } from '../providers/registry.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';
import { type FailedAttempt, unusableAnswer } from './attempt.ts';
import type { DataRequest } from './data-plane.ts';
import type { Delivery, Exchange, LocalAnswer, StreamResult, UpstreamPlan } from './exchange.ts';
import { relayTranslated } from './relay-translated.ts';
import { notJsonMessage, relayedHeaders } from './upstream-headers.ts';
import { STREAM_HEADERS, writeJson } from './write.ts';

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('invalid_request', 'the request body is not valid JSON');
  }
}

/** JSON.stringify recurses: a body nested thousands deep is the client's to fix, not a 500. */
function stringifyRequest(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new GatewayError('invalid_request', 'the request is nested too deeply to translate');
    }
    throw error;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

function inboundFor(request: DataRequest): InboundChatCodec {
  switch (request.operation) {
    case 'chat':
      return openaiChatInbound;
    case 'responses':
      return openaiResponsesInbound;
    case 'messages':
    case 'count_tokens':
      return anthropicMessagesInbound;
    default:
      return geminiGenerateInbound;
  }
}

/** A provider's error answer, in the client's dialect. */
function sendTranslatedError(
  delivery: Delivery,
  clientDialect: Dialect,
  decode: (status: number, body: unknown) => UpstreamFailure,
  status: number,
  upstreamHeaders: Readonly<Record<string, string>>,
  bytes: Uint8Array,
  upstreamStatus: number,
  providerName: string,
): void {
  const json = parseJson(bytes);
  let failure: UpstreamFailure;
  if (json === undefined) {
    failure = { status, message: notJsonMessage(providerName, upstreamStatus, upstreamHeaders, bytes) };
  } else if (upstreamStatus < 400 && !(isObject(json) && json['error'] !== undefined)) {
    // A 2xx that parsed but held no usable answer (the model gave up mid-answer).
    failure = { status, message: `${providerName} answered ${upstreamStatus} without a usable answer` };
  } else {
    failure = decode(status, json);
  }
  const error = failureAsGatewayError(failure, clientDialect, relayedHeaders(upstreamHeaders));
  writeJson(
    delivery,
    error.status,
    { ...error.headers },
    errorBody(clientDialect, error, delivery.requestId),
  );
}

interface DecodedRequest {
  canonical: CanonicalRequest;
  /** OpenAI chat: the client set `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** The decoded client request, shared by every target one request tries. */
const decoded = new WeakMap<DataRequest, DecodedRequest>();

/**
 * The client's body, parsed once (the route's validation parse when it made one), with
 * `model` set to the endpoint (MLflow bodies have none).
 */
function clientBody(request: DataRequest): unknown {
  const body = request.shape.parsed ?? parseBody(request.body);
  request.shape.parsed = undefined;
  if (isObject(body) && body['model'] === undefined) body['model'] = request.endpointName;
  return body;
}

function decodeOnce(request: DataRequest): DecodedRequest {
  let entry = decoded.get(request);
  if (!entry) {
    const body = clientBody(request);
    const canonical = inboundFor(request).decodeRequest(body);
    canonical.model = request.endpointName;
    canonical.stream = request.stream;
    const options = isObject(body) ? body['stream_options'] : undefined;
    const includeUsage =
      request.operation === 'chat' && isObject(options) && options['include_usage'] === true;
    entry = { canonical, includeUsage };
    decoded.set(request, entry);
  }
  return entry;
}

/** A chat-like request (chat, Responses, Messages, generateContent) to a backend of another dialect. */
export class TranslatedChatExchange implements Exchange {
  readonly clientDialect: Dialect;
  readonly #request: DataRequest;
  readonly #canonical: CanonicalRequest;
  readonly #includeUsage: boolean;
  readonly #inbound: InboundChatCodec;
  #codec: ProviderChatCodec | undefined;
  #target: ModelTarget | undefined;
  #response: CanonicalResponse | undefined;

  constructor(request: DataRequest) {
    this.#request = request;
    this.clientDialect = OPERATION_DIALECT[request.operation];
    this.#inbound = inboundFor(request);
    const { canonical, includeUsage } = decodeOnce(request);
    this.#canonical = canonical;
    this.#includeUsage = includeUsage;
  }

  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan {
    const codec = chatCodecFor(target.provider);
    this.#codec = codec;
    this.#target = target;
    const stream = this.#request.stream;
    const body = stringifyRequest(codec.encodeRequest(this.#canonical, target.modelName));
    const { operation, query } = chatCallFor(target.provider.dialect, stream);
    const call = adapterFor(target.provider).upstream({
      operation,
      target,
      stream,
      apiKey,
      protocolHeaders: {},
      query,
      apiVersion: undefined,
    });
    // Translated streams are asked for SSE from every backend.
    return { url: call.url, headers: call.headers, body, stream, streamWithoutSse: false };
  }

  #context(): ResponseContext {
    const request = this.#request;
    return {
      requestId: request.requestId,
      clientModel: request.endpointName,
      created: Math.floor(Date.now() / 1000),
      includeUsage: request.stream && this.#includeUsage,
      estimatedInputTokens:
        request.stream && this.#inbound.streamNeedsInputEstimate ? estimateRequestTokens(this.#canonical) : 0,
    };
  }

  checkBody(upstreamHeaders: Readonly<Record<string, string>>, bytes: Uint8Array): FailedAttempt | undefined {
    try {
      const response = (this.#codec as ProviderChatCodec).decodeResponse(parseJson(bytes));
      // The backend gave up (a malformed tool call, say): worth another attempt.
      if (response.stopReason === 'error') return unusableAnswer(200, upstreamHeaders, bytes);
      this.#response = response;
      return undefined;
    } catch {
      return unusableAnswer(200, upstreamHeaders, bytes);
    }
  }

  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null {
    const response = this.#response ?? (this.#codec as ProviderChatCodec).decodeResponse(parseJson(bytes));
    if (this.#request.stream) {
      // The backend ignored `stream`: the client still gets the stream it asked for.
      this.#writeAsStream(delivery, upstreamHeaders, response);
      return response.usage;
    }
    writeJson(
      delivery,
      200,
      relayedHeaders(upstreamHeaders),
      this.#inbound.encodeResponse(response, this.#context()),
    );
    return response.usage;
  }

  #writeAsStream(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    response: CanonicalResponse,
  ): void {
    const context = this.#context();
    const jsonArray = this.#jsonArray();
    const writer = jsonArray ? new GeminiJsonArrayEncoder(context) : this.#inbound.streamEncoder(context);
    let out = '';
    for (const event of responseEvents(response)) out += writer.encode(event);
    out += writer.end();
    delivery.writeHead(
      200,
      {
        ...relayedHeaders(upstreamHeaders),
        'content-type': jsonArray ? 'application/json' : 'text/event-stream',
        ...STREAM_HEADERS,
      },
      false,
    );
    delivery.res.end(out);
  }

  #jsonArray(): boolean {
    return this.#request.operation === 'stream_generate' && this.#request.query.get('alt') !== 'sse';
  }

  async relayStream(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    body: AsyncIterable<Uint8Array>,
  ): Promise<StreamResult> {
    const codec = this.#codec as ProviderChatCodec;
    const context = this.#context();
    const jsonArray = this.#jsonArray();
    delivery.writeHead(
      200,
      {
        ...relayedHeaders(upstreamHeaders),
        'content-type': jsonArray ? 'application/json' : 'text/event-stream',
        ...STREAM_HEADERS,
      },
      false,
    );
    delivery.res.flushHeaders();
    const writer = jsonArray ? new GeminiJsonArrayEncoder(context) : this.#inbound.streamEncoder(context);
    return relayTranslated(body, delivery.res, codec.streamDecoder(), writer, {
      keepaliveFrame: jsonArray ? null : keepaliveFrameFor(this.clientDialect),
      keepaliveMs: delivery.keepaliveMs,
      clientStallMs: delivery.clientStallMs,
    });
  }

  sendUpstreamError(
    delivery: Delivery,
    status: number,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    upstreamStatus = status,
  ): void {
    const codec = this.#codec as ProviderChatCodec;
    sendTranslatedError(
      delivery,
      this.clientDialect,
      (s, json) => codec.decodeError(s, json),
      status,
      upstreamHeaders,
      bytes,
      upstreamStatus,
      this.#target?.provider.displayName ?? 'the provider',
    );
  }
}

/** OpenAI embeddings to a backend with another embeddings API. */
export class TranslatedEmbeddingsExchange implements Exchange {
  readonly clientDialect: Dialect = 'openai';
  readonly #embedding: EmbeddingRequest;
  readonly #backend: EmbeddingsBackend;
  readonly #target: ModelTarget;
  #response: EmbeddingResponse | undefined;

  constructor(request: DataRequest, target: ModelTarget) {
    const backend = embeddingsBackendFor(target.provider);
    if (!backend) {
      throw new GatewayError(
        'invalid_request',
        `model '${target.name}' is served by ${target.provider.displayName}, which has no embeddings API`,
      );
    }
    this.#backend = backend;
    this.#target = target;
    this.#embedding = openaiEmbeddingsInbound.decodeRequest(clientBody(request));
    this.#embedding.model = request.endpointName;
  }

  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan {
    const call = this.#backend.call(target, apiKey, this.#embedding);
    const body = stringifyRequest(this.#backend.codec.encodeRequest(this.#embedding, target.modelName));
    return { url: call.url, headers: call.headers, body, stream: false, streamWithoutSse: false };
  }

  checkBody(upstreamHeaders: Readonly<Record<string, string>>, bytes: Uint8Array): FailedAttempt | undefined {
    try {
      this.#response = this.#backend.codec.decodeResponse(parseJson(bytes), this.#embedding);
      return undefined;
    } catch {
      return unusableAnswer(200, upstreamHeaders, bytes);
    }
  }

  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null {
    const response = this.#response ?? this.#backend.codec.decodeResponse(parseJson(bytes), this.#embedding);
    writeJson(
      delivery,
      200,
      relayedHeaders(upstreamHeaders),
      openaiEmbeddingsInbound.encodeResponse(response, this.#embedding),
    );
    return usage({ inputTokens: response.inputTokens });
  }

  relayStream(): Promise<StreamResult> {
    return Promise.reject(new GatewayError('internal', 'embeddings are never streamed'));
  }

  sendUpstreamError(
    delivery: Delivery,
    status: number,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    upstreamStatus = status,
  ): void {
    const codec = chatCodecFor(this.#target.provider);
    sendTranslatedError(
      delivery,
      'openai',
      (s, json) => codec.decodeError(s, json),
      status,
      upstreamHeaders,
      bytes,
      upstreamStatus,
      this.#target.provider.displayName,
    );
  }
}

/** Anthropic `count_tokens` for a backend without it: a local tokenizer estimate. */
function countTokensLocally(request: DataRequest): LocalAnswer {
  const canonical = decodeCountTokensRequest(clientBody(request));
  return {
    local: true,
    answer(delivery) {
      writeJson(delivery, 200, {}, { input_tokens: estimateRequestTokens(canonical) });
    },
  };
}

/** The exchange for a target whose dialect differs from the client's. */
export function translationFor(request: DataRequest, target: ModelTarget): Exchange | LocalAnswer {
  if (request.operation === 'count_tokens') return countTokensLocally(request);
  if (request.operation === 'embeddings') return new TranslatedEmbeddingsExchange(request, target);
  return new TranslatedChatExchange(request);
}
