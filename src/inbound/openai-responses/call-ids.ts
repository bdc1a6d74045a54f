import { toolCallIdForClient } from '../../canonical/tool-call-id.ts';
import { fallbackCallId } from './response-object.ts';

/**
 * Client call ids for one answer. The SDK's stream accumulator refuses two function calls with
 * the same `call_id`, and a client could not match results to them either, so a missing or
 * repeated backend id gets a fresh one.
 */
export class CallIds {
  readonly #base: string;
  readonly #used = new Set<string>();

  constructor(base: string) {
    this.#base = base;
  }

  take(id: string, signature: string | undefined, outputIndex: number): string {
    const unique = id !== '' && !this.#used.has(id) ? id : fallbackCallId(this.#base, outputIndex);
    this.#used.add(unique);
    return toolCallIdForClient(unique, signature);
  }
}
