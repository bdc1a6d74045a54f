import type { UpstreamFailure } from '../canonical/response.ts';
import { codeForStatus, GatewayError } from '../core/errors.ts';
import type { Dialect } from '../providers/registry.ts';

/**
 * A translated provider's failure as the gateway error the client's dialect renders. The
 * status is the provider's, except that Anthropic clients see 502/503 as 529 (overloaded),
 * which is what their SDKs and Claude Code retry on. A context-length error reads the way
 * Claude Code's auto-compaction recognises.
 */
export function failureAsGatewayError(
  failure: UpstreamFailure,
  dialect: Dialect,
  headers: Record<string, string> = {},
): GatewayError {
  let status = failure.status;
  if (dialect === 'anthropic' && (status === 502 || status === 503)) status = 529;
  let message = failure.message;
  if (failure.contextLength) {
    const { promptTokens, maxTokens } = failure.contextLength;
    if (dialect === 'anthropic' && promptTokens !== undefined && maxTokens !== undefined) {
      message = `prompt is too long: ${promptTokens} tokens > ${maxTokens} maximum`;
    } else if (dialect === 'anthropic') {
      message = `prompt is too long: ${failure.message}`;
    }
    status = 400;
  }
  return new GatewayError(codeForStatus(status), message, { status, headers });
}
