import { buildApp } from './app.ts';
import { loadSettings } from './config/settings.ts';
import { listen } from './http/server.ts';
import { createLogger } from './logging/logger.ts';
import { openRuntime } from './runtime.ts';

/** `switchyard serve`: parse the environment, open the store, listen, drain on SIGTERM. */
export async function serve(): Promise<void> {
  const settings = loadSettings();
  const log = createLogger(settings.logLevel);
  const { store, vault } = await openRuntime(settings, log);
  const app = await buildApp({ settings, store, vault, log });
  const running = await listen(app, settings.host, settings.port, log);
  log.info(
    { url: running.url, store: store.kind, endpoints: app.snapshots.current.endpoints.size },
    'switchyard listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const { drained } = await running.shutdown(settings.shutdownGraceMs);
    await app.close();
    await store.close();
    log.info({ drained }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.main) {
  serve().catch((error: unknown) => {
    console.error(`switchyard: ${(error as Error).message}`);
    process.exit(1);
  });
}
