import type { InboundChatCodec, ProviderChatCodec, ResponseContext } from '../canonical/codecs.ts';
import type { EmbeddingRequest } from '../canonical/embeddings.ts';
import { estimateRequestTokens } from '../canonical/estimate-tokens.ts';
import type { CanonicalRequest } from '../canonical/request.ts';
import type { UpstreamFailure } from '../canonical/response.ts';
import { GatewayError } from '../core/errors.ts';
import { OPERATION_DIALECT } from '../core/operation.ts';
import { type Usage, usage } from '../core/usage.ts';
import { anthropicMessagesInbound, decodeCountTokensRequest } from '../inbound/anthropic-messages/index.ts';
import { errorBody } from '../inbound/error-format.ts';
import { geminiChunkEncoder, geminiGenerateInbound } from '../inbound/gemini-generate/index.ts';
import { openaiChatInbound } from '../inbound/openai-chat/index.ts';
import { openaiEmbeddingsInbound } from '../inbound/openai-embeddings/index.ts';
import { openaiResponsesInbound } from '../inbound/openai-responses/index.ts';
import { failureAsGatewayError } from '../inbound/upstream-error.ts';
import { adapterFor } from '../providers/adapters.ts';
import { chatCodecFor, chatOperationFor, embeddingsBackendFor } from '../providers/codecs.ts';
import type { Dialect } from '../providers/registry.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';
import { SSE_KEEPALIVE_COMMENT } from '../transport/sse-encoder.ts';
import type { DataRequest } from './data-plane.ts';
import type { Delivery, Exchange, LocalAnswer, StreamResult, UpstreamPlan } from './exchange.ts';
import { ANTHROPIC_PING } from './passthrough-exchange.ts';
import { type ClientStreamWriter, relayTranslated } from './relay-translated.ts';
import { relayedHeaders } from './upstream-headers.ts';

const NO_QUERY = new URLSearchParams();
const ALT_SSE = new URLSearchParams('alt=sse');

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('invalid_request', 'the request body is not valid JSON');
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

function writeJson(
  delivery: Delivery,
  status: number,
  headers: Record<string, string>,
  value: unknown,
): void {
  const payload = JSON.stringify(value);
  delivery.writeHead(
    status,
    { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    true,
  );
  delivery.res.end(payload);
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
  const failure =
    json === undefined || upstreamStatus < 400
      ? {
          status,
          message: `${providerName} answered ${upstreamStatus} with ${upstreamHeaders['content-type'] || 'no content type'}, not JSON`,
        }
      : decode(status, json);
  const error = failureAsGatewayError(failure, clientDialect, relayedHeaders(upstreamHeaders));
  writeJson(
    delivery,
    error.status,
    { ...error.headers },
    errorBody(clientDialect, error, delivery.requestId),
  );
}

/** The decoded client request, shared by every target one request tries. */
const decoded = new WeakMap<DataRequest, CanonicalRequest>();

function canonicalOf(request: DataRequest): CanonicalRequest {
  let canonical = decoded.get(request);
  if (!canonical) {
    canonical = inboundFor(request).decodeRequest(parseBody(request.body));
    canonical.model = request.endpointName;
    canonical.stream = request.stream;
    decoded.set(request, canonical);
  }
  return canonical;
}

function clientWantsUsage(request: DataRequest): boolean {
  if (request.operation !== 'chat') return false;
  const body = parseJson(request.body);
  const options =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)['stream_options']
      : undefined;
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true
  );
}

/** A chat-like request (chat, Responses, Messages, generateContent) to a backend of another dialect. */
export class TranslatedChatExchange implements Exchange {
  readonly clientDialect: Dialect;
  readonly #request: DataRequest;
  readonly #canonical: CanonicalRequest;
  readonly #inbound: InboundChatCodec;
  #codec: ProviderChatCodec | undefined;
  #target: ModelTarget | undefined;

