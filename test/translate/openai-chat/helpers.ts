import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamDecoder } from '../../../src/canonical/codecs.ts';
import type { StreamEvent } from '../../../src/canonical/response.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { SseDecoder } from '../../../src/transport/sse-decoder.ts';
import { prng } from '../../support/prng.ts';

const ROOT = new URL('../../data/', import.meta.url).pathname;
export const CASES = join(ROOT, 'translation/openai-chat');
export const FIXTURES = join(ROOT, 'fixtures/openai');

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every `<name>.json` in a case folder, sorted, with its parsed content. */
export function loadCases(folder: string): { name: string; data: Record<string, unknown> }[] {
  const dir = join(CASES, folder);
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  // A renamed or emptied folder must fail, not pass with zero cases.
  if (files.length === 0) throw new Error(`no cases in ${dir}`);
  return files.sort().map((file) => {
    const data = readJson(join(dir, file));
    assert.ok(isObject(data), `${file} must hold an object`);
    return { name: file.replace(/\.json$/, ''), data };
  });
}

export interface Fixture {
  name: string;
  request: { body: Record<string, unknown> };
  response: { status: number; body?: unknown; sse?: string };
}

/** The recorded OpenAI chat exchanges. */
export function chatFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.startsWith('chat-') && file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      ...(readJson(join(FIXTURES, file)) as Omit<Fixture, 'name'>),
    }));
}

/**
 * `actual` with the values `expected` marks `"$match:<regexp>"` checked against the regexp
 * and replaced by the marker, so generated ids can be compared with deepEqual.
 */
export function matchMarkers(actual: unknown, expected: unknown): unknown {
  if (typeof expected === 'string' && expected.startsWith('$match:')) {
    assert.equal(typeof actual, 'string', `expected a string matching ${expected}`);
    assert.match(actual as string, new RegExp(expected.slice('$match:'.length)));
    return expected;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item, i) => matchMarkers(item, expected[i]));
  }
  if (isObject(expected) && isObject(actual)) {
    return Object.fromEntries(
      Object.entries(actual).map(([key, value]) => [key, matchMarkers(value, expected[key])]),
    );
  }
  return actual;
}

/** Runs `fn` and checks it throws a 400 GatewayError naming `param` and saying `message`. */
export function assertInvalid(fn: () => unknown, param: string | undefined, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_request');
    if (param !== undefined) assert.equal(error.param, param);
    assert.ok(
      error.message.includes(message),
      `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(message)}`,
    );
    return true;
  });
}

/** SSE text through SseDecoder in pieces cut at random byte offsets (seeded), into a stream decoder. */
export function decodeSse(text: string, decoder: StreamDecoder, seed?: number): StreamEvent[] {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: Uint8Array[] = [];
  if (seed === undefined) pieces.push(bytes);
  else {
    const random = prng(seed);
    let at = 0;
    while (at < bytes.length) {
      const size = 1 + Math.floor(random() * 40);
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
  }
  const sse = new SseDecoder();
  const events: StreamEvent[] = [];
  const feed = (frames: ReturnType<SseDecoder['push']>) => {
    for (const frame of frames) {
      if (frame.type !== 'event') continue;
      events.push(
        ...decoder.frame(
          frame.event === undefined ? { data: frame.data } : { event: frame.event, data: frame.data },
        ),
      );
    }
  };
  for (const piece of pieces) feed(sse.push(piece));
  feed(sse.end());
  events.push(...decoder.end());
  return events;
}

/** SSE data frames (`data: ...`) from a list of chunk objects or raw strings. */
export function sseOf(frames: unknown[]): string {
  return frames
    .map((frame) => `data: ${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n\n`)
    .join('');
}

/** The data of each frame an encoder wrote: parsed JSON, or the raw text (`[DONE]`). */
export function framesOf(sse: string): unknown[] {
  const decoder = new SseDecoder();
  const frames = [...decoder.push(Buffer.from(sse, 'utf8')), ...decoder.end()];
  assert.equal(decoder.partialRaw, '', 'the encoder wrote a partial frame');
  return frames.map((frame) => {
    assert.equal(frame.type, 'event');
    if (frame.type !== 'event') return undefined;
    assert.equal(frame.event, undefined, 'OpenAI chat frames carry no event name');
    return frame.data === '[DONE]' ? frame.data : JSON.parse(frame.data);
  });
}
