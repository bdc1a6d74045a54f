// Shared types of the fake provider: recorded requests, routes, scripted replies, options.

/** One request as the fake provider received it. */
export interface RecordedRequest {
  method: string;
  /** Path as received, without the query string (not percent-decoded). */
  path: string;
  /** Query string without the leading `?` (`''` when there is none). */
  query: string;
  /** Path plus `?query`, exactly as in the request line. */
  url: string;
  /** Header names lowercased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed as JSON, or `undefined` when empty or not JSON. */
  json: unknown;
  /** `Date.now()` when the request head arrived. */
  receivedAt: number;
  /** The route it matched (see `RouteKind`), or `undefined`. */
  route: RouteKind | undefined;
}

export type ProviderFlavor = 'openai' | 'azure' | 'anthropic' | 'gemini';

export type RouteKind =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'openai.models'
  | 'anthropic.messages'
  | 'anthropic.count_tokens'
  | 'anthropic.models'
  | 'gemini.generate'
  | 'gemini.stream'
  | 'gemini.count_tokens'
  | 'gemini.embed'
  | 'gemini.batch_embed'
  | 'gemini.models';

export interface Route {
  kind: RouteKind;
  flavor: ProviderFlavor;
  /** Gemini: the `{model}` path segment; Azure: the deployment name. */
  pathModel: string | undefined;
  /** Gemini `:streamGenerateContent?alt=sse`. */
  altSse: boolean;
}

/** Timing and failure modifiers; every reply kind accepts them. Frames are counted from 0. */
export interface ReplyOptions {
  /** Extra response headers (override the reply's own). */
  headers?: Record<string, string>;
  /** Wait this long before sending the status line and headers (slow first byte). */
  delayMs?: number;
  /** Wait this long between body frames (slow drip). */
  frameDelayMs?: number;
  /** After the headers and this many frames, send nothing for `stallMs` (0 = right after headers). */
  stallAfterFrames?: number;
  /** Length of the stall; omitted or `Infinity` = until the client goes away. */
  stallMs?: number;
  /** After this many frames, destroy the socket (mid-stream failure). */
  failAfterFrames?: number;
  /** After this many body bytes, destroy the socket (may cut a frame). */
  failAfterBytes?: number;
  /** After this many frames, end the response cleanly (no terminal event). */
  truncateAfterFrames?: number;
  /** After this many body bytes, end the response cleanly (may cut an event in half). */
  truncateAfterBytes?: number;
}

export type Reply =
  /** The dialect's built-in reply for the route (echoes the model; streams when asked). */
  | ({ kind: 'default'; chunks?: number } & ReplyOptions)
  /** A recorded fixture, by relative name such as `anthropic/messages-stream-tool-use.json`. */
  | ({ kind: 'fixture'; name: string } & ReplyOptions)
  | ({ kind: 'json'; status: number; body: unknown } & ReplyOptions)
  | ({ kind: 'raw'; status: number; body: string | Uint8Array; contentType: string } & ReplyOptions)
  /** Each frame is written as given (include its `\n\n`). */
  | ({ kind: 'sse'; status: number; frames: readonly string[]; contentType: string } & ReplyOptions)
  /** Reset the connection (TCP RST) before any response byte, after `delayMs`. */
  | ({ kind: 'reset' } & ReplyOptions)
  /** Decide per request. */
  | ({ kind: 'dynamic'; handle: (req: RecordedRequest, route: Route | undefined) => Reply } & ReplyOptions);

export type Matcher = string | RegExp | ((req: RecordedRequest, route: Route | undefined) => boolean);

export interface DefaultsConfig {
  /** Text deltas in a default stream. */
  streamChunks: number;
  /** Approximate size in bytes of a default non-streamed chat/messages/generate JSON body; 0 = natural. */
  replyBytes: number;
  /** Length of default embedding vectors. */
  embeddingDims: number;
  /** Model ids listed by the models routes. */
  models: readonly string[];
}

export interface FakeProviderOptions extends Partial<DefaultsConfig> {
  host?: string;
  port?: number;
  /** Record requests into `requests` (default true; benchmarks may turn it off). */
  record?: boolean;
}

export interface FakeProvider {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order (live array). */
  readonly requests: RecordedRequest[];
  /** Requests received (counted even when recording is off). */
  readonly requestCount: number;
  /** Responses whose client went away before the last byte (streamed or not, delays and stalls included). */
  readonly abortedStreams: number;
  /** Responses currently being written. */
  readonly inFlight: number;
  lastRequest(): RecordedRequest | undefined;
  /** Forget recorded requests and zero the counters. */
  clear(): void;
  /** `clear()`, drop queued replies, restore the built-in default and the start options. */
  reset(): void;
  /** Queue a reply for the next request that matches (FIFO among matches). A string matches the path suffix. */
  enqueue(reply: Reply, match?: Matcher): void;
  /** Queued replies not yet consumed. */
  pendingReplies(): number;
  /** Reply for requests with nothing queued; `undefined` restores the dialect defaults. */
  setDefault(reply: Reply | undefined): void;
  /** Change default-reply sizes at runtime. */
  configure(config: Partial<DefaultsConfig>): void;
  /** Resolves once `abortedStreams >= count`; rejects after `timeoutMs`. */
  waitForAborts(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `requestCount >= count`; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
