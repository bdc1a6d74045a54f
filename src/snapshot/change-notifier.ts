/**
 * How a process learns that the configuration changed. In one process the catalog tells
 * the snapshot directly; a fan-out implementation (Redis pub/sub) plugs in here so every
 * replica refreshes within a second. Polling the store's config version is the backstop.
 */
export interface ConfigChangeNotifier {
  publish(version: number): Promise<void>;
  subscribe(listener: (version: number) => void): () => void;
  close(): Promise<void>;
}

export class InProcessChangeNotifier implements ConfigChangeNotifier {
  readonly #listeners = new Set<(version: number) => void>();

  async publish(version: number): Promise<void> {
    for (const listener of this.#listeners) listener(version);
  }

  subscribe(listener: (version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
