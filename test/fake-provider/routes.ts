// Which provider API a request addresses. Paths match on their suffix so that any base-path
// prefix works (`/v1`, `/openai/v1`, `/api/v1`, `/inference/v1`, `/gateway/gemini/v1beta`, ...).

import type { Route, RouteKind } from './types.ts';

const GEMINI_METHOD =
  /\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
const AZURE = /\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings|responses)$/;

const GEMINI_KINDS: Record<string, RouteKind> = {
  generateContent: 'gemini.generate',
  streamGenerateContent: 'gemini.stream',
  countTokens: 'gemini.count_tokens',
  embedContent: 'gemini.embed',
  batchEmbedContents: 'gemini.batch_embed',
};

const OPENAI_KINDS: Record<string, RouteKind> = {
  'chat/completions': 'openai.chat',
  embeddings: 'openai.embeddings',
  responses: 'openai.responses',
};

function route(kind: RouteKind, flavor: Route['flavor'], pathModel?: string, altSse = false): Route {
  return { kind, flavor, pathModel, altSse };
}

export function matchRoute(
  method: string,
  rawPath: string,
  query: string,
  headers: Record<string, string>,
): Route | undefined {
  let path = rawPath;
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw path
    }
  }
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);

  if (method === 'GET') {
    if (!path.endsWith('/models')) return undefined;
    const gemini =
      path.includes('/v1beta/') || headers['x-goog-api-key'] !== undefined || /(^|&)key=/.test(query);
    if (gemini) return route('gemini.models', 'gemini');
    if (headers['anthropic-version'] !== undefined) return route('anthropic.models', 'anthropic');
    return route('openai.models', 'openai');
  }
  if (method !== 'POST') return undefined;

  const g = GEMINI_METHOD.exec(path);
  if (g) {
    const kind = GEMINI_KINDS[g[2]!]!;
    const altSse = kind === 'gemini.stream' && /(^|&)alt=sse(&|$)/.test(query);
    return route(kind, 'gemini', g[1], altSse);
  }
  if (path.endsWith('/v1/messages')) return route('anthropic.messages', 'anthropic');
  if (path.endsWith('/v1/messages/count_tokens')) return route('anthropic.count_tokens', 'anthropic');
  const a = AZURE.exec(path);
  if (a) return route(OPENAI_KINDS[a[2]!]!, 'azure', a[1]);
  if (path.endsWith('/chat/completions')) return route('openai.chat', 'openai');
  if (path.endsWith('/responses')) return route('openai.responses', 'openai');
  if (path.endsWith('/embeddings')) return route('openai.embeddings', 'openai');
  return undefined;
}
