import type { SnapshotHolder } from '../snapshot/snapshot-holder.ts';
import type { Store } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { sendJson, sendText } from './reply.ts';
import type { Router } from './router.ts';

const READY_CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export function registerHealthRoutes(
  router: Router,
  deps: { store: Store; snapshots: SnapshotHolder; metrics: Metrics; extraChecks?: ReadinessCheck[] },
): void {
  router.on('GET', '/healthz', (ctx) => sendJson(ctx.res, 200, { status: 'ok' }));

  router.on('GET', '/readyz', async (ctx) => {
    const checks: ReadinessCheck[] = [
      { name: 'store', check: () => deps.store.ping() },
      ...(deps.extraChecks ?? []),
    ];
    const results: Record<string, string> = {};
    let ready = true;
    for (const { name, check } of checks) {
      try {
        await withTimeout(check(), READY_CHECK_TIMEOUT_MS, name);
        results[name] = 'ok';
      } catch (error) {
        ready = false;
        results[name] = (error as Error).message;
      }
    }
    sendJson(ctx.res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: results });
  });

  router.on('GET', '/metrics', (ctx) => {
    const snapshot = deps.snapshots.current;
    sendText(
      ctx.res,
      200,
      deps.metrics.render({
        switchyard_config_version: snapshot.version,
        switchyard_endpoints: snapshot.endpoints.size,
        switchyard_models: snapshot.models.size,
      }),
      'text/plain; version=0.0.4; charset=utf-8',
    );
  });
}
