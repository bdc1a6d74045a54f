import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isProviderAllowed, type Settings } from '../config/settings.ts';
import { GatewayError } from '../core/errors.ts';
import { OPERATION_DIALECT, type Operation } from '../core/operation.ts';
import { headerValue } from '../http/header-value.ts';
import { clientProviderKey, KEY_HEADER_BY_DIALECT } from '../inbound/client-key.ts';
import type { RequestShape } from '../inbound/request-shape.ts';
import { DEFAULT_BACKOFF_MS, retryDelayMs } from '../routing/backoff.ts';
import { type CircuitBreaker, InProcessCircuitBreaker } from '../routing/circuit-breaker.ts';
import { DEFAULT_TRIGGERS, isModelFailure, isTriggered } from '../routing/failure.ts';
import { InProcessKeyPool, KEY_COOLDOWN_MS, type KeyPool } from '../routing/key-pool.ts';
import { resolveEndpoint } from '../routing/resolve-endpoint.ts';
import { planTargets, type RandomSource } from '../routing/targets.ts';
import type { ModelTarget, RoutedEndpoint } from '../snapshot/config-snapshot.ts';
import type { SnapshotHolder } from '../snapshot/snapshot-holder.ts';
import { attemptUpstream, ClientGone, type FailedAttempt } from './attempt.ts';
import type { Delivery, Exchange, LocalAnswer, UpstreamPlan } from './exchange.ts';
import { PassthroughExchange } from './passthrough-exchange.ts';
import type { AttemptRecord, RequestRecord, RequestRecordSink } from './request-record.ts';
import { endpointTimeouts } from './timeouts.ts';

/** Builds the exchange for a target whose dialect differs from the client's. */
export type TranslationFactory = (request: DataRequest, target: ModelTarget) => Exchange | LocalAnswer;

