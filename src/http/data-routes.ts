import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import { GatewayError } from '../core/errors.ts';
import { findMember } from '../core/json-scan.ts';
import { OPERATION_DIALECT, type Operation } from '../core/operation.ts';
import { errorBody } from '../inbound/error-format.ts';
import { type RequestShape, readRequestShape, requireModel } from '../inbound/request-shape.ts';
import type { DataPlane } from '../pipeline/data-plane.ts';
import type { Dialect } from '../providers/registry.ts';
import type { SnapshotHolder } from '../snapshot/snapshot-holder.ts';
import { readBody } from './body.ts';
import { headerValue } from './header-value.ts';
import type { Handler, RequestContext } from './http-types.ts';
import { sendJson } from './reply.ts';
import type { Router } from './router.ts';

export interface DataRouteDeps {
  settings: Settings;
  dataPlane: DataPlane;
  snapshots: SnapshotHolder;
  log: Logger;
}

const ROUTES: readonly [string, Operation][] = [
  ['/v1/chat/completions', 'chat'],
  ['/gateway/openai/v1/chat/completions', 'chat'],
  ['/gateway/mlflow/v1/chat/completions', 'chat'],
  ['/v1/responses', 'responses'],
  ['/gateway/openai/v1/responses', 'responses'],
  ['/v1/embeddings', 'embeddings'],
  ['/gateway/openai/v1/embeddings', 'embeddings'],
  ['/gateway/mlflow/v1/embeddings', 'embeddings'],
  ['/v1/messages', 'messages'],
  ['/gateway/anthropic/v1/messages', 'messages'],
  ['/v1/messages/count_tokens', 'count_tokens'],
  ['/gateway/anthropic/v1/messages/count_tokens', 'count_tokens'],
];

const GEMINI_PREFIXES: readonly [string, string][] = [
  ['/v1beta/models/{target}', 'v1beta'],
  ['/v1/models/{target}', 'v1'],
  ['/gateway/gemini/v1beta/models/{target}', 'v1beta'],
  ['/gateway/gemini/v1/models/{target}', 'v1'],
];

/** The dialect a path belongs to, for errors raised before a route is known. */
export function dialectForPath(path: string): Dialect | null {
  if (path.startsWith('/v1/messages') || path.startsWith('/gateway/anthropic/')) return 'anthropic';
  if (
    path.startsWith('/v1beta/') ||
    path.startsWith('/gateway/gemini/') ||
    /^\/v1\/models\/[^/]+:/.test(path)
  ) {
    return 'gemini';
  }
  if (path.startsWith('/v1/') || path.startsWith('/gateway/')) return 'openai';
  return null;
}

export function sendDataError(ctx: RequestContext, dialect: Dialect, error: unknown, log: Logger): void {
  const failure =
    error instanceof GatewayError
      ? error
      : new GatewayError('internal', `internal error (request ${ctx.requestId})`);
  if (!(error instanceof GatewayError))
    log.error({ err: error, req_id: ctx.requestId }, 'unhandled data-plane error');
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  const res = ctx.res;
  const duration = (performance.now() - ctx.startedAt).toFixed(1);
  if (!res.hasHeader('x-switchyard-attempts')) res.setHeader('x-switchyard-attempts', '0');
  // Before any upstream call the whole duration is the gateway's own; after one, the
  // pipeline has already set the overhead from its record.
  if (!res.hasHeader('x-switchyard-overhead-ms')) res.setHeader('x-switchyard-overhead-ms', duration);
  res.setHeader('x-switchyard-duration-ms', duration);
  const headers: Record<string, string> = { ...failure.headers };
  // Stop reading a body we refused for its size instead of draining it.
  if (failure.code === 'payload_too_large') headers['connection'] = 'close';
  sendJson(res, failure.status, errorBody(dialect, failure, ctx.requestId), headers);
}

/** An MLflow invocation is chat when it has `messages`, embeddings when it has `input`. */
function invocationOperation(shape: RequestShape): Operation {
  const hasMessages = findMember(shape.members, 'messages') !== undefined;
  const hasInput = findMember(shape.members, 'input') !== undefined;
  if (hasMessages === hasInput) {
    throw new GatewayError(
      'invalid_request',
      "an invocation needs either 'messages' (chat) or 'input' (embeddings), not both or neither",
    );
  }
  return hasMessages ? 'chat' : 'embeddings';
}

