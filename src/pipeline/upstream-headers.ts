const RELAYED = new Set([
  'retry-after',
  'retry-after-ms',
  'request-id',
  'openai-processing-ms',
  'openai-version',
]);

/**
 * Provider response headers a client may rely on: retry hints, rate limits, the provider's
 * request id. Not the rest: `openai-organization`, for one, would show every client the
 * operator's organization.
 */
export function relayedHeaders(upstream: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in upstream) {
    if (RELAYED.has(name) || name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) {
      out[name] = upstream[name]!;
    }
  }
  if (upstream['x-request-id']) out['x-upstream-request-id'] = upstream['x-request-id'];
  return out;
}

/** A short, tag-free excerpt of a non-JSON error body, for the client's error message. */
export function bodyExcerpt(text: string): string {
  // Cut before the regexes: an error page can be megabytes of anything.
  const plain = text
    .slice(0, 4096)
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}...` : plain;
}

/** Why a provider's body could not be used: it was not JSON (an HTML page from a proxy, say). */
export function notJsonMessage(
  providerName: string,
  upstreamStatus: number,
  upstreamHeaders: Readonly<Record<string, string>>,
  bytes: Uint8Array,
): string {
  const contentType = upstreamHeaders['content-type'] || 'no content type';
  return `${providerName} answered ${upstreamStatus} with ${contentType}, not JSON: ${bodyExcerpt(Buffer.from(bytes).toString('utf8'))}`;
}
