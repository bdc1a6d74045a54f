/**
 * Per-model health. A model failing `threshold` times in a row is skipped for `cooldownMs`,
 * then one request probes it (half-open): success closes the circuit, failure reopens it.
 * Behind an interface so shared state (Redis) can replace the in-process one.
 */
export interface CircuitBreaker {
  /** The model is not to be tried now: open, or half-open with its probe in flight. */
  isOpen(modelId: string): boolean;
  /** Whether a request may try this model now; claims the probe when half-open. */
  tryAcquire(modelId: string): boolean;
  succeeded(modelId: string): void;
  failed(modelId: string): void;
  /** The attempt ended without a verdict (the client left): frees a claimed probe. */
  release(modelId: string): void;
}

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}

interface Circuit {
  consecutiveFailures: number;
  openUntil: number;
  probing: boolean;
}

const MAX_CIRCUITS = 10_000;

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, cooldownMs: 30_000 };

export class InProcessCircuitBreaker implements CircuitBreaker {
  readonly #circuits = new Map<string, Circuit>();
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(options: BreakerOptions = DEFAULT_BREAKER) {
    this.#threshold = options.threshold;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  isOpen(modelId: string): boolean {
    const circuit = this.#circuits.get(modelId);
    if (!circuit || circuit.consecutiveFailures < this.#threshold) return false;
    return this.#now() < circuit.openUntil || circuit.probing;
  }

  tryAcquire(modelId: string): boolean {
    const circuit = this.#circuits.get(modelId);
    if (!circuit || circuit.consecutiveFailures < this.#threshold) return true;
    if (this.#now() < circuit.openUntil || circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  succeeded(modelId: string): void {
    this.#circuits.delete(modelId);
  }

  release(modelId: string): void {
    const circuit = this.#circuits.get(modelId);
    if (circuit) circuit.probing = false;
  }

  failed(modelId: string): void {
    let circuit = this.#circuits.get(modelId);
    if (!circuit) {
      // Direct `provider:model` names are client-chosen: the map must not grow without end.
      if (this.#circuits.size >= MAX_CIRCUITS) {
        const oldest = this.#circuits.keys().next().value;
        if (oldest !== undefined) this.#circuits.delete(oldest);
      }
      circuit = { consecutiveFailures: 0, openUntil: 0, probing: false };
      this.#circuits.set(modelId, circuit);
    }
    circuit.consecutiveFailures++;
    circuit.probing = false;
    if (circuit.consecutiveFailures >= this.#threshold) circuit.openUntil = this.#now() + this.#cooldownMs;
  }
}
