import type { IncomingHttpHeaders } from 'node:http';
import type { Dialect } from '../providers/registry.ts';

function bearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1]?.trim() || undefined;
}

/** The provider key a client sent in the header its SDK uses, for secrets set to !PASSTHRU. */
export function clientProviderKey(
  dialect: Dialect,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): string | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  switch (dialect) {
    case 'anthropic':
      return header('x-api-key') ?? bearer(header('authorization'));
    case 'gemini':
      return header('x-goog-api-key') ?? query.get('key') ?? undefined;
    default:
      return bearer(header('authorization'));
  }
}

export const KEY_HEADER_BY_DIALECT: Readonly<Record<Dialect, string>> = {
  openai: 'Authorization: Bearer',
  anthropic: 'x-api-key',
  gemini: 'x-goog-api-key',
};
