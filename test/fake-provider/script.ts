// Reply builders for `fake.enqueue(...)` and `fake.setDefault(...)`.

import { anthropicErrorBody, geminiErrorBody, openaiErrorBody } from './errors.ts';
import type { RecordedRequest, Reply, ReplyOptions, Route } from './types.ts';

/** The dialect's built-in reply for the route; `chunks` overrides the stream length for this reply. */
export function defaultReply(opts: ReplyOptions & { chunks?: number } = {}): Reply {
  return { kind: 'default', ...opts };
}

/** Replay a recorded fixture: its status, content-type and exact body bytes (`sse`, else `raw`, else JSON). */
export function fixture(name: string, opts: ReplyOptions = {}): Reply {
  return { kind: 'fixture', name, ...opts };
}

/** A JSON body with any status (`json(429, {...}, {'retry-after': '2'})`). */
export function json(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
  opts: ReplyOptions = {},
): Reply {
  return { kind: 'json', status, body, ...opts, headers: { ...headers, ...opts.headers } };
}

/** Any bytes with any content type (HTML error pages, plain text, broken JSON). */
export function raw(
  status: number,
  body: string | Uint8Array,
  contentType: string,
  opts: ReplyOptions = {},
): Reply {
  return { kind: 'raw', status, body, contentType, ...opts };
}

/** An HTML page, as load balancers and proxies send on 502/503/504. */
export function html(status: number, body: string, opts: ReplyOptions = {}): Reply {
  return raw(status, body, 'text/html; charset=utf-8', opts);
}

/** An event stream written frame by frame; frames are sent as given (include their `\n\n`). */
export function sse(
  frames: readonly string[],
  opts: ReplyOptions & { status?: number; contentType?: string } = {},
): Reply {
  const { status = 200, contentType = 'text/event-stream; charset=utf-8', ...rest } = opts;
  return { kind: 'sse', status, frames, contentType, ...rest };
}

/** Close the connection with a TCP reset before any response byte (after `delayMs`, if given). */
export function reset(delayMs?: number): Reply {
  return delayMs === undefined ? { kind: 'reset' } : { kind: 'reset', delayMs };
}

/** Choose the reply per request. */
export function dynamic(handle: (req: RecordedRequest, route: Route | undefined) => Reply): Reply {
  return { kind: 'dynamic', handle };
}

/** Add timing/failure options to a reply. */
export function withOptions(reply: Reply, opts: ReplyOptions): Reply {
  return { ...reply, ...opts, headers: { ...reply.headers, ...opts.headers } };
}

/** Wait `ms` before the status line and headers. */
export function slowFirstByte(ms: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { delayMs: ms });
}

/** Wait `ms` between frames. */
export function drip(frameDelayMs: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { frameDelayMs });
}

/**
 * Send the headers (and `afterFrames` frames, default 0), then nothing for `ms`
 * (default: until the client goes away); after a finite stall the rest is sent.
 */
export function stall(
  opts: { ms?: number; afterFrames?: number } = {},
  reply: Reply = defaultReply(),
): Reply {
  const extra: ReplyOptions = { stallAfterFrames: opts.afterFrames ?? 0 };
  if (opts.ms !== undefined) extra.stallMs = opts.ms;
  return withOptions(reply, extra);
}

/** Destroy the socket after `frames` frames (mid-stream failure; no terminal chunk). */
export function failAfterFrames(frames: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { failAfterFrames: frames });
}

/** Destroy the socket after `bytes` body bytes. */
export function failAfterBytes(bytes: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { failAfterBytes: bytes });
}

/** End the response cleanly after `frames` frames: a well-formed HTTP response with no terminal event. */
export function truncateAfterFrames(frames: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { truncateAfterFrames: frames });
}

/** End the response cleanly after `bytes` body bytes (can stop in the middle of an event). */
export function truncateAfterBytes(bytes: number, reply: Reply = defaultReply()): Reply {
  return withOptions(reply, { truncateAfterBytes: bytes });
}

/** OpenAI-shaped error: `{"error":{"message","type","param","code"}}`. */
export function openaiError(
  status: number,
  message: string,
  opts: { type?: string; code?: string | null; headers?: Record<string, string> } = {},
): Reply {
  return json(status, openaiErrorBody(status, message, opts.type, opts.code), opts.headers);
}

/** Anthropic-shaped error (`anthropicError(529, 'Overloaded')` has type `overloaded_error`). */
export function anthropicError(
  status: number,
  message: string,
  opts: { type?: string; headers?: Record<string, string> } = {},
): Reply {
  return json(status, anthropicErrorBody(status, message, opts.type), opts.headers);
}

/** Gemini-shaped error: `{"error":{"code","message","status"}}` (status from the HTTP code unless given). */
export function geminiError(
  status: number,
  message: string,
  opts: { status?: string; headers?: Record<string, string> } = {},
): Reply {
  return json(status, geminiErrorBody(status, message, opts.status), {
    'content-type': 'application/json; charset=UTF-8',
    ...opts.headers,
  });
}