  constructor(request: DataRequest) {
    this.#request = request;
    this.clientDialect = OPERATION_DIALECT[request.operation];
    this.#inbound = inboundFor(request);
    this.#canonical = canonicalOf(request);
  }

  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan {
    const codec = chatCodecFor(target.provider);
    this.#codec = codec;
    this.#target = target;
    const stream = this.#request.stream;
    const body = JSON.stringify(codec.encodeRequest(this.#canonical, target.modelName));
    const call = adapterFor(target.provider).upstream({
      operation: chatOperationFor(target.provider.dialect, stream),
      target,
      stream,
      apiKey,
      protocolHeaders: {},
      query: stream && target.provider.dialect === 'gemini' ? ALT_SSE : NO_QUERY,
      apiVersion: undefined,
    });
    return { url: call.url, headers: call.headers, body, stream };
  }

  #context(): ResponseContext {
    const request = this.#request;
    return {
      requestId: request.requestId,
      clientModel: request.endpointName,
      created: Math.floor(Date.now() / 1000),
      includeUsage: request.stream && clientWantsUsage(request),
      estimatedInputTokens:
        request.stream && this.clientDialect === 'anthropic' ? estimateRequestTokens(this.#canonical) : 0,
    };
  }

  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null {
    const codec = this.#codec as ProviderChatCodec;
    const response = codec.decodeResponse(parseJson(bytes));
    writeJson(
      delivery,
      200,
      relayedHeaders(upstreamHeaders),
      this.#inbound.encodeResponse(response, this.#context()),
    );
    return response.usage;
  }

  async relayStream(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    body: AsyncIterable<Uint8Array>,
  ): Promise<StreamResult> {
    const codec = this.#codec as ProviderChatCodec;
    const context = this.#context();
    const jsonArray =
      this.#request.operation === 'stream_generate' && this.#request.query.get('alt') !== 'sse';
    delivery.writeHead(
      200,
      {
        ...relayedHeaders(upstreamHeaders),
        'content-type': jsonArray ? 'application/json' : 'text/event-stream',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      },
      false,
    );
    delivery.res.flushHeaders();
    const writer: ClientStreamWriter = jsonArray
      ? jsonArrayWriter(context)
      : this.#inbound.streamEncoder(context);
    return relayTranslated(body, delivery.res, codec.streamDecoder(), writer, {
      keepaliveFrame: jsonArray
        ? null
        : this.clientDialect === 'anthropic'
          ? ANTHROPIC_PING
          : SSE_KEEPALIVE_COMMENT,
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

/** Gemini's streamed JSON array (no `alt=sse`), element by element. */
function jsonArrayWriter(context: ResponseContext): ClientStreamWriter {
  const chunks = geminiChunkEncoder(context);
  let opened = false;
  const elements = (values: object[]): string => {
    let out = '';
    for (const value of values) {
      out += (opened ? ',\r\n' : '[') + JSON.stringify(value);
      opened = true;
    }
    return out;
  };
  return {
    encode: (event) => elements(chunks.encode(event)),
    end: () => {
      const out = elements(chunks.end());
      return opened ? `${out}]` : '[]';
    },
    fail: (failure) => `${elements([chunks.fail(failure)])}]`,
  };
}

/** OpenAI embeddings to a backend with another embeddings API. */
export class TranslatedEmbeddingsExchange implements Exchange {
  readonly clientDialect: Dialect = 'openai';
  readonly #embedding: EmbeddingRequest;
  #target: ModelTarget | undefined;

  constructor(request: DataRequest, target: ModelTarget) {
    if (!embeddingsBackendFor(target.provider)) {
      throw new GatewayError(
        'invalid_request',
        `model '${target.name}' is served by ${target.provider.displayName}, which has no embeddings API`,
      );
    }
    this.#embedding = openaiEmbeddingsInbound.decodeRequest(parseBody(request.body));
    this.#embedding.model = request.endpointName;
  }

  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan {
    const backend = embeddingsBackendFor(target.provider);
    if (!backend) {
      throw new GatewayError(
        'invalid_request',
        `model '${target.name}' is served by ${target.provider.displayName}, which has no embeddings API`,
      );
    }
    this.#target = target;
    const call = backend.call(target, apiKey, this.#embedding);
    const body = JSON.stringify(backend.codec.encodeRequest(this.#embedding, target.modelName));
    return { url: call.url, headers: call.headers, body, stream: false };
  }

  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null {
    const backend = embeddingsBackendFor((this.#target as ModelTarget).provider);
    if (!backend) throw new GatewayError('internal', 'embeddings backend vanished');
    const response = backend.codec.decodeResponse(parseJson(bytes), this.#embedding);
    writeJson(
      delivery,
      200,
      relayedHeaders(upstreamHeaders),
      openaiEmbeddingsInbound.encodeResponse(response, this.#embedding),
    );
    return usage({ inputTokens: response.inputTokens });
  }

  relayStream(): Promise<StreamResult> {
    throw new GatewayError('internal', 'embeddings are never streamed');
  }

  sendUpstreamError(
    delivery: Delivery,
    status: number,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    upstreamStatus = status,
  ): void {
    const target = this.#target as ModelTarget;
    const codec = chatCodecFor(target.provider);
    sendTranslatedError(
      delivery,
      'openai',
      (s, json) => codec.decodeError(s, json),
      status,
      upstreamHeaders,
      bytes,
      upstreamStatus,
      target.provider.displayName,
    );
  }
}

/** Anthropic `count_tokens` for a backend without it: a local tokenizer estimate. */
function countTokensLocally(request: DataRequest): LocalAnswer {
  const canonical = decodeCountTokensRequest(parseBody(request.body));
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
