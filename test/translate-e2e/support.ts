// Shared pieces of the end-to-end translation suites: which client dialect reaches which
// backend by translation, backend answers (recorded fixtures or the hand-made ones under
// test/data/translation/e2e/backend/), and the normalisation used to compare SDK results.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isObject } from '../../src/canonical/wire.ts';
import {
  fixture,
  json,
  loadFixture,
  type RecordedRequest,
  type Reply,
  type ReplyOptions,
  splitSseFrames,
  sse,
} from '../fake-provider/index.ts';
import type { DataPlaneRig } from '../support/data-plane.ts';

/** The client dialects, each spoken by its official SDK. */
export type ClientDialect = 'chat' | 'responses' | 'messages' | 'gemini';

/** Backends of the three dialects: vLLM (OpenAI-compatible), Anthropic, Gemini. */
export type Backend = 'vl' | 'an' | 'gm';

const CLIENTS: readonly ClientDialect[] = ['chat', 'responses', 'messages', 'gemini'];
const BACKENDS: readonly Backend[] = ['vl', 'an', 'gm'];

/**
 * Same-dialect pairs are passthrough (tested elsewhere). Responses is native only for
 * OpenAI and Azure, so Responses → vLLM is translated.
 */
const PASSTHROUGH: ReadonlySet<string> = new Set(['chat→vl', 'messages→an', 'gemini→gm']);

function isTranslated(client: ClientDialect, backend: Backend): boolean {
  return !PASSTHROUGH.has(`${client}→${backend}`);
}

/** The nine translated pairs. */
export const PAIRS: readonly { client: ClientDialect; backend: Backend }[] = CLIENTS.flatMap((client) =>
  BACKENDS.filter((backend) => isTranslated(client, backend)).map((backend) => ({ client, backend })),
);

export function clientsOf(backend: Backend): ClientDialect[] {
  return CLIENTS.filter((client) => isTranslated(client, backend));
}

const E2E_DATA = new URL('../data/translation/e2e/', import.meta.url);

/** A table file under test/data/translation/e2e/. */
export function readTable(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, E2E_DATA), 'utf8'));
}

interface HandMade {
  response: { status: number; headers: Record<string, string>; body?: unknown; sse?: string };
}

function loadHandMade(file: string): HandMade {
  const doc: unknown = JSON.parse(readFileSync(new URL(`backend/${file}`, E2E_DATA), 'utf8'));
  assert.ok(isObject(doc) && isObject(doc['response']), `${file}: has a response`);
  const response = doc['response'];
  assert.ok(typeof response['status'] === 'number', `${file}: response.status`);
  const headers: Record<string, string> = {};
  if (isObject(response['headers'])) {
    for (const [k, v] of Object.entries(response['headers'])) if (typeof v === 'string') headers[k] = v;
  }
  const out: HandMade = { response: { status: response['status'], headers } };
  if (typeof response['sse'] === 'string') out.response.sse = response['sse'];
  else out.response.body = response['body'];
  return out;
}

/**
 * The fake provider's reply for an answer: `e2e:<file>` is a hand-made answer from
 * test/data/translation/e2e/backend/, anything else a recorded fixture's name.
 */
export function answerReply(ref: string, opts: ReplyOptions = {}): Reply {
  if (!ref.startsWith('e2e:')) return fixture(ref, opts);
  const { response } = loadHandMade(ref.slice(4));
  const contentType = response.headers['content-type'] ?? 'application/json';
  if (response.sse !== undefined) {
    return sse(splitSseFrames(response.sse), { ...opts, status: response.status, contentType });
  }
  return json(response.status, response.body, { 'content-type': contentType }, opts);
}

/** A streamed answer's SSE text, exactly as the backend sends it. */
export function answerSse(ref: string): string {
  const text = ref.startsWith('e2e:')
    ? loadHandMade(ref.slice(4)).response.sse
    : loadFixture(ref).response.sse;
  assert.ok(text !== undefined, `${ref} is a stream`);
  return text;
}

/** Whether an answer is a stream (SSE) rather than a JSON body. */
export function answerIsStream(ref: string): boolean {
  if (ref.startsWith('e2e:')) return loadHandMade(ref.slice(4)).response.sse !== undefined;
  return loadFixture(ref).response.sse !== undefined;
}

/** The one request the backend received (fails when there were none or several). */
export function onlyUpstream(rig: DataPlaneRig): RecordedRequest {
  assert.equal(rig.fake.requests.length, 1, 'the backend received exactly one request');
  return rig.fake.requests[0]!;
}

/** The backend request's JSON body, as an object. */
export function upstreamBody(req: RecordedRequest): Record<string, unknown> {
  assert.ok(isObject(req.json), 'the backend request body is a JSON object');
  return req.json;
}

/** The path (and query) each backend is called on for a chat-like request. */
export function upstreamPath(backend: Backend, stream: boolean): { path: string; query: string } {
  switch (backend) {
    case 'vl':
      return { path: '/v1/chat/completions', query: '' };
    case 'an':
      return { path: '/v1/messages', query: '' };
    case 'gm':
      return stream
        ? { path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent', query: 'alt=sse' }
        : { path: '/v1beta/models/gemini-2.5-flash:generateContent', query: '' };
  }
}

/** `value.a.b[0].c` for untyped JSON; undefined when any step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isObject(current) ? current[step] : undefined;
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A plain-JSON copy (class instances and undefined members gone). */
export function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** JSON text parsed, or the text itself when it is not JSON. */
export function parsedOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const SIGNATURE_MARK = '__sig_';

export interface NormalizeOptions {
  /** Keys whose string values are ids: replaced by `<id N>` in order of first appearance. */
  ids: readonly string[];
  /** Keys dropped (timestamps, SDK-side conveniences). */
  drop: readonly string[];
  /** Keys whose string values are JSON texts compared parsed (tool-call arguments). */
  json?: readonly string[];
}

/**
 * A copy of an SDK result with ids and timestamps made comparable. Ids are numbered by first
 * appearance, so two results agree when their ids pair up the same way; a thought signature
 * carried in a tool-call id (`…__sig_<signature>`) is kept and compared.
 */
export function normalize(value: unknown, options: NormalizeOptions): unknown {
  const numbers = new Map<string, string>();
  const placeholder = (id: string): string => {
    const mark = id.indexOf(SIGNATURE_MARK);
    const head = mark < 0 ? id : id.slice(0, mark);
    let name = numbers.get(head);
    if (name === undefined) {
      name = `<id ${numbers.size}>`;
      numbers.set(head, name);
    }
    return mark < 0 ? name : name + id.slice(mark);
  };
  const walk = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(walk);
    if (!isObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(item)) {
      if (options.drop.includes(key)) continue;
      if (typeof member === 'string' && options.ids.includes(key)) out[key] = placeholder(member);
      else if (typeof member === 'string' && options.json?.includes(key)) out[key] = parsedOr(member);
      else out[key] = walk(member);
    }
    return out;
  };
  return walk(plain(value));
}
