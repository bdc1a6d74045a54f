import { TransportError, toTransportError } from './errors.ts';

/**
 * The abort plumbing of one upstream exchange: the total deadline, the caller's signal
 * (client went away) and an explicit abort all abort one controller that undici watches.
 * `finish` releases the timer and the listener; it runs once the exchange is over.
 */
export class ExchangeControl {
  readonly #controller = new AbortController();
  readonly #external: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(external: AbortSignal | undefined, totalMs: number) {
    this.#timer = totalMs > 0 ? setTimeout(this.#onDeadline, totalMs) : undefined;
    this.#external = external;
    external?.addEventListener('abort', this.#onExternalAbort);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  abort(reason: TransportError): void {
    if (this.#done) return;
    this.#controller.abort(reason);
    this.finish();
  }

  finish(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#external?.removeEventListener('abort', this.#onExternalAbort);
  }

  /** What to throw for an error undici raised: our abort reason wins over its symptom. */
  errorFor(err: unknown): unknown {
    const signal = this.#controller.signal;
    if (signal.aborted) return signal.reason;
    return toTransportError(err) ?? err;
  }

  readonly #onDeadline = (): void => {
    this.abort(new TransportError('timeout', 'upstream total timeout', { phase: 'total' }));
  };

  readonly #onExternalAbort = (): void => {
    this.abort(callerAborted());
  };
}

export function callerAborted(): TransportError {
  return new TransportError('aborted', 'upstream request aborted by the caller');
}
