// Recorded provider exchanges under test/data/fixtures/ (format: test/data/fixtures/README.md).
// Each file is read once and cached.

import { readdirSync, readFileSync } from 'node:fs';

export const FIXTURES_DIR = new URL('../data/fixtures/', import.meta.url);

export interface Fixture {
  name: string;
  source: string;
  interaction: number;
  license: string;
  provider: 'openai' | 'anthropic' | 'gemini';
  api: string;
  description: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: {
    status: number;
    headers: Record<string, string>;
    body?: unknown;
    sse?: string;
    raw?: string;
  };
}

const cache = new Map<string, Fixture>();
const bytesCache = new Map<string, { bytes: Buffer; frames: Buffer[] }>();
let names: string[] | undefined;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function str(v: unknown, field: string, name: string): string {
  if (typeof v !== 'string') throw new Error(`fixture ${name}: ${field} must be a string`);
  return v;
}

function parseFixture(name: string, text: string): Fixture {
  const data: unknown = JSON.parse(text);
  if (!isRecord(data) || !isRecord(data['request']) || !isRecord(data['response'])) {
    throw new Error(`fixture ${name}: expected {request, response}`);
  }
  const req = data['request'];
  const res = data['response'];
  const provider = data['provider'];
  if (provider !== 'openai' && provider !== 'anthropic' && provider !== 'gemini') {
    throw new Error(`fixture ${name}: unknown provider`);
  }
  if (typeof res['status'] !== 'number') throw new Error(`fixture ${name}: response.status must be a number`);
  const response: Fixture['response'] = { status: res['status'], headers: stringRecord(res['headers']) };
  if ('body' in res) response.body = res['body'];
  if (typeof res['sse'] === 'string') response.sse = res['sse'];
  if (typeof res['raw'] === 'string') response.raw = res['raw'];
  if (response.body === undefined && response.sse === undefined && response.raw === undefined) {
    throw new Error(`fixture ${name}: response has no body, sse or raw`);
  }
  return {
    name,
    source: str(data['source'], 'source', name),
    interaction: typeof data['interaction'] === 'number' ? data['interaction'] : 0,
    license: str(data['license'], 'license', name),
    provider,
    api: str(data['api'], 'api', name),
    description: str(data['description'], 'description', name),
    request: {
      method: str(req['method'], 'request.method', name),
      path: str(req['path'], 'request.path', name),
      headers: stringRecord(req['headers']),
      body: req['body'],
    },
    response,
  };
}

/** A fixture by relative name, e.g. `openai/chat-basic.json` (the `.json` may be left off). */
export function loadFixture(name: string): Fixture {
  const key = name.endsWith('.json') ? name : `${name}.json`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (key.includes('..') || key.startsWith('/')) throw new Error(`bad fixture name: ${name}`);
  const fixture = parseFixture(key, readFileSync(new URL(key, FIXTURES_DIR), 'utf8'));
  cache.set(key, fixture);
  return fixture;
}

/** Every fixture's relative name (`openai/chat-basic.json`, ...), sorted. */
export function listFixtures(): string[] {
  if (!names) {
    const found: string[] = [];
    for (const dir of ['anthropic', 'gemini', 'openai']) {
      for (const file of readdirSync(new URL(`${dir}/`, FIXTURES_DIR))) {
        if (file.endsWith('.json')) found.push(`${dir}/${file}`);
      }
    }
    names = found.sort();
  }
  return [...names];
}

/** Split an SSE body into events, each keeping its blank-line terminator (`\n\n` or `\r\n\r\n`). */
export function splitSseFrames(text: string): string[] {
  const frames: string[] = [];
  const sep = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (let m = sep.exec(text); m !== null; m = sep.exec(text)) {
    frames.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) frames.push(text.slice(start));
  return frames;
}

/**
 * Split a Gemini JSON-array stream body the way Google sends it: `[{...}\n`, then `,\r\n{...}\n`
 * per further element, then `]`. Anything else stays one piece.
 */
export function splitJsonArrayStream(text: string): string[] {
  if (!text.startsWith('[')) return [text];
  const pieces = text.split(/(?=,\r\n\{)/);
  const last = pieces[pieces.length - 1]!;
  if (last.endsWith(']') && last.length > 1) {
    pieces[pieces.length - 1] = last.slice(0, -1);
    pieces.push(']');
  }
  return pieces;
}

function compute(name: string): { bytes: Buffer; frames: Buffer[] } {
  const { response } = loadFixture(name);
  let frames: string[];
  if (response.sse !== undefined) frames = splitSseFrames(response.sse);
  else if (response.raw !== undefined) frames = splitJsonArrayStream(response.raw);
  else frames = [JSON.stringify(response.body)];
  const buffers = frames.map((f) => Buffer.from(f, 'utf8'));
  return { bytes: Buffer.concat(buffers), frames: buffers };
}

function cached(name: string): { bytes: Buffer; frames: Buffer[] } {
  const key = name.endsWith('.json') ? name : `${name}.json`;
  let hit = bytesCache.get(key);
  if (!hit) {
    hit = compute(key);
    bytesCache.set(key, hit);
  }
  return hit;
}

/** The exact response body bytes the fake sends for a fixture: `sse`, else `raw`, else `JSON.stringify(body)`. */
export function fixtureBytes(name: string): Buffer {
  return cached(name).bytes;
}

/** The same bytes cut into the frames the fake writes one by one (SSE events, JSON-array elements). */
export function fixtureFrames(name: string): readonly Buffer[] {
  return cached(name).frames;
}

/** The recorded content-type (`application/json` when none was recorded). */
export function fixtureContentType(name: string): string {
  return loadFixture(name).response.headers['content-type'] ?? 'application/json';
}
