// Shared pieces of the SDK suites: a fetch that records what each SDK sent, the body the
// provider should have received, and checks on gateway headers and request records.

import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { RequestRecord } from '../../src/pipeline/request-record.ts';
import type { RecordedRequest } from '../fake-provider/index.ts';
import { type DataPlaneRig, SECRET_KEYS } from '../support/data-plane.ts';

export const CLIENT_KEY = 'client-key';

export interface SdkClients {
  openai: OpenAI;
  anthropic: Anthropic;
  gemini: GoogleGenAI;
}

/** The three official clients pointed at a gateway, with retries off and a recording fetch. */
export function sdkClients(
  url: string,
  fetch: typeof globalThis.fetch,
  geminiApiVersion?: string,
): SdkClients {
  return {
    openai: new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, fetch, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: url, apiKey: CLIENT_KEY, fetch, maxRetries: 0 }),
    gemini: new GoogleGenAI({
      apiKey: CLIENT_KEY,
      ...(geminiApiVersion === undefined ? {} : { apiVersion: geminiApiVersion }),
      httpOptions: { baseUrl: url, fetch },
    }),
  };
}

/** The default reply's text, and what its default five-chunk stream adds up to. */
export const DEFAULT_TEXT = 'Hello! This is a reply from the fake provider.';
export const DEFAULT_STREAM_TEXT = 'Hello! This is a';

/** One request an SDK sent through its `fetch` option, with the response it got. */
export interface Exchange {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  response: Response | undefined;
}

export interface Recorder {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly exchanges: Exchange[];
  /** The last exchange (throws when there is none). */
  last(): Exchange;
  /** The last response's headers. */
  lastHeaders(): Headers;
}

/** A `fetch` for an SDK's options that records each request's URL, headers and body. */
export function recorder(): Recorder {
  const exchanges: Exchange[] = [];
  const last = (): Exchange => {
    const ex = exchanges[exchanges.length - 1];
    if (!ex) throw new Error('the SDK sent nothing');
    return ex;
  };
  return {
    exchanges,
    async fetch(input, init) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const exchange: Exchange = {
        url,
        method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
        headers: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)),
        body: typeof init?.body === 'string' ? init.body : undefined,
        response: undefined,
      };
      exchanges.push(exchange);
      const response = await fetch(input, init);
      exchange.response = response;
      return response;
    },
    last,
    lastHeaders() {
      const response = last().response;
      if (!response) throw new Error('no response recorded');
      return response.headers;
    },
  };
}

type JsonObject = Record<string, unknown>;

function parseObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), 'body is a JSON object');
  return value as JsonObject;
}

/**
 * The body the provider should receive: the SDK's exact bytes with one edit. SDKs send
 * compact `JSON.stringify` output, so re-serializing the edited object (key order kept)
 * reproduces every untouched byte.
 */
export function expectedBody(sent: string | undefined, edit: (body: JsonObject) => JsonObject): string {
  assert.ok(sent !== undefined, 'the SDK sent a string body');
  const body = parseObject(sent);
  assert.equal(JSON.stringify(body), sent, 'the SDK body is compact JSON');
  return JSON.stringify(edit(body));
}

/** `model` replaced in place. */
export const withModel =
  (model: string) =>
  (body: JsonObject): JsonObject => ({ ...body, model });

/** `model` removed (Azure deployments). */
export const withoutModel = (body: JsonObject): JsonObject => {
  const { model: _model, ...rest } = body;
  return rest;
};

/** `stream_options.include_usage` added by the gateway as the first member. */
export const withInjectedUsage =
  (edit: (body: JsonObject) => JsonObject) =>
  (body: JsonObject): JsonObject => {
    const { stream_options: _opts, ...rest } = edit(body);
    return { stream_options: { include_usage: true }, ...rest };
  };

export function lastUpstream(rig: DataPlaneRig): RecordedRequest {
  const req = rig.fake.lastRequest();
  assert.ok(req, 'the provider received a request');
  return req;
}

