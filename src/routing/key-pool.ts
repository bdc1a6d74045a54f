/**
 * Chooses which of a secret's keys a request uses: round-robin over the keys not set aside.
 * A key answered with 401, 403 or 429 is set aside for a cooldown (429: at least its
 * retry-after). When every key is set aside, the one free soonest is used.
 */
export interface KeyPool {
  pick(secretId: string, keys: readonly string[]): string | undefined;
  setAside(secretId: string, key: string, forMs: number): void;
  /** Whether another key of this secret is usable now. */
  hasAlternative(secretId: string, keys: readonly string[], key: string): boolean;
}

export const KEY_COOLDOWN_MS = 60_000;

export class InProcessKeyPool implements KeyPool {
  readonly #next = new Map<string, number>();
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  pick(secretId: string, keys: readonly string[]): string | undefined {
    if (keys.length <= 1) return keys[0];
    const start = this.#next.get(secretId) ?? 0;
    const now = this.#now();
    let soonest: string | undefined;
    let soonestAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < keys.length; i++) {
      const index = (start + i) % keys.length;
      const key = keys[index] as string;
      const until = this.#until.get(this.#slot(secretId, key)) ?? 0;
      if (until <= now) {
        this.#next.set(secretId, index + 1);
        return key;
      }
      if (until < soonestAt) {
        soonestAt = until;
        soonest = key;
      }
    }
    return soonest;
  }

  setAside(secretId: string, key: string, forMs: number): void {
    this.#until.set(this.#slot(secretId, key), this.#now() + forMs);
  }

  hasAlternative(secretId: string, keys: readonly string[], key: string): boolean {
    const now = this.#now();
    return keys.some((k) => k !== key && (this.#until.get(this.#slot(secretId, k)) ?? 0) <= now);
  }

  #slot(secretId: string, key: string): string {
    return `${secretId}\u0000${key}`;
  }
}
