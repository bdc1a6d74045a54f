import type { IncomingHttpHeaders } from 'node:http';
import { codeForStatus, GatewayError } from '../core/errors.ts';
import {
  applySplices,
  findMember,
  insertFirstMember,
  memberValue,
  objectMembers,
  objectStart,
  removeMember,
  replaceValue,
  type Splice,
} from '../core/json-scan.ts';
import type { Operation } from '../core/operation.ts';
import type { Usage } from '../core/usage.ts';
import { errorBody, streamErrorFrame } from '../inbound/error-format.ts';
import { keepaliveFrameFor } from '../inbound/keepalive.ts';
import type { RequestShape } from '../inbound/request-shape.ts';
import type { ProviderAdapter } from '../providers/adapter.ts';
import { adapterFor } from '../providers/adapters.ts';
import type { Dialect } from '../providers/registry.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';
import type { Delivery, Exchange, StreamResult, UpstreamPlan } from './exchange.ts';
import { isJsonDocument } from './json-document.ts';
import { relayJsonArray } from './relay-json-array.ts';
import { relaySse } from './relay-sse.ts';
import { notJsonMessage, relayedHeaders } from './upstream-headers.ts';
import { STREAM_HEADERS, writeJson } from './write.ts';

export interface PassthroughRequest {
  operation: Operation;
  dialect: Dialect;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: Buffer;
  shape: RequestShape;
  stream: boolean;
  apiVersion: string | undefined;
}

function protocolHeaders(adapter: ProviderAdapter, headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of adapter.protocolHeaders) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** `stream_options.include_usage` made true; null when the client already asked for it. */
function includeUsageSplice(body: Buffer, shape: RequestShape): Splice | null {
  const options = findMember(shape.members, 'stream_options');
  const wholeValue = '{"include_usage":true}';
  if (!options) return insertFirstMember(objectStart(body), shape.members, 'stream_options', wholeValue);
  const inner = objectMembers(body, options.valueStart);
  if (!inner) return replaceValue(options, wholeValue);
  const flag = findMember(inner, 'include_usage');
  if (!flag) return insertFirstMember(options.valueStart, inner, 'include_usage', 'true');
  return memberValue(body, flag) === true ? null : replaceValue(flag, 'true');
}

/**
 * Same dialect on both sides: the body goes up byte for byte but for `model` (and the
 * usage option the gateway needs), and the answer comes back byte for byte.
 */
export class PassthroughExchange implements Exchange {
  readonly clientDialect: Dialect;
  readonly #request: PassthroughRequest;
  #adapter: ProviderAdapter | undefined;
  #target: ModelTarget | undefined;
  #injectedUsage = false;

  constructor(request: PassthroughRequest) {
    this.#request = request;
    this.clientDialect = request.dialect;
  }

  prepare(target: ModelTarget, apiKey: string | undefined): UpstreamPlan {
    const request = this.#request;
    const adapter = adapterFor(target.provider);
    this.#adapter = adapter;
    this.#target = target;
    const splices: Splice[] = [];
    const modelJson = JSON.stringify(target.modelName);
    const { shape, body } = request;
    const mode = adapter.bodyModel(request.operation);
    if (mode === 'replace') {
      splices.push(
        shape.model
          ? replaceValue(shape.model, modelJson)
          : insertFirstMember(objectStart(body), shape.members, 'model', modelJson),
      );
    } else if (mode === 'remove' && shape.model) {
      splices.push(removeMember(body, shape.members, shape.model));
    }
    this.#injectedUsage = false;
    if (request.operation === 'chat' && request.stream && target.provider.streamUsageOption) {
      const splice = includeUsageSplice(body, shape);
      if (splice) {
        splices.push(splice);
        this.#injectedUsage = true;
      }
    }
    const call = adapter.upstream({
      operation: request.operation,
      target,
      stream: request.stream,
      apiKey,
      protocolHeaders: protocolHeaders(adapter, request.headers),
      query: request.query,
      apiVersion: request.apiVersion,
    });
    return {
      url: call.url,
      headers: call.headers,
      body: applySplices(body, splices),
      stream: request.stream,
      // Gemini's streamGenerateContent without alt=sse streams a JSON array, relayed as is.
      streamWithoutSse: request.operation === 'stream_generate',
    };
  }

  sendBody(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
  ): Usage | null {
    delivery.writeHead(
      200,
      {
        ...relayedHeaders(upstreamHeaders),
        'content-type': upstreamHeaders['content-type'] || 'application/json',
        'content-length': bytes.byteLength,
      },
      true,
    );
    delivery.res.end(bytes);
    return this.#adapter?.usageFromBody(this.#request.operation, bytes) ?? null;
  }

  async relayStream(
    delivery: Delivery,
    upstreamHeaders: Readonly<Record<string, string>>,
    body: AsyncIterable<Uint8Array>,
  ): Promise<StreamResult> {
    const { operation, dialect } = this.#request;
    const contentType = upstreamHeaders['content-type'] ?? '';
    const isSse = contentType.includes('text/event-stream');
    delivery.writeHead(
      200,
      {
        ...relayedHeaders(upstreamHeaders),
        'content-type': contentType || 'text/event-stream',
        ...STREAM_HEADERS,
      },
      false,
    );
    delivery.res.flushHeaders();
    const adapter = this.#adapter as ProviderAdapter;
    const tap = adapter.streamTap(operation, { undoInjectedUsage: this.#injectedUsage });
    const outcome = isSse
      ? await relaySse(body, delivery.res, tap, {
          keepaliveFrame: keepaliveFrameFor(dialect),
          keepaliveMs: delivery.keepaliveMs,
          clientStallMs: delivery.clientStallMs,
          errorFrame: (error) => streamErrorFrame(operation, dialect, error, delivery.requestId),
        })
      : await relayJsonArray(body, delivery.res, tap, delivery.clientStallMs);
    return { outcome, usage: tap.usage() };
  }

  sendUpstreamError(
    delivery: Delivery,
    status: number,
    upstreamHeaders: Readonly<Record<string, string>>,
    bytes: Uint8Array,
    upstreamStatus = status,
  ): void {
    const contentType = upstreamHeaders['content-type'] ?? '';
    const headers = relayedHeaders(upstreamHeaders);
    if (contentType.includes('json') || isJsonDocument(bytes)) {
      delivery.writeHead(
        status,
        { ...headers, 'content-type': contentType || 'application/json', 'content-length': bytes.byteLength },
        true,
      );
      delivery.res.end(bytes);
      return;
    }
    const provider = this.#target?.provider.displayName ?? 'the provider';
    const message = notJsonMessage(provider, upstreamStatus, upstreamHeaders, bytes);
    const error = new GatewayError(codeForStatus(status), message, { status });
    writeJson(delivery, status, headers, errorBody(this.clientDialect, error, delivery.requestId));
  }
}
