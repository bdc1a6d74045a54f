import type { Handler } from './http-types.ts';

interface PatternRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
}

/**
 * Exact paths are one map lookup; patterns (`/api/v1/secrets/{ref}`) are tried in the order
 * they were added. A `{name}` segment matches one path segment.
 */
export class Router {
  readonly #exact = new Map<string, Handler>();
  readonly #patterns: PatternRoute[] = [];
  readonly #knownPaths = new Set<string>();

  on(method: string, path: string, handler: Handler): this {
    if (!path.includes('{')) {
      this.#exact.set(`${method} ${path}`, handler);
      this.#knownPaths.add(path);
      return this;
    }
    const names: string[] = [];
    const source = path
      .split(/(\{[a-z_]+\})/)
      .map((part) => {
        const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
        if (name) {
          names.push(name);
          return '([^/]+)';
        }
        return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      })
      .join('');
    this.#patterns.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch | 'method_not_allowed' | null {
    const exact = this.#exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {} };
    let pathMatched = this.#knownPaths.has(path);
    for (const route of this.#patterns) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]!);
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method_not_allowed' : null;
  }
}
