import type { Operation } from '../core/operation.ts';
import type { StreamTap } from '../core/stream-tap.ts';
import type { Usage } from '../core/usage.ts';
import type { ModelTarget } from '../snapshot/config-snapshot.ts';

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
}

export interface UpstreamCallInput {
  operation: Operation;
  target: ModelTarget;
  stream: boolean;
  /** The key to present upstream: the secret's, or the client's own under !PASSTHRU. */
  apiKey: string | undefined;
  /** Protocol headers the client sent that this provider understands (already filtered). */
  protocolHeaders: Readonly<Record<string, string>>;
  /** The client's query string (Gemini's `alt`, say); credentials are never in it. */
  query: URLSearchParams;
  /** The API version segment of the client's path, where the dialect has one (`v1beta`). */
  apiVersion: string | undefined;
}

/** What passthrough does to the client's `model` field. */
export type BodyModel = 'replace' | 'remove' | 'keep';

/**
 * Everything a provider's wire format needs for same-dialect passthrough. One per provider
 * family; OpenAI-compatible providers share the OpenAI adapter at their own base URL.
 */
export interface ProviderAdapter {
  /** Operations this provider serves natively. */
  supports(operation: Operation): boolean;
  bodyModel(operation: Operation): BodyModel;
  /** Client headers that pass through to this provider (lowercase). */
  readonly protocolHeaders: readonly string[];
  upstream(input: UpstreamCallInput): UpstreamCall;
  usageFromBody(operation: Operation, body: Uint8Array): Usage | null;
  streamTap(operation: Operation, options: { undoInjectedUsage: boolean }): StreamTap;
}
