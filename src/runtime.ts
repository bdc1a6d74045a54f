import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { loadVault } from './secrets/master-key.ts';
import type { Vault } from './secrets/vault.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

/** What both the server and the CLI need: the store (migrated) and the vault. */
export async function openRuntime(settings: Settings, log: Logger): Promise<{ store: Store; vault: Vault }> {
  const vault = loadVault(settings, (message) => log.warn(message));
  const store = await openStore(settings.databaseUrl);
  try {
    const applied = await store.migrate();
    if (applied.length > 0) log.info({ versions: applied, store: store.kind }, 'applied migrations');
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return { store, vault };
}
