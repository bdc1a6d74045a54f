import type { Logger } from 'pino';
import type { Vault } from '../secrets/vault.ts';
import type { Store } from '../store/store.ts';
import { buildSnapshot, type DecryptCache } from './build-snapshot.ts';
import type { ConfigSnapshot } from './config-snapshot.ts';

/**
 * Holds the current snapshot. The request path only ever reads `current`; refreshes read
 * the store off the request path and swap the reference in one assignment.
 */
export class SnapshotHolder {
  #current: ConfigSnapshot;
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #log: Logger;
  readonly #cache: DecryptCache;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #poller: NodeJS.Timeout | null = null;

  private constructor(store: Store, vault: Vault, log: Logger, first: ConfigSnapshot, cache: DecryptCache) {
    this.#store = store;
    this.#vault = vault;
    this.#log = log;
    this.#current = first;
    this.#cache = cache;
  }

  static async load(store: Store, vault: Vault, log: Logger): Promise<SnapshotHolder> {
    const cache: DecryptCache = new Map();
    const first = await SnapshotHolder.#build(store, vault, cache);
    const holder = new SnapshotHolder(store, vault, log, first, cache);
    holder.#report(first);
    return holder;
  }

  static async #build(store: Store, vault: Vault, cache: DecryptCache): Promise<ConfigSnapshot> {
    const rows = await store.read(async (r) => ({
      version: await store.configVersion(),
      secrets: await r.allSecrets(),
      models: await r.allModels(),
      endpoints: await r.allEndpoints(),
    }));
    return buildSnapshot(rows, vault, cache);
  }

  get current(): ConfigSnapshot {
    return this.#current;
  }

  /** Rebuilds from the store. Concurrent calls share one rebuild plus, if needed, one more after it. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          const next = await SnapshotHolder.#build(this.#store, this.#vault, this.#cache);
          this.#current = next;
          this.#report(next);
        } while (this.#again);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /** Rebuilds whenever the store's config version moves (changes made by other processes). */
  startPolling(intervalMs: number): void {
    this.#poller = setInterval(() => {
      this.#store
        .configVersion()
        .then((version) => (version !== this.#current.version ? this.refresh() : undefined))
        .catch((error: unknown) => this.#log.warn({ err: error }, 'config poll failed'));
    }, intervalMs);
    this.#poller.unref();
  }

  stopPolling(): void {
    if (this.#poller) clearInterval(this.#poller);
    this.#poller = null;
  }

  #report(snapshot: ConfigSnapshot): void {
    for (const problem of snapshot.problems) this.#log.error({ problem }, 'configuration problem');
    this.#log.debug(
      { version: snapshot.version, endpoints: snapshot.endpoints.size, models: snapshot.models.size },
      'config snapshot built',
    );
  }
}
