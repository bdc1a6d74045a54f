import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.ts';
import { allProviders } from '../../providers/registry.ts';
import type { Catalog } from '../../resources/catalog.ts';
import type { PageQuery } from '../../resources/pagination.ts';
import { readJson } from '../body.ts';
import type { Handler, RequestContext } from '../http-types.ts';
import { sendJson } from '../reply.ts';
import type { Router } from '../router.ts';

const ADMIN_BODY_LIMIT = 1024 * 1024;

/** A browser can send text/plain across origins without asking; JSON it cannot. */
function readAdminJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new GatewayError('invalid_request', "the body must be sent with 'content-type: application/json'");
  }
  return readJson(req, ADMIN_BODY_LIMIT);
}

interface ResourceOperations {
  list(query: PageQuery): Promise<unknown>;
  get(ref: string): Promise<unknown>;
  create(body: unknown): Promise<unknown>;
  update(ref: string, body: unknown): Promise<unknown>;
  remove(ref: string): Promise<void>;
}

function pageQuery(ctx: RequestContext): PageQuery {
  return { limit: ctx.query.get('limit'), cursor: ctx.query.get('cursor') };
}

function registerResource(
  router: Router,
  path: string,
  ops: ResourceOperations,
  guarded: (handler: Handler) => Handler,
): void {
  router
    .on(
      'GET',
      path,
      guarded(async (ctx) => sendJson(ctx.res, 200, await ops.list(pageQuery(ctx)))),
    )
    .on(
      'POST',
      path,
      guarded(async (ctx) => sendJson(ctx.res, 201, await ops.create(await readAdminJson(ctx.req)))),
    )
    .on(
      'GET',
      `${path}/{ref}`,
      guarded(async (ctx) => sendJson(ctx.res, 200, await ops.get(ctx.params['ref']!))),
    )
    .on(
      'PATCH',
      `${path}/{ref}`,
      guarded(async (ctx) =>
        sendJson(ctx.res, 200, await ops.update(ctx.params['ref']!, await readAdminJson(ctx.req))),
      ),
    )
    .on(
      'DELETE',
      `${path}/{ref}`,
      guarded(async (ctx) => {
        await ops.remove(ctx.params['ref']!);
        ctx.res.writeHead(204).end();
      }),
    );
}

export function registerAdminRoutes(
  router: Router,
  catalog: Catalog,
  guard: (req: IncomingMessage) => void,
): void {
  const guarded =
    (handler: Handler): Handler =>
    (ctx) => {
      guard(ctx.req);
      return handler(ctx);
    };

  registerResource(
    router,
    '/api/v1/secrets',
    {
      list: (q) => catalog.listSecrets(q),
      get: (ref) => catalog.getSecret(ref),
      create: (body) => catalog.createSecret(body),
      update: (ref, body) => catalog.updateSecret(ref, body),
      remove: (ref) => catalog.deleteSecret(ref),
    },
    guarded,
  );
  registerResource(
    router,
    '/api/v1/models',
    {
      list: (q) => catalog.listModels(q),
      get: (ref) => catalog.getModel(ref),
      create: (body) => catalog.createModel(body),
      update: (ref, body) => catalog.updateModel(ref, body),
      remove: (ref) => catalog.deleteModel(ref),
    },
    guarded,
  );
  registerResource(
    router,
    '/api/v1/endpoints',
    {
      list: (q) => catalog.listEndpoints(q),
      get: (ref) => catalog.getEndpoint(ref),
      create: (body) => catalog.createEndpoint(body),
      update: (ref, body) => catalog.updateEndpoint(ref, body),
      remove: (ref) => catalog.deleteEndpoint(ref),
    },
    guarded,
  );

  router.on(
    'GET',
    '/api/v1/providers',
    guarded((ctx) =>
      sendJson(ctx.res, 200, {
        data: allProviders().map((p) => ({
          name: p.name,
          display_name: p.displayName,
          dialect: p.dialect,
          default_api_base: p.defaultApiBase,
          native_responses: p.nativeResponses,
          credential_fields: [
            { name: 'api_key', required: p.apiKeyRequired, description: 'Provider API key, or !PASSTHRU' },
          ],
          config_fields: p.authConfig,
        })),
        next_cursor: null,
      }),
    ),
  );
}
