/**
 * Gemini carries every opaque signature in `thoughtSignature`, a bytes field: the Python SDK
 * decodes it and sends it back in URL-safe base64. Signatures this codec hands out come from
 * other backends (Anthropic's are standard base64), so they are read back in standard form.
 */
export function signatureFromClient(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/-/g, '+').replace(/_/g, '/');
}

/**
 * Anthropic's redacted thinking has no Gemini part. It travels as an empty thought whose
 * signature is this marker plus the data, in base64 so SDKs that decode the bytes keep it.
 */
const REDACTED = 'switchyard.redacted_thinking:';

export function redactedThinkingSignature(data: string): string {
  return Buffer.from(REDACTED + data, 'utf8').toString('base64');
}

/** The redacted-thinking data a signature carries, if it is one of ours. */
export function redactedThinkingData(signature: string): string | undefined {
  const text = Buffer.from(signature, 'base64').toString('utf8');
  return text.startsWith(REDACTED) ? text.slice(REDACTED.length) : undefined;
}
