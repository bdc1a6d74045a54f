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

/** The path exists but not for this method: the methods it does take, for `Allow`. */
export interface MethodNotAllowed {
  allowed: string[];
}

/**
 * Exact paths are one map lookup; patterns (`/api/v1/secrets/{ref}`) are tried in the order
 * they were added. A `{name}` segment matches one path segment.
 */
export class Router {
  readonly #exact = new Map<string, Handler>();
  readonly #patterns: PatternRoute[] = [];
  readonly #exactMethods = new Map<string, string[]>();

  on(method: string, path: string, handler: Handler): this {
    if (!path.includes('{')) {
      this.#exact.set(`${method} ${path}`, handler);
      this.#exactMethods.set(path, [...(this.#exactMethods.get(path) ?? []), method]);
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

  /** Null when nothing matches; a path segment with broken percent-encoding matches nothing. */
  match(method: string, path: string): RouteMatch | MethodNotAllowed | null {
    const exact = this.#exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {} };
    const allowed = [...(this.#exactMethods.get(path) ?? [])];
    for (const route of this.#patterns) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [i, name] of route.names.entries()) {
        try {
          params[name] = decodeURIComponent(found[i + 1]!);
        } catch {
          return null;
        }
      }
      return { handler: route.handler, params };
    }
    return allowed.length > 0 ? { allowed } : null;
  }
}
