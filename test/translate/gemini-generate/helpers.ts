import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseContext, StreamDecoder } from '../../../src/canonical/codecs.ts';
import type { StreamEvent } from '../../../src/canonical/response.ts';
import { SseDecoder } from '../../../src/transport/sse-decoder.ts';
import { prng } from '../../support/prng.ts';

export const CASES = new URL('../../data/translation/gemini-generate/', import.meta.url).pathname;
export const FIXTURES = new URL('../../data/fixtures/gemini/', import.meta.url).pathname;

export interface NamedCase<T> {
  name: string;
  value: T;
}

/** Every `*.json` case in a folder of the case tree, by file name. */
export function loadCases<T>(folder: string): NamedCase<T>[] {
  const dir = join(CASES, folder);
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  // A renamed or emptied folder must fail, not pass with zero cases.
  if (files.length === 0) throw new Error(`no cases in ${dir}`);
  return files
    .sort()
    .map((name) => ({ name, value: JSON.parse(readFileSync(join(dir, name), 'utf8')) as T }));
}

export interface Fixture {
  description: string;
  api: string;
  request: { path: string; body: unknown };
  response: { status: number; body?: unknown; sse?: string; raw?: string };
}

export function loadFixtures(): NamedCase<Fixture>[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, value: JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Fixture }));
}

export function context(overrides: Partial<ResponseContext> = {}): ResponseContext {
  return {
    requestId: 'req_test',
    clientModel: 'gemini-endpoint',
    created: 1_700_000_000,
    includeUsage: false,
    estimatedInputTokens: 42,
    ...overrides,
  };
}

/** Ids the codecs generate (`call_` + 16 random characters) are random: tests compare them as `<generated>`. */
const GENERATED_ID = /^(call|gen)_[A-Za-z0-9_-]{16}$/;

export function normalizeIds<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, entry: unknown) =>
      key === 'id' && typeof entry === 'string' && GENERATED_ID.test(entry) ? '<generated>' : entry,
    ),
  ) as T;
}

/** The events a stream decoder makes of an SSE body delivered in the given chunks. */
export function decodeSse(decoder: StreamDecoder, chunks: Uint8Array[]): StreamEvent[] {
  const sse = new SseDecoder();
  const events: StreamEvent[] = [];
  const frames = chunks.flatMap((chunk) => sse.push(chunk));
  frames.push(...sse.end());
  for (const frame of frames) {
    if (frame.type !== 'event') continue;
    events.push(
      ...decoder.frame(
        frame.event === undefined ? { data: frame.data } : { event: frame.event, data: frame.data },
      ),
    );
  }
  events.push(...decoder.end());
  return events;
}

/** The bytes cut at random places (several cuts, some inside multi-byte characters). */
export function randomSplit(bytes: Uint8Array, seed: number): Uint8Array[] {
  const random = prng(seed);
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * Math.min(64, bytes.length - at));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** An SSE body as the SDK would read it from the network, in the given chunks. */
export function streamBody(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
