import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isProviderAllowed, type Settings } from '../config/settings.ts';
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
import { OPERATION_DIALECT, type Operation } from '../core/operation.ts';
import { headerValue } from '../http/header-value.ts';
import { clientProviderKey, KEY_HEADER_BY_DIALECT } from '../inbound/client-key.ts';
import { errorBody, streamErrorFrame } from '../inbound/error-format.ts';
import type { RequestShape } from '../inbound/request-shape.ts';
import type { ProviderAdapter } from '../providers/adapter.ts';
import { adapterFor } from '../providers/adapters.ts';
import type { Dialect } from '../providers/registry.ts';
import type { ModelTarget, RoutedEndpoint } from '../snapshot/config-snapshot.ts';
import type { SnapshotHolder } from '../snapshot/snapshot-holder.ts';
import { TransportError } from '../transport/errors.ts';
import { sendUpstream, type UpstreamResponse } from '../transport/http-client.ts';
import { SSE_KEEPALIVE_COMMENT } from '../transport/sse-encoder.ts';
import { relayJsonArray } from './relay-json-array.ts';
import { type RelayOutcome, relaySse } from './relay-sse.ts';
import type { AttemptRecord, RequestRecord, RequestRecordSink } from './request-record.ts';
import { endpointTimeouts } from './timeouts.ts';
import { bodyExcerpt, relayedHeaders } from './upstream-headers.ts';

export interface DataPlaneDeps {
  settings: Settings;
  snapshots: SnapshotHolder;
  sink: RequestRecordSink;
  log: Logger;
  /** Upstream silence before a keepalive is sent on a stream. */
  keepaliveMs?: number;
}

/** One client request, after its route has been read. */
export interface DataRequest {
  operation: Operation;
  requestId: string;
  startedAt: number;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: Buffer;
  shape: RequestShape;
  endpointName: string;
  stream: boolean;
  /** The client's API version path segment (Gemini). */
  apiVersion?: string;
}

/** Some providers label a JSON error body with another content type (Gemini: text/event-stream). */
function isJsonDocument(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > 1024 * 1024) return false;
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';
const DEFAULT_KEEPALIVE_MS = 10_000;

function pickTarget(endpoint: RoutedEndpoint): ModelTarget {
  const primary = endpoint.primaries[0]?.model;
  if (!primary) {
    throw new GatewayError(
      'unavailable',
      `endpoint '${endpoint.name}' has no usable model (check its secrets)`,
    );
  }
  return primary;
}

function protocolHeaders(adapter: ProviderAdapter, headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of adapter.protocolHeaders) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** `stream_options.include_usage` made true; says whether the gateway had to change anything. */
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

export class DataPlane {
  readonly #deps: DataPlaneDeps;
  readonly #keepaliveMs: number;

  constructor(deps: DataPlaneDeps) {
    this.#deps = deps;
    this.#keepaliveMs = deps.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
  }

  /** Resolves the endpoint and relays the exchange; errors are thrown for the caller to render. */
  async forward(request: DataRequest, res: ServerResponse): Promise<void> {
    const { settings, snapshots } = this.#deps;
    const dialect = OPERATION_DIALECT[request.operation];
    res.setHeader('x-switchyard-endpoint', headerValue(request.endpointName));
    const endpoint = snapshots.current.endpoints.get(request.endpointName);
    if (!endpoint) {
      throw new GatewayError(
        'not_found',
        `The model '${request.endpointName}' does not exist: no Switchyard endpoint has that name`,
        { param: 'model' },
      );
    }
    const target = pickTarget(endpoint);
    const adapter = adapterFor(target.provider);
    if (!isProviderAllowed(settings, target.provider.name)) {
      throw new GatewayError(
        'forbidden',
        `provider '${target.provider.name}' is not allowed here (SWITCHYARD_ALLOWED_PROVIDERS)`,
      );
    }
    const native =
      target.provider.dialect === dialect &&
      adapter.supports(request.operation) &&
      (request.operation !== 'responses' || target.provider.nativeResponses);
    if (!native) {
      throw new GatewayError(
        'invalid_request',
        `endpoint '${endpoint.name}' is served by '${target.provider.name}', which does not speak this API ` +
          `(${request.operation}); translation between dialects is not available yet`,
      );
    }

    let apiKey = target.credential.apiKey;
    if (target.credential.passthrough) {
      apiKey = clientProviderKey(dialect, request.headers, request.query);
      if (!apiKey) {
        throw new GatewayError(
          'unauthorized',
          `endpoint '${endpoint.name}' uses the caller's own ${target.provider.displayName} key: send it in ${KEY_HEADER_BY_DIALECT[dialect]}`,
        );
      }
    }

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
    let injectedUsage = false;
    if (request.operation === 'chat' && request.stream && target.provider.streamUsageOption) {
      const splice = includeUsageSplice(body, shape);
      if (splice) {
        splices.push(splice);
        injectedUsage = true;
      }
    }
    const upstreamBody = applySplices(body, splices);

    const timeouts = endpointTimeouts(endpoint.policy);
    const call = adapter.upstream({
      operation: request.operation,
      target,
      stream: request.stream,
      apiKey,
      protocolHeaders: protocolHeaders(adapter, request.headers),
      query: request.query,
      apiVersion: request.apiVersion,
    });

    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);

