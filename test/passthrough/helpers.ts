// Shared helpers for the passthrough suites: a raw client, dialect error checks, SSE parsing.

import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from '../fake-provider/index.ts';
import type { DataPlaneRig } from '../support/data-plane.ts';

export type Dialect = 'openai' | 'anthropic' | 'gemini';

export interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  json: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown, what = 'value'): Record<string, unknown> {
  assert.ok(isRecord(value), `${what} is not an object: ${JSON.stringify(value)}`);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** POST with fetch; the body goes out exactly as given. */
export async function post(
  base: string,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return { status: response.status, headers: response.headers, bytes, text, json: parseJson(text) };
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
  body: Buffer;
  text: string;
  /** The response ended properly (not cut off). */
  complete: boolean;
}

/** POST with node:http on a fresh connection; reports whether the response was cut off. */
export function rawPost(
  base: string,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => {});
        res.on('close', () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            chunks,
            body: all,
            text: all.toString('utf8'),
            complete: res.complete,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The wire path of each dialect's main operation on a given endpoint. */
export function dialectPath(dialect: Dialect, endpoint: string, stream = false): string {
  switch (dialect) {
    case 'openai':
      return '/v1/chat/completions';
    case 'anthropic':
      return '/v1/messages';
    case 'gemini':
      return stream
        ? `/v1beta/models/${endpoint}:streamGenerateContent?alt=sse`
        : `/v1beta/models/${endpoint}:generateContent`;
  }
}

/** A small valid request body for each dialect (Gemini's has no model: it is in the path). */
export function dialectBody(dialect: Dialect, endpoint: string, stream = false): Record<string, unknown> {
  switch (dialect) {
    case 'openai':
      return {
        model: endpoint,
        messages: [{ role: 'user', content: 'Hello' }],
        ...(stream ? { stream: true } : {}),
      };
    case 'anthropic':
      return {
        model: endpoint,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hello' }],
        ...(stream ? { stream: true } : {}),
      };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] };
  }
}

export const ENDPOINT_BY_DIALECT: Readonly<Record<Dialect, string>> = {
  openai: 'oa',
  anthropic: 'an',
  gemini: 'gm',
};

export const DIALECTS: readonly Dialect[] = ['openai', 'anthropic', 'gemini'];

export interface ErrorExpectation {
  /** OpenAI `error.type`, Anthropic `error.type`, Gemini `error.status`. */
  type: string;
  message?: RegExp | string;
  /** OpenAI `error.code` (the gateway's error code). */
  code?: string;
  param?: string | null;
}

function headerOf(headers: Headers | IncomingHttpHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function checkMessage(message: unknown, expected: RegExp | string | undefined): void {
  assert.equal(typeof message, 'string', 'error message is a string');
  assert.ok((message as string).length > 0, 'error message is not empty');
  if (expected instanceof RegExp) assert.match(message as string, expected);
  else if (expected !== undefined) assert.equal(message, expected);
}

/** The error body of one dialect, with exactly that dialect's fields. */
export function assertErrorBody(
  dialect: Dialect,
  body: unknown,
  status: number,
  expected: ErrorExpectation,
  requestId?: string,
): void {
  const top = obj(body, 'error body');
  switch (dialect) {
    case 'openai': {
      assert.deepEqual(Object.keys(top), ['error']);
      const error = obj(top['error'], 'error');
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(error['type'], expected.type);
      checkMessage(error['message'], expected.message);
      if (expected.code !== undefined) assert.equal(error['code'], expected.code);
      if (expected.param !== undefined) assert.equal(error['param'], expected.param);
      break;
    }
    case 'anthropic': {
      assert.deepEqual(Object.keys(top).sort(), ['error', 'request_id', 'type']);
      assert.equal(top['type'], 'error');
      const error = obj(top['error'], 'error');
      assert.deepEqual(Object.keys(error).sort(), ['message', 'type']);
      assert.equal(error['type'], expected.type);
      checkMessage(error['message'], expected.message);
      assert.equal(typeof top['request_id'], 'string');
      if (requestId !== undefined) assert.equal(top['request_id'], requestId);
      break;
    }
    case 'gemini': {
      assert.deepEqual(Object.keys(top), ['error']);
      const error = obj(top['error'], 'error');
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'status']);
      assert.equal(error['code'], status);
      assert.equal(error['status'], expected.type);
      checkMessage(error['message'], expected.message);
      break;
    }
  }
}

/** A whole error reply: status, JSON content type, the dialect's body, the gateway's headers. */
export function assertDialectError(
  dialect: Dialect,
  reply: Reply | RawReply,
  status: number,
  expected: ErrorExpectation,
): void {
  const body = 'json' in reply ? reply.json : parseJson(reply.text);
  assert.equal(reply.status, status, `status (body: ${reply.text})`);
  assert.match(headerOf(reply.headers, 'content-type') ?? '', /^application\/json/);
  const requestId = headerOf(reply.headers, 'x-request-id');
  assert.ok(requestId, 'x-request-id is set');
  assertErrorBody(dialect, body, status, expected, requestId);
}

