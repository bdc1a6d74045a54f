// The fake provider: a node:http server on 127.0.0.1 that speaks the OpenAI, Azure OpenAI,
// Anthropic and Gemini wire formats, records every request and replies as scripted.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULTS_CONFIG, DefaultReplies, mergeConfig } from './defaults.ts';
import type { ResponseControl } from './respond.ts';
import { prepare, resetConnection, resolveReply, sleep, writeReply } from './respond.ts';
import { matchRoute } from './routes.ts';
import type {
  DefaultsConfig,
  FakeProvider,
  FakeProviderOptions,
  Matcher,
  RecordedRequest,
  Reply,
  Route,
} from './types.ts';

interface Queued {
  reply: Reply;
  match: Matcher | undefined;
}

const BUILTIN: Reply = { kind: 'default' };

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const h = req.headers;
  for (const key in h) {
    const v = h[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function matches(m: Matcher | undefined, req: RecordedRequest, route: Route | undefined): boolean {
  if (m === undefined) return true;
  if (typeof m === 'string') return req.path.endsWith(m) || req.url === m;
  if (m instanceof RegExp) return m.test(req.url);
  return m(req, route);
}

class FakeProviderServer implements FakeProvider {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #startConfig: DefaultsConfig;
  readonly #defaults: DefaultReplies;
  readonly #record: boolean;
  readonly #queue: Queued[] = [];
  readonly #watchers = new Set<() => void>();
  #default: Reply = BUILTIN;
  #url = '';
  #port = 0;
  #requestCount = 0;
  #aborted = 0;
  #inFlight = 0;
  #closing = false;

  constructor(options: FakeProviderOptions) {
    this.#startConfig = mergeConfig(DEFAULTS_CONFIG, options);
    this.#defaults = new DefaultReplies(this.#startConfig);
    this.#record = options.record ?? true;
    this.#server = createServer({ requestTimeout: 0, noDelay: true, keepAliveTimeout: 10_000 }, (req, res) =>
      this.#onRequest(req, res),
    );
  }

  get url(): string {
    return this.#url;
  }
  get port(): number {
    return this.#port;
  }
  get requestCount(): number {
    return this.#requestCount;
  }
  get abortedStreams(): number {
    return this.#aborted;
  }
  get inFlight(): number {
    return this.#inFlight;
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const addr = this.#server.address() as AddressInfo;
        this.#port = addr.port;
        this.#url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
        resolve();
      });
    });
  }

  lastRequest(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  clear(): void {
    this.requests.length = 0;
    this.#requestCount = 0;
    this.#aborted = 0;
  }

  reset(): void {
    this.clear();
    this.#queue.length = 0;
    this.#default = BUILTIN;
    this.#defaults.configure(this.#startConfig);
  }

  enqueue(reply: Reply, match?: Matcher): void {
    this.#queue.push({ reply, match });
  }

  pendingReplies(): number {
    return this.#queue.length;
  }

  setDefault(reply: Reply | undefined): void {
    this.#default = reply ?? BUILTIN;
  }

  configure(config: Partial<DefaultsConfig>): void {
    this.#defaults.configure(config);
  }

  waitForAborts(count = 1, timeoutMs = 5000): Promise<void> {
    return this.#waitFor(
      () => this.#aborted >= count,
      timeoutMs,
      () => `${count} aborted stream(s), saw ${this.#aborted}`,
    );
  }

  waitForRequests(count: number, timeoutMs = 5000): Promise<void> {
    return this.#waitFor(
      () => this.#requestCount >= count,
      timeoutMs,
      () => `${count} request(s), saw ${this.#requestCount}`,
    );
  }

  close(): Promise<void> {
    this.#closing = true;
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #waitFor(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        this.#watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#watchers.delete(check);
        reject(new Error(`fake provider: timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      this.#watchers.add(check);
    });
  }

  #notify(): void {
    for (const check of [...this.#watchers]) check();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.#respond(req, res, rawBody, receivedAt).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const message = err instanceof Error ? err.message : String(err);
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake provider error: ${message}`);
        } else {
          res.destroy();
        }
      });
    });
  }

  async #respond(
    req: IncomingMessage,
    res: ServerResponse,
    rawBody: Buffer,
    receivedAt: number,
  ): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const headers = flattenHeaders(req);
    const route = matchRoute(method, path, query, headers);
    const recorded: RecordedRequest = {
      method,
      path,
      query,
      url,
      headers,
      rawBody,
      json: parseJson(rawBody),
      receivedAt,
      route: route?.kind,
    };
    this.#requestCount++;
    if (this.#record) this.requests.push(recorded);

    const ctl: ResponseControl = { closed: false, intentional: false, wake: undefined };
    this.#inFlight++;
    res.on('close', () => {
      ctl.closed = true;
      this.#inFlight--;
      if (!res.writableFinished && !ctl.intentional && !this.#closing) this.#aborted++;
      ctl.wake?.();
      this.#notify();
    });
    if (this.#watchers.size > 0) this.#notify();

    const reply = resolveReply(this.#take(recorded, route), recorded, route);
    if (reply.kind === 'reset') {
      if (reply.delayMs !== undefined) await sleep(reply.delayMs, ctl);
      if (!ctl.closed) resetConnection(res, ctl);
      return;
    }
    await writeReply(res, prepare(reply, recorded, route, this.#defaults), reply, ctl);
  }

  #take(req: RecordedRequest, route: Route | undefined): Reply {
    const queue = this.#queue;
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i]!;
      if (matches(entry.match, req, route)) {
        queue.splice(i, 1);
        return entry.reply;
      }
    }
    return this.#default;
  }
}

/** Start a fake provider on 127.0.0.1, port 0 unless given. */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const fake = new FakeProviderServer(options);
  await fake.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return fake;
}