export function registerDataRoutes(router: Router, deps: DataRouteDeps): void {
  const { settings, dataPlane, log } = deps;

  /** Reads the body, then hands the request on; the operation may depend on the body (MLflow). */
  const forward = async (
    ctx: RequestContext,
    operation: Operation | ((shape: RequestShape) => Operation),
    endpoint: (shape: RequestShape) => string,
    extra: { apiVersion?: string; stream?: boolean } = {},
  ) => {
    const body = await readBody(ctx.req, settings.maxBodyBytes);
    const shape = readRequestShape(body);
    await dataPlane.forward(
      {
        operation: typeof operation === 'function' ? operation(shape) : operation,
        requestId: ctx.requestId,
        startedAt: ctx.startedAt,
        headers: ctx.req.headers,
        query: ctx.query,
        body,
        shape,
        endpointName: endpoint(shape),
        stream: extra.stream ?? shape.stream,
        ...(extra.apiVersion === undefined ? {} : { apiVersion: extra.apiVersion }),
      },
      ctx.res,
    );
  };

  const guarded =
    (dialect: Dialect, handler: Handler): Handler =>
    async (ctx) => {
      try {
        await handler(ctx);
      } catch (error) {
        sendDataError(ctx, dialect, error, log);
      }
    };

  for (const [path, operation] of ROUTES) {
    router.on(
      'POST',
      path,
      guarded(OPERATION_DIALECT[operation], (ctx) => forward(ctx, operation, requireModel)),
    );
  }

  for (const [pattern, apiVersion] of GEMINI_PREFIXES) {
    router.on(
      'POST',
      pattern,
      guarded('gemini', async (ctx) => {
        const target = ctx.params['target']!;
        const colon = target.lastIndexOf(':');
        const method = colon === -1 ? '' : target.slice(colon + 1);
        const endpoint = colon === -1 ? target : target.slice(0, colon);
        if (method !== 'generateContent' && method !== 'streamGenerateContent') {
          throw new GatewayError(
            'not_found',
            `method '${method || target}' is not served; use generateContent or streamGenerateContent`,
          );
        }
        ctx.res.setHeader('x-switchyard-endpoint', headerValue(endpoint));
        const operation: Operation = method === 'streamGenerateContent' ? 'stream_generate' : 'generate';
        await forward(ctx, operation, () => endpoint, {
          apiVersion,
          stream: operation === 'stream_generate',
        });
      }),
    );
  }

  router.on(
    'POST',
    '/gateway/{endpoint}/mlflow/invocations',
    guarded('openai', async (ctx) => {
      const endpoint = ctx.params['endpoint']!;
      ctx.res.setHeader('x-switchyard-endpoint', headerValue(endpoint));
      // The body has no `model`: passthrough adds the model's name as it does for any such body.
      await forward(ctx, invocationOperation, () => endpoint);
    }),
  );

  router.on(
    'GET',
    '/v1/models',
    guarded('openai', (ctx) => {
      const endpoints = [...deps.snapshots.current.endpoints.values()];
      const duration = (performance.now() - ctx.startedAt).toFixed(1);
      ctx.res.setHeader('x-switchyard-attempts', '0');
      ctx.res.setHeader('x-switchyard-duration-ms', duration);
      ctx.res.setHeader('x-switchyard-overhead-ms', duration);
      if (typeof ctx.req.headers['anthropic-version'] === 'string') {
        const data = endpoints.map((e) => ({
          type: 'model',
          id: e.name,
          display_name: e.name,
          created_at: e.createdAt,
        }));
        sendJson(ctx.res, 200, {
          data,
          has_more: false,
          first_id: data[0]?.id ?? null,
          last_id: data[data.length - 1]?.id ?? null,
        });
        return;
      }
      sendJson(ctx.res, 200, {
        object: 'list',
        data: endpoints.map((e) => ({
          id: e.name,
          object: 'model',
          created: Math.floor(Date.parse(e.createdAt) / 1000),
          owned_by: 'switchyard',
        })),
      });
    }),
  );
}