/** The same kinds of error in each dialect's words. */
export const ERROR_TYPES = {
  invalid: {
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  tooLarge: { openai: 'invalid_request_error', anthropic: 'request_too_large', gemini: 'INVALID_ARGUMENT' },
  notFound: { openai: 'not_found_error', anthropic: 'not_found_error', gemini: 'NOT_FOUND' },
  forbidden: { openai: 'permission_error', anthropic: 'permission_error', gemini: 'PERMISSION_DENIED' },
  unauthorized: {
    openai: 'authentication_error',
    anthropic: 'authentication_error',
    gemini: 'UNAUTHENTICATED',
  },
  unreachable: { openai: 'server_error', anthropic: 'api_error', gemini: 'UNAVAILABLE' },
  timeout: { openai: 'timeout_error', anthropic: 'timeout_error', gemini: 'DEADLINE_EXCEEDED' },
  unavailable: { openai: 'server_error', anthropic: 'overloaded_error', gemini: 'UNAVAILABLE' },
} as const satisfies Record<string, Record<Dialect, string>>;

/** The headers every data-plane response carries. */
export function assertGatewayHeaders(
  headers: Headers | IncomingHttpHeaders,
  expected: { endpoint?: string; attempts?: string } = {},
): void {
  const requestId = headerOf(headers, 'x-request-id');
  assert.ok(requestId && requestId.length > 0, 'x-request-id');
  const duration = headerOf(headers, 'x-switchyard-duration-ms');
  assert.ok(
    duration !== undefined && Number.isFinite(Number(duration)),
    `x-switchyard-duration-ms: ${duration}`,
  );
  assert.ok(Number(duration) >= 0);
  const attempts = headerOf(headers, 'x-switchyard-attempts');
  assert.ok(attempts !== undefined && /^\d+$/.test(attempts), `x-switchyard-attempts: ${attempts}`);
  if (expected.attempts !== undefined) assert.equal(attempts, expected.attempts);
  if (expected.endpoint !== undefined)
    assert.equal(headerOf(headers, 'x-switchyard-endpoint'), expected.endpoint);
}

export interface ParsedEvent {
  event: string | undefined;
  data: string;
}

/** Events of an SSE body (LF or CRLF framing); comment-only blocks are skipped. */
export function parseSse(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trimStart();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

export const OPENAI_KEEPALIVE = ': keepalive\n\n';
export const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * Reads `received` as the upstream frames in order, with gateway keepalives allowed only
 * between two whole frames (or before the first), then optionally one trailing error frame.
 * Returns how many keepalives were found and the text after the last upstream frame.
 */
export function matchFramesWithKeepalives(
  received: string,
  frames: readonly string[],
  keepalive: string,
): { keepalives: number; rest: string } {
  let at = 0;
  let keepalives = 0;
  const skipKeepalives = (next?: string): void => {
    // An upstream event identical to the keepalive (Anthropic's own ping) is the upstream's.
    while (received.startsWith(keepalive, at) && !(next !== undefined && received.startsWith(next, at))) {
      keepalives++;
      at += keepalive.length;
    }
  };
  for (const [i, frame] of frames.entries()) {
    skipKeepalives(frame);
    assert.ok(
      received.startsWith(frame, at),
      `upstream frame ${i} not found intact at offset ${at}: got ${JSON.stringify(received.slice(at, at + 120))}, want ${JSON.stringify(frame.slice(0, 120))}`,
    );
    at += frame.length;
  }
  skipKeepalives();
  return { keepalives, rest: received.slice(at) };
}

/** The record the gateway wrote for a request, by its x-request-id (waits briefly for streams). */
export async function recordFor(rig: DataPlaneRig, requestId: string | null | undefined) {
  assert.ok(requestId, 'request id');
  for (let i = 0; i < 100; i++) {
    const record = rig.sink.records.find((r) => r.requestId === requestId);
    if (record) return record;
    await sleep(10);
  }
  assert.fail(`no record for request ${requestId}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function lastUpstream(rig: DataPlaneRig): RecordedRequest {
  const last = rig.fake.lastRequest();
  assert.ok(last, 'the fake provider received a request');
  return last;
}

export { prng } from '../support/prng.ts';

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Creates a secret, a model and an endpoint through the admin API; throws on any refusal. */
export async function createEndpoint(
  rig: DataPlaneRig,
  spec: {
    name: string;
    provider: string;
    modelName: string;
    apiKey?: string;
    apiBase?: string;
    /** Reuse an existing model instead of creating one. */
    model?: string;
    timeouts?: Record<string, number>;
  },
): Promise<void> {
  let model = spec.model;
  if (model === undefined) {
    const secret = await rig.gw.call('POST', '/api/v1/secrets', {
      name: `${spec.name}-secret`,
      provider: spec.provider,
      value: { api_key: spec.apiKey ?? 'sk-test-key-0000000000' },
      auth_config: { api_base: spec.apiBase ?? rig.fake.url },
    });
    assert.equal(secret.status, 201, secret.text);
    const created = await rig.gw.call('POST', '/api/v1/models', {
      name: `${spec.name}-model`,
      provider: spec.provider,
      model_name: spec.modelName,
      secret: `${spec.name}-secret`,
    });
    assert.equal(created.status, 201, created.text);
    model = `${spec.name}-model`;
  }
  const endpoint = await rig.gw.call('POST', '/api/v1/endpoints', {
    name: spec.name,
    models: [{ model, role: 'primary' }],
    ...(spec.timeouts ? { timeouts: spec.timeouts } : {}),
  });
  assert.equal(endpoint.status, 201, endpoint.text);
}
