// Turning a scripted reply into bytes on the socket, with its delays, stalls and failures.

import type { ServerResponse } from 'node:http';
import type { DefaultReplies, Prepared } from './defaults.ts';
import { notFound } from './defaults.ts';
import { fixtureContentType, fixtureFrames, loadFixture } from './fixtures.ts';
import type { RecordedRequest, Reply, ReplyOptions, Route } from './types.ts';

/** Per-response state shared with the server's `close` listener. */
export interface ResponseControl {
  /** The response closed (finished, or the client went away). */
  closed: boolean;
  /** We destroyed the socket on purpose (failure/reset): not a client abort. */
  intentional: boolean;
  /** Wakes a pending `sleep` early. */
  wake: (() => void) | undefined;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleep `ms` (Infinity = forever); returns early when the response closes. */
export function sleep(ms: number, ctl: ResponseControl): Promise<void> {
  if (ctl.closed) return Promise.resolve();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      if (ctl.wake === done) ctl.wake = undefined;
      resolve();
    };
    ctl.wake = done;
    if (Number.isFinite(ms) && ms <= MAX_TIMER_MS) timer = setTimeout(done, Math.max(0, ms));
  });
}

/** Resolve `dynamic` replies; the outer reply's options apply on top of the chosen one. */
export function resolveReply(reply: Reply, req: RecordedRequest, route: Route | undefined): Reply {
  let current = reply;
  for (let depth = 0; current.kind === 'dynamic' && depth < 16; depth++) {
    const { kind: _kind, handle, ...outer } = current;
    const inner = handle(req, route);
    current = { ...inner, ...outer, headers: { ...inner.headers, ...outer.headers } };
  }
  return current;
}

export function prepare(
  reply: Reply,
  req: RecordedRequest,
  route: Route | undefined,
  defaults: DefaultReplies,
): Prepared {
  switch (reply.kind) {
    case 'default':
      return route ? defaults.build(route, req, reply.chunks) : notFound(req.method, req.path);
    case 'fixture': {
      const f = loadFixture(reply.name);
      const frames = fixtureFrames(reply.name);
      return {
        status: f.response.status,
        headers: { 'content-type': fixtureContentType(reply.name) },
        frames,
        streamed: f.response.sse !== undefined || frames.length > 1,
      };
    }
    case 'json':
      return {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
        frames: [Buffer.from(JSON.stringify(reply.body) ?? 'null')],
        streamed: false,
      };
    case 'raw':
      return {
        status: reply.status,
        headers: { 'content-type': reply.contentType },
        frames: [typeof reply.body === 'string' ? Buffer.from(reply.body) : Buffer.from(reply.body)],
        streamed: false,
      };
    case 'sse':
      return {
        status: reply.status,
        headers: { 'content-type': reply.contentType, 'cache-control': 'no-cache' },
        frames: reply.frames.map((f) => Buffer.from(f)),
        streamed: true,
      };
    case 'reset':
    case 'dynamic':
      throw new Error(`fake provider: cannot prepare a '${reply.kind}' reply`);
  }
}

function hasModifiers(o: ReplyOptions): boolean {
  return (
    o.delayMs !== undefined ||
    o.frameDelayMs !== undefined ||
    o.stallAfterFrames !== undefined ||
    o.failAfterFrames !== undefined ||
    o.failAfterBytes !== undefined ||
    o.truncateAfterFrames !== undefined ||
    o.truncateAfterBytes !== undefined
  );
}

function totalLength(frames: readonly Buffer[]): number {
  let n = 0;
  for (const f of frames) n += f.length;
  return n;
}

/** Destroy the socket once what was written has reached the kernel. */
function destroySocket(res: ServerResponse, ctl: ResponseControl, rst: boolean): void {
  ctl.intentional = true;
  const socket = res.socket;
  if (!socket) return;
  const kill = (): void => {
    if (rst) socket.resetAndDestroy();
    else socket.destroy();
  };
  // The HTTP layer corks the socket while writing; an empty write's callback runs once the
  // bytes before it are flushed.
  if (socket.writableLength > 0 || socket.writableCorked > 0) socket.write('', kill);
  else kill();
}

/** Reset the connection before any response byte. */
export function resetConnection(res: ServerResponse, ctl: ResponseControl): void {
  destroySocket(res, ctl, true);
}

function drained(res: ServerResponse, ctl: ResponseControl): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      if (ctl.wake === done) ctl.wake = undefined;
      resolve();
    };
    ctl.wake = done;
    res.once('drain', done);
  });
}

export async function writeReply(
  res: ServerResponse,
  p: Prepared,
  o: ReplyOptions,
  ctl: ResponseControl,
): Promise<void> {
  const frames = p.frames;
  if (!hasModifiers(o)) {
    if (!p.streamed) {
      const body = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
      res.writeHead(p.status, { ...p.headers, 'content-length': String(body.length), ...o.headers });
      res.end(body);
      return;
    }
    res.writeHead(p.status, { ...p.headers, ...o.headers });
    res.flushHeaders();
    for (const frame of frames) {
      if (ctl.closed) return;
      if (!res.write(frame)) await drained(res, ctl);
    }
    if (!ctl.closed) res.end();
    return;
  }

  if (o.delayMs !== undefined) {
    await sleep(o.delayMs, ctl);
    if (ctl.closed) return;
  }
  const truncating = o.truncateAfterFrames !== undefined || o.truncateAfterBytes !== undefined;
  const headers: Record<string, string> = { ...p.headers };
  if (!p.streamed && !truncating) headers['content-length'] = String(totalLength(frames));
  res.writeHead(p.status, { ...headers, ...o.headers });
  res.flushHeaders();

  const failBytes = o.failAfterBytes;
  const truncBytes = o.truncateAfterBytes;
  const byteLimit = Math.min(failBytes ?? Infinity, truncBytes ?? Infinity);
  const stopAtLimit = (): void => {
    if (failBytes !== undefined && failBytes <= (truncBytes ?? Infinity)) destroySocket(res, ctl, false);
    else res.end();
  };
  let sent = 0;
  for (let i = 0; i <= frames.length; i++) {
    if (o.stallAfterFrames === i) {
      res.flushHeaders();
      await sleep(o.stallMs ?? Infinity, ctl);
      if (ctl.closed) return;
    }
    if (o.failAfterFrames === i) return destroySocket(res, ctl, false);
    if (o.truncateAfterFrames === i) {
      res.end();
      return;
    }
    if (i === frames.length) break;
    if (i > 0 && o.frameDelayMs !== undefined) {
      await sleep(o.frameDelayMs, ctl);
      if (ctl.closed) return;
    }
    let frame = frames[i]!;
    const atLimit = sent + frame.length >= byteLimit;
    if (atLimit) frame = frame.subarray(0, byteLimit - sent);
    sent += frame.length;
    const ok = frame.length === 0 || res.write(frame);
    if (atLimit) return stopAtLimit();
    if (!ok) {
      await drained(res, ctl);
      if (ctl.closed) return;
    }
  }
  if (sent < byteLimit && byteLimit !== Infinity) return stopAtLimit();
  res.end();
}
