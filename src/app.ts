import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { isProviderAllowed } from './config/settings.ts';
import { adminErrorBody, GatewayError } from './core/errors.ts';
import { newRequestId } from './core/ids.ts';
import { adminGuard } from './http/admin/admin-auth.ts';
import { registerAdminRoutes } from './http/admin/admin-routes.ts';
import { dialectForPath, registerDataRoutes, sendDataError } from './http/data-routes.ts';
import { registerHealthRoutes } from './http/health-routes.ts';
import type { RequestContext } from './http/http-types.ts';
import { Metrics } from './http/metrics.ts';
import { sendJson } from './http/reply.ts';
import { Router } from './http/router.ts';
import { pingRedis } from './observability/redis-ping.ts';
import { DataPlane } from './pipeline/data-plane.ts';
import { MemoryRecordSink, type RequestRecordSink } from './pipeline/request-record.ts';
import { translationFor } from './pipeline/translated-exchange.ts';
import { Catalog } from './resources/catalog.ts';
import type { CircuitBreaker } from './routing/circuit-breaker.ts';
import type { RandomSource } from './routing/targets.ts';
import type { Vault } from './secrets/vault.ts';
import { type ConfigChangeNotifier, InProcessChangeNotifier } from './snapshot/change-notifier.ts';
import { SnapshotHolder } from './snapshot/snapshot-holder.ts';
import type { Store } from './store/store.ts';

export interface AppDeps {
  settings: Settings;
  store: Store;
  vault: Vault;
  log: Logger;
  notifier?: ConfigChangeNotifier;
  /** Where each data-plane request's record goes (usage, attempts, timings). */
  sink?: RequestRecordSink;
  /** Upstream silence before a stream keepalive (tests shorten it). */
  keepaliveMs?: number;
  /** Routing's random source and circuit breaker (tests make them exact). */
  random?: RandomSource;
  breaker?: CircuitBreaker;
}

export interface App {
  handle(req: IncomingMessage, res: ServerResponse): void;
  catalog: Catalog;
  snapshots: SnapshotHolder;
  sink: RequestRecordSink;
  close(): Promise<void>;
}

/** Shared by every request without a query string; nothing writes to it. */
const NO_QUERY = new URLSearchParams();
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const CONFIG_POLL_MS = 1000;

function routeGroup(path: string): string {
  if (path.startsWith('/api/')) return 'admin';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'health';
  if (path.startsWith('/v1') || path.startsWith('/gateway/')) return 'data';
  return 'other';
}

/** Builds the gateway with no import-time side effects; `main.ts` gives it a socket. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { settings, store, vault, log } = deps;
  const notifier = deps.notifier ?? new InProcessChangeNotifier();
  const snapshots = await SnapshotHolder.load(store, vault, log);
  const unsubscribe = notifier.subscribe((version) => {
    if (version !== snapshots.current.version) {
      snapshots.refresh().catch((error: unknown) => log.error({ err: error }, 'config refresh failed'));
    }
  });
  snapshots.startPolling(CONFIG_POLL_MS);

  const catalog = new Catalog({
    store,
    vault,
    isProviderAllowed: (provider) => isProviderAllowed(settings, provider),
    onChange: async () => {
      await snapshots.refresh();
      await notifier.publish(snapshots.current.version);
    },
  });

  const metrics = new Metrics();
  const router = new Router();
  const redisUrl = settings.redisUrl;
  registerHealthRoutes(router, {
    store,
    snapshots,
    metrics,
    extraChecks: redisUrl === null ? [] : [{ name: 'redis', check: () => pingRedis(redisUrl) }],
  });
  registerAdminRoutes(router, catalog, adminGuard(settings.adminToken));
  const sink = deps.sink ?? new MemoryRecordSink();
  const dataPlane = new DataPlane({
    settings,
    snapshots,
    sink,
    log,
    ...(deps.keepaliveMs === undefined ? {} : { keepaliveMs: deps.keepaliveMs }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    ...(deps.breaker === undefined ? {} : { breaker: deps.breaker }),
    translation: translationFor,
  });
  registerDataRoutes(router, { settings, dataPlane, snapshots, log });

  function fail(ctx: RequestContext, error: unknown): void {
    const dialect = dialectForPath(ctx.path);
    if (dialect) {
      sendDataError(ctx, dialect, error, log);
      return;
    }
    const gatewayError =
      error instanceof GatewayError
        ? error
        : new GatewayError('internal', `internal error (request ${ctx.requestId})`);
    if (!(error instanceof GatewayError))
      ctx.log.error({ err: error, req_id: ctx.requestId }, 'unhandled error');
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    sendJson(ctx.res, gatewayError.status, adminErrorBody(gatewayError), gatewayError.headers);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const incomingId = req.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && REQUEST_ID_PATTERN.test(incomingId) ? incomingId : newRequestId();
    res.setHeader('x-request-id', requestId);
    const ctx: RequestContext = {
      req,
      res,
      requestId,
      path,
      query: queryAt === -1 ? NO_QUERY : new URLSearchParams(url.slice(queryAt + 1)),
      params: {},
      log,
      startedAt,
    };
    res.once('close', () => {
      const group = routeGroup(path);
      metrics.countRequest(group, res.statusCode);
      if (group !== 'health' && log.isLevelEnabled('info')) {
        log.info(
          {
            req_id: requestId,
            method: req.method,
            path,
            status: res.statusCode,
            duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
          },
          'request',
        );
      }
    });

    const match = router.match(req.method ?? 'GET', path);
    if (match === null) {
      fail(ctx, new GatewayError('not_found', `no route for ${req.method} ${path}`));
      return;
    }
    if ('allowed' in match) {
      const allow = match.allowed.join(', ');
      fail(
        ctx,
        new GatewayError(
          'method_not_allowed',
          `method ${req.method} is not allowed on ${path} (allowed: ${allow})`,
          {
            headers: { allow },
          },
        ),
      );
      return;
    }
    ctx.params = match.params;
    try {
      const result = match.handler(ctx);
      if (result instanceof Promise) result.catch((error: unknown) => fail(ctx, error));
    } catch (error) {
      fail(ctx, error);
    }
  }

  return {
    handle,
    catalog,
    snapshots,
    sink,
    async close() {
      snapshots.stopPolling();
      unsubscribe();
      await notifier.close();
    },
  };
}