export interface DataPlaneDeps {
  settings: Settings;
  snapshots: SnapshotHolder;
  sink: RequestRecordSink;
  log: Logger;
  /** Upstream silence before a keepalive is sent on a stream. */
  keepaliveMs?: number;
  /** Traffic split and retry jitter; tests inject a fixed sequence. */
  random?: RandomSource;
  breaker?: CircuitBreaker;
  keys?: KeyPool;
  translation: TranslationFactory;
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

const DEFAULT_KEEPALIVE_MS = 10_000;
const KEY_STATUSES = new Set([401, 403, 429]);
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** Less time than this left before the deadline: not worth starting another attempt. */
const MIN_ATTEMPT_MS = 10;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class DataPlane {
  readonly #deps: DataPlaneDeps;
  readonly #keepaliveMs: number;
  readonly #random: RandomSource;
  readonly #breaker: CircuitBreaker;
  readonly #keys: KeyPool;

  constructor(deps: DataPlaneDeps) {
    this.#deps = deps;
    this.#keepaliveMs = deps.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
    this.#random = deps.random ?? Math.random;
    this.#breaker = deps.breaker ?? new InProcessCircuitBreaker();
    this.#keys = deps.keys ?? new InProcessKeyPool();
  }

  /** Resolves the endpoint and answers through its models; errors are thrown for the caller to render. */
  async forward(request: DataRequest, res: ServerResponse): Promise<void> {
    const { settings, snapshots } = this.#deps;
    res.setHeader('x-switchyard-endpoint', headerValue(request.endpointName));
    const endpoint = resolveEndpoint(snapshots.current, request.endpointName);
    if (!endpoint) {
      throw new GatewayError(
        'not_found',
        `The model '${request.endpointName}' does not exist: no Switchyard endpoint has that name`,
        { param: 'model' },
      );
    }
    const planned = planTargets(endpoint, this.#random);
    const plan = planned.filter((t) => isProviderAllowed(settings, t.provider.name));
    if (plan.length === 0) {
      if (planned.length > 0) {
        throw new GatewayError(
          'forbidden',
          `provider '${planned[0]!.provider.name}' is not allowed here (SWITCHYARD_ALLOWED_PROVIDERS)`,
        );
      }
      throw new GatewayError(
        'unavailable',
        `endpoint '${endpoint.name}' has no usable model (check its secrets)`,
      );
    }

    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    const record: RequestRecord = {
      requestId: request.requestId,
      operation: request.operation,
      endpoint: endpoint.name,
      model: null,
      provider: null,
      stream: request.stream,
      status: 0,
      usage: null,
      attempts: [],
      startedAt: Date.now() - (performance.now() - request.startedAt),
      durationMs: 0,
      upstreamMs: 0,
    };
    try {
      await this.#run(request, res, endpoint, plan, record, abort.signal);
    } catch (error) {
      if (error instanceof ClientGone) {
        this.#finish(record, request, 499, 'client went away');
        return;
      }
      if (error instanceof GatewayError) {
        this.#finish(record, request, res.destroyed ? 499 : error.status, error.message);
        this.#attemptHeaders(res, record);
      }
      throw error;
    } finally {
      res.off('close', onClose);
    }
  }

  async #run(
    request: DataRequest,
    res: ServerResponse,
    endpoint: RoutedEndpoint,
    plan: ModelTarget[],
    record: RequestRecord,
    signal: AbortSignal,
  ): Promise<void> {
    const policy = endpoint.policy;
    const triggers = policy.fallback?.on ?? DEFAULT_TRIGGERS;
    const retries = policy.retry?.attempts ?? 0;
    const backoffMs = policy.retry?.backoff_ms ?? DEFAULT_BACKOFF_MS;
    const timeouts = endpointTimeouts(policy);
    const deadline = request.startedAt + timeouts.totalMs;
    let last: { failed: FailedAttempt; exchange: Exchange; target: ModelTarget } | undefined;
    // Open circuits divert traffic to the other models; they never leave an endpoint with
    // nothing to try (a single-model endpoint keeps trying its model).
    const healthy = plan.filter((t) => !this.#breaker.isOpen(t.id));
    const bypass = healthy.length === 0;

    let refusal: GatewayError | undefined;
    for (const target of bypass ? plan : healthy) {
      let exchange: Exchange | LocalAnswer;
      try {
        exchange = this.#exchangeFor(request, target);
      } catch (error) {
        // This model cannot take the request (a feature its dialect lacks): another may.
        if (!(error instanceof GatewayError)) throw error;
        refusal ??= error;
        continue;
      }
      record.model = target.name;
      record.provider = target.provider.name;
      if ('local' in exchange) {
        exchange.answer(this.#delivery(request, res, record, timeouts.idleMs));
        this.#finish(record, request, res.statusCode, undefined);
        return;
      }
      if (!bypass && !this.#breaker.tryAcquire(target.id)) continue;
      const keys = target.credential.apiKeys;
      let retried = 0;
      let keySwitches = 0;
      // A claimed half-open probe must end in a verdict or be given back, whatever happens.
      let verdict = false;
      try {
        for (;;) {
          // A missing client key is the caller's to fix: answered, never routed around.
          const apiKey = this.#apiKey(request, target, keys);
          let upstreamPlan: UpstreamPlan;
          try {
            upstreamPlan = exchange.prepare(target, apiKey);
          } catch (error) {
            if (!(error instanceof GatewayError)) throw error;
            refusal ??= error;
            break;
          }
          const attempt: AttemptRecord = {
            model: target.name,
            provider: target.provider.name,
            status: null,
            latencyMs: 0,
          };
          record.attempts.push(attempt);
          const sentAt = performance.now();
          if (deadline - sentAt < MIN_ATTEMPT_MS) {
            // No time left: this model is not tried, and not counted as failing.
            record.attempts.pop();
            break;
          }
          let result = await attemptUpstream(
            upstreamPlan,
            { ...timeouts, totalMs: Math.max(0, deadline - sentAt) },
            signal,
          );
          attempt.latencyMs = performance.now() - sentAt;
          record.upstreamMs += attempt.latencyMs;

          verdict = true;
          if (result.kind === 'body' && exchange.checkBody) {
            const unusable = exchange.checkBody(result.headers, result.bytes);
            if (unusable) result = unusable;
          }
          if (result.kind !== 'failed') {
            attempt.status = result.status;
            this.#breaker.succeeded(target.id);
            await this.#deliver(request, res, exchange, result, record, timeouts.idleMs);
            return;
          }

          attempt.status = result.upstreamStatus;
          attempt.error = result.transport
            ? this.#transportError(result, target).message
            : `upstream ${result.upstreamStatus ?? result.clientStatus}`;
          last = { failed: result, exchange, target };
          const failure = result.failure;
          if (isModelFailure(failure)) this.#breaker.failed(target.id);
          else this.#breaker.succeeded(target.id);

          const status = failure.status ?? 0;
          if (apiKey && !target.credential.passthrough && KEY_STATUSES.has(status) && keys.length > 1) {
            const cooldown =
              status === 429 ? Math.max(KEY_COOLDOWN_MS, failure.retryAfterMs ?? 0) : KEY_COOLDOWN_MS;
            this.#keys.setAside(target.credential.secretId, apiKey, cooldown);
            if (
              keySwitches < keys.length - 1 &&
              this.#keys.hasAlternative(target.credential.secretId, keys, apiKey)
            ) {
              keySwitches++;
              continue;
            }
          }
          if (!isTriggered(failure, triggers)) {
            this.#sendFailure(request, res, last, record);
            return;
          }
          if (retried >= retries) break;
          const delay = retryDelayMs(retried, backoffMs, this.#random, failure.retryAfterMs);
          if (delay === undefined || performance.now() + delay >= deadline) break;
          retried++;
          const waitStart = performance.now();
          await sleep(delay, signal);
          record.upstreamMs += performance.now() - waitStart;
          if (signal.aborted) throw new ClientGone('client went away');
        }
      } finally {
        if (!verdict && !bypass) this.#breaker.release(target.id);
      }
    }

    if (!last && refusal) throw refusal;
    if (!last) {
      throw new GatewayError(
        'unavailable',
        `every model of endpoint '${endpoint.name}' is failing; try again shortly`,
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    this.#sendFailure(request, res, last, record);
  }

  #exchangeFor(request: DataRequest, target: ModelTarget): Exchange | LocalAnswer {
    const dialect = OPERATION_DIALECT[request.operation];
    const provider = target.provider;
    const native =
      provider.dialect === dialect && (request.operation !== 'responses' || provider.nativeResponses);
    if (native) {
      // Passthrough sends the client's bytes; the parsed copy would only be held, for a
      // stream's whole life. A later translated fallback parses again.
      request.shape.parsed = undefined;
      return new PassthroughExchange({
        operation: request.operation,
        dialect,
        headers: request.headers,
        query: request.query,
        body: request.body,
        shape: request.shape,
        stream: request.stream,
        apiVersion: request.apiVersion,
      });
    }
    return this.#deps.translation(request, target);
  }

  #apiKey(request: DataRequest, target: ModelTarget, keys: readonly string[]): string | undefined {
    if (!target.credential.passthrough) return this.#keys.pick(target.credential.secretId, keys);
    const dialect = OPERATION_DIALECT[request.operation];
    const key = clientProviderKey(dialect, request.headers, request.query);
    if (!key) {
      throw new GatewayError(
        'unauthorized',
        `model '${target.name}' uses the caller's own ${target.provider.displayName} key: send it in ${KEY_HEADER_BY_DIALECT[dialect]}`,
      );
    }
    if (!VISIBLE_ASCII.test(key)) {
      throw new GatewayError('unauthorized', 'the provider key sent holds characters no API key has');
    }
    return key;
  }

  #delivery(request: DataRequest, res: ServerResponse, record: RequestRecord, idleMs: number): Delivery {
    return {
      res,
      requestId: request.requestId,
      keepaliveMs: this.#keepaliveMs,
      clientStallMs: idleMs,
      writeHead: (status, headers, whole) => {
        record.durationMs = performance.now() - request.startedAt;
        res.writeHead(status, { ...headers, ...this.#gatewayHeaders(record, whole) });
      },
    };
  }

  async #deliver(
    request: DataRequest,
    res: ServerResponse,
    exchange: Exchange,
    result: Exclude<Awaited<ReturnType<typeof attemptUpstream>>, FailedAttempt>,
    record: RequestRecord,
    idleMs: number,
  ): Promise<void> {
    const delivery = this.#delivery(request, res, record, idleMs);
    if (result.kind === 'body') {
      const usage = exchange.sendBody(delivery, result.headers, result.bytes);
      // Usage and the record are for accounting: the client need not wait for them.
      record.usage = usage;
      this.#finish(record, request, res.statusCode, undefined);
      return;
    }
    const streamStart = performance.now();
    const { outcome, usage } = await exchange.relayStream(delivery, result.headers, result.body);
    record.upstreamMs += performance.now() - streamStart;
    record.usage = usage;
    const status = outcome === 'client_gone' ? 499 : res.statusCode;
    this.#finish(record, request, status, outcome === 'complete' ? undefined : `stream ${outcome}`);
  }

  /** The last attempt's failure, answered in the client's dialect. */
  #sendFailure(
    request: DataRequest,
    res: ServerResponse,
    last: { failed: FailedAttempt; exchange: Exchange; target: ModelTarget },
    record: RequestRecord,
  ): void {
    const { failed, exchange, target } = last;
    record.model = target.name;
    record.provider = target.provider.name;
    if (failed.bytes === undefined || failed.transport) {
      // The detail (addresses, ports) goes to the log, not to the client.
      this.#deps.log.warn(
        { err: failed.transport, provider: target.provider.name, model: target.name },
        'upstream failed',
      );
      throw this.#transportError(failed, target);
    }
    const delivery = this.#delivery(request, res, record, 0);
    exchange.sendUpstreamError(
      delivery,
      failed.clientStatus,
      failed.headers,
      failed.bytes,
      failed.upstreamStatus ?? failed.clientStatus,
    );
    this.#finish(
      record,
      request,
      failed.clientStatus,
      `upstream ${failed.upstreamStatus ?? failed.clientStatus}`,
    );
  }

  #transportError(failed: FailedAttempt, target: ModelTarget): GatewayError {
    const provider = target.provider.displayName;
    const error = failed.transport;
    if (error?.kind === 'timeout') {
      return new GatewayError(
        'upstream_timeout',
        `${provider} did not answer in time (${error.phase} timeout)`,
      );
    }
    return new GatewayError(
      'upstream_unreachable',
      `could not reach ${provider} (${error?.kind === 'reset' ? 'the connection was reset' : 'connection failed'})`,
    );
  }

  /** The x-switchyard-* headers, passed to writeHead in one object; overhead only when the answer is whole. */
  #gatewayHeaders(record: RequestRecord, whole: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      'x-switchyard-model': headerValue(record.model ?? ''),
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
    if (record.model !== null) res.setHeader('x-switchyard-model', headerValue(record.model));
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