/** The provider got exactly `expected` as its body. */
export function assertUpstreamBody(req: RecordedRequest, expected: string): void {
  assert.equal(req.rawBody.toString('utf8'), expected);
}

/**
 * The provider saw the secret's key in its own header and nothing of the client's
 * credentials or SDK headers.
 */
export function assertUpstreamAuth(
  req: RecordedRequest,
  provider: keyof typeof SECRET_KEYS,
  header: 'authorization' | 'api-key' | 'x-api-key' | 'x-goog-api-key',
): void {
  const expected = header === 'authorization' ? `Bearer ${SECRET_KEYS[provider]}` : SECRET_KEYS[provider];
  assert.equal(req.headers[header], expected, `${header} carries the ${provider} secret`);
  for (const other of ['authorization', 'api-key', 'x-api-key', 'x-goog-api-key']) {
    if (other !== header) assert.equal(req.headers[other], undefined, `no ${other} upstream`);
  }
  for (const [name, value] of Object.entries(req.headers)) {
    assert.ok(!value.includes(CLIENT_KEY), `client key leaked upstream in ${name}`);
    assert.ok(!name.startsWith('x-stainless-'), `SDK header ${name} forwarded`);
    assert.notEqual(name, 'x-goog-api-client', 'SDK header x-goog-api-client forwarded');
  }
  assert.ok(!req.url.includes(CLIENT_KEY), 'client key leaked into the upstream URL');
}

/** Waits for the request record of `requestId` (streams record after their last byte). */
export async function recordFor(rig: DataPlaneRig, requestId: string | null): Promise<RequestRecord> {
  assert.ok(requestId, 'response has x-request-id');
  const deadline = Date.now() + 3000;
  for (;;) {
    const found = rig.sink.records.find((r) => r.requestId === requestId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no request record for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface UsageNumbers {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export function assertUsage(record: RequestRecord, expected: UsageNumbers): void {
  assert.deepEqual(record.usage, {
    inputTokens: expected.inputTokens,
    outputTokens: expected.outputTokens,
    cacheReadTokens: expected.cacheReadTokens ?? 0,
    cacheWriteTokens: expected.cacheWriteTokens ?? 0,
    reasoningTokens: expected.reasoningTokens ?? 0,
  });
}

const MS = /^\d+(\.\d+)?$/;

/** The contract's data-plane headers. */
export function assertGatewayHeaders(
  headers: Headers,
  expected: {
    endpoint?: string;
    model?: string;
    attempts: number;
    streamed: boolean;
    /** Check x-switchyard-overhead-ms (default: when not streamed). */
    overhead?: boolean;
  },
): void {
  assert.match(headers.get('x-request-id') ?? '', /^[A-Za-z0-9._:-]{1,128}$/, 'x-request-id');
  if (expected.endpoint !== undefined) assert.equal(headers.get('x-switchyard-endpoint'), expected.endpoint);
  if (expected.model !== undefined) assert.equal(headers.get('x-switchyard-model'), expected.model);
  assert.equal(headers.get('x-switchyard-attempts'), String(expected.attempts), 'x-switchyard-attempts');
  const duration = headers.get('x-switchyard-duration-ms');
  assert.match(duration ?? '', MS, 'x-switchyard-duration-ms');
  if (expected.overhead ?? !expected.streamed) {
    const overhead = headers.get('x-switchyard-overhead-ms');
    assert.match(overhead ?? '', MS, 'x-switchyard-overhead-ms');
    assert.ok(Number(overhead) <= Number(duration) + 0.01, 'overhead is part of the duration');
  }
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Iterates until the end or an error; returns the items received and what was thrown. */
export async function consumeUntilError<T>(items: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const out: T[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch (error) {
    return { items: out, error };
  }
  return { items: out, error: undefined };
}

/** The fake provider's default embedding, as float32 values (what base64 decodes to). */
export function fakeEmbedding(dims: number, float32: boolean): number[] {
  const values = Array.from({ length: dims }, (_, i) => Math.round(Math.sin(i + 1) * 1e6) / 1e7);
  return float32 ? Array.from(new Float32Array(values)) : values;
}