    const attempt: AttemptRecord = {
      model: target.name,
      provider: target.provider.name,
      status: null,
      latencyMs: 0,
    };
    const record: RequestRecord = {
      requestId: request.requestId,
      operation: request.operation,
      endpoint: endpoint.name,
      model: target.name,
      provider: target.provider.name,
      stream: request.stream,
      status: 0,
      usage: null,
      attempts: [attempt],
      startedAt: Date.now() - (performance.now() - request.startedAt),
      durationMs: 0,
      upstreamMs: 0,
    };

    const sentAt = performance.now();
    let upstream: UpstreamResponse;
    try {
      upstream = await sendUpstream({
        url: call.url,
        method: 'POST',
        headers: call.headers,
        body: upstreamBody,
        timeouts,
        signal: abort.signal,
      });
    } catch (error) {
      attempt.latencyMs = performance.now() - sentAt;
      record.upstreamMs = attempt.latencyMs;
      const failure = this.#transportFailure(error, target);
      attempt.error = failure.message;
      this.#finish(record, request, res.destroyed ? 499 : failure.status, failure.message);
      this.#attemptHeaders(res, record);
      throw failure;
    }
    attempt.status = upstream.status;
    attempt.latencyMs = performance.now() - sentAt;

    try {
      const contentType = upstream.headers['content-type'] ?? '';
      const isSse = contentType.includes('text/event-stream');
      const isJsonArrayStream = request.operation === 'stream_generate' && upstream.status === 200 && !isSse;
      if (upstream.status < 300 && (isSse || isJsonArrayStream)) {
        await this.#relayStream(request, dialect, adapter, upstream, res, record, {
          isSse,
          injectedUsage,
          clientStallMs: timeouts.idleMs,
        });
      } else {
        await this.#relayBody(request, dialect, adapter, upstream, res, record, target);
      }
    } finally {
      res.off('close', onClose);
    }
  }

  #transportFailure(error: unknown, target: ModelTarget): GatewayError {
    if (error instanceof GatewayError) return error;
    const provider = target.provider.displayName;
    if (error instanceof TransportError) {
      if (error.kind === 'timeout') {
        return new GatewayError(
          'upstream_timeout',
          `${provider} did not answer in time (${error.phase} timeout)`,
        );
      }
      if (error.kind === 'aborted')
        return new GatewayError('upstream_unreachable', 'the request was aborted');
      // The detail (addresses, ports) goes to the log, not to the client.
      this.#deps.log.warn(
        { err: error, provider: target.provider.name, model: target.name },
        'upstream unreachable',
      );
      return new GatewayError(
        'upstream_unreachable',
        `could not reach ${provider} (${error.kind === 'reset' ? 'the connection was reset' : 'connection failed'})`,
      );
    }
    return new GatewayError('upstream_unreachable', `could not reach ${provider}`);
  }

  async #relayBody(
    request: DataRequest,
    dialect: Dialect,
    adapter: ProviderAdapter,
    upstream: UpstreamResponse,
    res: ServerResponse,
    record: RequestRecord,
    target: ModelTarget,
  ): Promise<void> {
    const readStart = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = await upstream.bytes();
    } catch (error) {
      record.upstreamMs = record.attempts[0]!.latencyMs + (performance.now() - readStart);
      const failure = this.#transportFailure(error, target);
      this.#finish(record, request, res.destroyed ? 499 : failure.status, failure.message);
      this.#attemptHeaders(res, record);
      throw failure;
    }
    record.upstreamMs = record.attempts[0]!.latencyMs + (performance.now() - readStart);
    const contentType = upstream.headers['content-type'] ?? '';
    const headers = relayedHeaders(upstream.headers);

    if (!contentType.includes('json') && !isJsonDocument(bytes)) {
      const status = upstream.status < 400 ? 502 : upstream.status;
      const message = `${target.provider.displayName} answered ${upstream.status} with ${contentType || 'no content type'}, not JSON: ${bodyExcerpt(Buffer.from(bytes).toString('utf8'))}`;
      const error = new GatewayError(codeForStatus(status), message, { status, headers });
      this.#finish(record, request, status, message);
      const payload = JSON.stringify(errorBody(dialect, error, request.requestId));
      res.writeHead(status, {
        ...headers,
        ...this.#gatewayHeaders(record, true),
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
      return;
    }

    record.durationMs = performance.now() - request.startedAt;
    res.writeHead(upstream.status, {
      ...headers,
      ...this.#gatewayHeaders(record, true),
      'content-type': contentType || 'application/json',
      'content-length': bytes.byteLength,
    });
    res.end(bytes);
    // Usage and the record are for accounting: the client need not wait for them.
    if (upstream.status < 300) record.usage = adapter.usageFromBody(request.operation, bytes);
    this.#finish(
      record,
      request,
      upstream.status,
      upstream.status >= 400 ? `upstream ${upstream.status}` : undefined,
    );
  }

  async #relayStream(
    request: DataRequest,
    dialect: Dialect,
    adapter: ProviderAdapter,
    upstream: UpstreamResponse,
    res: ServerResponse,
    record: RequestRecord,
    options: { isSse: boolean; injectedUsage: boolean; clientStallMs: number },
  ): Promise<void> {
    record.durationMs = performance.now() - request.startedAt;
    res.writeHead(upstream.status, {
      ...relayedHeaders(upstream.headers),
      ...this.#gatewayHeaders(record, false),
      'content-type': upstream.headers['content-type'] ?? 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const tap = adapter.streamTap(request.operation, { undoInjectedUsage: options.injectedUsage });
    const streamStart = performance.now();
    let outcome: RelayOutcome;
    if (options.isSse) {
      outcome = await relaySse(upstream, res, tap, {
        keepaliveFrame: dialect === 'anthropic' ? ANTHROPIC_PING : SSE_KEEPALIVE_COMMENT,
        keepaliveMs: this.#keepaliveMs,
        clientStallMs: options.clientStallMs,
        errorFrame: (error) => streamErrorFrame(request.operation, dialect, error, request.requestId),
      });
    } else {
      outcome = await relayJsonArray(upstream, res, tap, options.clientStallMs);
    }
    record.upstreamMs = record.attempts[0]!.latencyMs + (performance.now() - streamStart);
    record.usage = tap.usage();
    const status = outcome === 'client_gone' ? 499 : upstream.status;
    this.#finish(record, request, status, outcome === 'complete' ? undefined : `stream ${outcome}`);
  }

  /** The x-switchyard-* headers, passed to writeHead in one object; overhead only when the answer is whole. */
  #gatewayHeaders(record: RequestRecord, whole: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      'x-switchyard-model': record.model ?? '',
      'x-switchyard-attempts': String(record.attempts.length),
      'x-switchyard-duration-ms': record.durationMs.toFixed(1),
    };
    if (whole)
      headers['x-switchyard-overhead-ms'] = Math.max(0, record.durationMs - record.upstreamMs).toFixed(2);
    return headers;
  }

  /** For failures rendered by the caller: which model was tried, and how often. */
  #attemptHeaders(res: ServerResponse, record: RequestRecord): void {
    if (res.headersSent) return;
    res.setHeader('x-switchyard-model', record.model ?? '');
    res.setHeader('x-switchyard-attempts', String(record.attempts.length));
    res.setHeader('x-switchyard-overhead-ms', Math.max(0, record.durationMs - record.upstreamMs).toFixed(2));
  }

  #finish(record: RequestRecord, request: DataRequest, status: number, error: string | undefined): void {
    record.status = status;
    record.durationMs = performance.now() - request.startedAt;
    if (error !== undefined) record.error = error;
    try {
      this.#deps.sink.record(record);
    } catch (sinkError) {
      this.#deps.log.error({ err: sinkError }, 'request record sink failed');
    }
  }
}
