import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { Message as SdkMessage } from '@anthropic-ai/sdk/resources/messages';
import { Stream } from '@anthropic-ai/sdk/streaming';
import type { ResponseContext, StreamDecoder } from '../../../src/canonical/codecs.ts';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import type {
  CanonicalResponse,
  OutputPart,
  StreamEvent,
  UpstreamFailure,
} from '../../../src/canonical/response.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { usage } from '../../../src/core/usage.ts';
import { SseDecoder } from '../../../src/transport/sse-decoder.ts';
import { prng } from '../../support/prng.ts';

const ROOT = new URL('../../data/', import.meta.url).pathname;
export const CASES = join(ROOT, 'translation/anthropic-messages');
export const FIXTURES = join(ROOT, 'fixtures/anthropic');

export const SEEDS = [1, 2, 3, 42, 1234, 99991];

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export interface Case {
  name: string;
  data: Record<string, unknown>;
}

/** Every `<name>.json` in a case folder, sorted, with its parsed content. */
export function loadCases(folder: string): Case[] {
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
  request: { path: string; body: Record<string, unknown> };
  response: { status: number; body?: unknown; sse?: string };
}

/** The recorded Anthropic Messages exchanges (count_tokens ones excluded). */
export function messagesFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.startsWith('messages-') && file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      ...(readJson(join(FIXTURES, file)) as Omit<Fixture, 'name'>),
    }));
}

export function context(overrides: Partial<ResponseContext> = {}): ResponseContext {
  return {
    requestId: 'req_test',
    clientModel: 'claude-via-switchyard',
    created: 1_700_000_000,
    includeUsage: false,
    estimatedInputTokens: 42,
    ...overrides,
  };
}

/** A canonical request with the required fields defaulted. */
export function canonicalRequest(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'client-model',
    system: [],
    messages: [],
    tools: [],
    stream: false,
    dialectOnly: [],
    ...partial,
  };
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

export function assertMatches(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(matchMarkers(plain(actual), expected), expected, message);
}

/** A value as JSON would carry it (no undefined members, no non-enumerable extras). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Checks `fn` throws a GatewayError with the case's expected code, status, param and message text. */
export function assertGatewayError(fn: () => unknown, expected: Record<string, unknown>): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.code, expected['code'] ?? 'invalid_request');
    assert.equal(error.status, expected['status'] ?? 400);
    if (expected['param'] !== undefined) assert.equal(error.param, expected['param']);
    const text = String(expected['message']);
    assert.ok(
      error.message.includes(text),
      `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(text)}`,
    );
    return true;
  });
}

/** Byte chunks of `text`, cut at seeded random offsets (or whole without a seed). */
export function split(text: string, seed?: number): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  if (seed === undefined) return [bytes];
  const random = prng(seed);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** SSE text through SseDecoder (in random pieces when seeded) into a stream decoder. */
export function decodeSse(text: string, decoder: StreamDecoder, seed?: number): StreamEvent[] {
  const sse = new SseDecoder();
  const events: StreamEvent[] = [];
  const take = (frames: ReturnType<SseDecoder['push']>): void => {
    for (const frame of frames) {
      if (frame.type !== 'event') continue;
      events.push(...decoder.frame(frame.event === undefined ? { data: frame.data } : frame));
    }
  };
  for (const piece of split(text, seed)) take(sse.push(piece));
  take(sse.end());
  events.push(...decoder.end());
  return events;
}

/**
 * The answer a list of canonical events adds up to, built independently of any codec:
 * parts in order of first appearance, text and arguments concatenated, the last usage.
 */
export function collect(events: StreamEvent[]): { response: CanonicalResponse; error?: UpstreamFailure } {
  const parts = new Map<number, OutputPart>();
  const response: CanonicalResponse = {
    id: '',
    model: '',
    content: [],
    stopReason: 'end_turn',
    usage: usage({}),
    created: 0,
  };
  let error: UpstreamFailure | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'start':
        response.id = event.id ?? '';
        response.model = event.model ?? '';
        if (event.usage) response.usage = event.usage;
        break;
      case 'text': {
        const part = parts.get(event.index) ?? { type: 'text', text: '' };
        assert.equal(part.type, 'text');
        if (part.type === 'text') part.text += event.text;
        parts.set(event.index, part);
        break;
      }
      case 'thinking': {
        const part = parts.get(event.index) ?? { type: 'thinking', text: '' };
        if (part.type === 'thinking') part.text += event.text;
        parts.set(event.index, part);
        break;
      }
      case 'thinking_signature': {
        const part = parts.get(event.index) ?? { type: 'thinking', text: '' };
        if (part.type === 'thinking') part.signature = event.signature;
        parts.set(event.index, part);
        break;
      }
      case 'redacted_thinking':
        parts.set(event.index, { type: 'redacted_thinking', data: event.data });
        break;
      case 'tool_call':
        parts.set(event.index, {
          type: 'tool_call',
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature ? { signature: event.signature } : {}),
        });
        break;
      case 'tool_arguments': {
        const part = parts.get(event.index);
        assert.equal(part?.type, 'tool_call', `arguments for part ${event.index}, which is no tool call`);
        if (part?.type === 'tool_call') part.arguments += event.json;
        break;
      }
      case 'usage':
        response.usage = event.usage;
        break;
      case 'finish':
        response.stopReason = event.stopReason;
        if (event.stopSequence !== undefined) response.stopSequence = event.stopSequence;
        break;
      case 'error':
        error = event.error;
        break;
    }
  }
  response.content = [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
  return error ? { response, error } : { response };
}

/** A ReadableStream serving the chunks, one per pull. */
function readable(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[at++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

/**
 * The official SDK reading SSE bytes as it would from api.anthropic.com: its own SSE parser
 * (`Stream.fromSSEResponse`, which drops data-only frames and raises on `event: error`)
 * feeding `MessageStream`'s accumulator, through a `fetch` that serves the bytes.
 */
export async function sdkFinalMessage(text: string, seed?: number): Promise<SdkMessage> {
  const client = new Anthropic({
    apiKey: 'test-key',
    maxRetries: 0,
    fetch: async () =>
      new Response(readable(split(text, seed)), {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      }),
  });
  const stream = client.messages.stream({
    model: 'claude-test',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return stream.finalMessage();
}

/**
 * The same bytes through `MessageStream.fromReadableStream`, which reads the SDK's own
 * newline-delimited JSON (what `Stream.toReadableStream()` writes), not SSE: so the SSE is
 * parsed by `Stream.fromSSEResponse` first, as the client does.
 */
export async function sdkFromReadableStream(text: string, seed?: number): Promise<SdkMessage> {
  const response = new Response(readable(split(text, seed)), {
    headers: { 'content-type': 'text/event-stream' },
  });
  const events = Stream.fromSSEResponse(response, new AbortController());
  return MessageStream.fromReadableStream(events.toReadableStream()).finalMessage();
}

/** The SDK's accumulated message as plain JSON, without the SDK-only `parsed_output`. */
export function sdkPlain(message: SdkMessage): Record<string, unknown> {
  const { parsed_output: _, ...rest } = plain(message) as unknown as Record<string, unknown>;
  return rest;
}

interface WireEvent {
  type: string;
  index?: number;
  content_block?: { type: string };
  delta?: { type: string };
  [key: string]: unknown;
}

const DELTA_FOR_BLOCK: Readonly<Record<string, readonly string[]>> = {
  text: ['text_delta'],
  tool_use: ['input_json_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  redacted_thinking: [],
};

/**
 * Parses an encoder's output and checks the rules a strict Anthropic client holds it to:
 * every frame named for its data's type, no `[DONE]`, `message_start` first, block indices
 * 0..n with at most one open and deltas matching their block, then one `message_delta`
 * and `message_stop` last (or an `error` frame ending it).
 */
export function checkAnthropicStream(text: string): WireEvent[] {
  assert.ok(!text.includes('[DONE]'), 'an Anthropic stream never carries [DONE]');
  const sse = new SseDecoder();
  const frames = [...sse.push(Buffer.from(text, 'utf8')), ...sse.end()];
  assert.equal(sse.partialRaw, '', 'the stream ends on a whole frame');
  const events: WireEvent[] = [];
  for (const frame of frames) {
    assert.equal(frame.type, 'event', 'no comment frames from the encoder');
    if (frame.type !== 'event') continue;
    const data = JSON.parse(frame.data) as WireEvent;
    assert.equal(frame.event, data.type, 'the event name equals the data type');
    events.push(data);
  }
  const failed = events.at(-1)?.type === 'error';
  if (events.length > 0 && !(failed && events.length === 1)) {
    assert.equal(events[0]!.type, 'message_start', 'message_start comes first');
  }
  let open: { index: number; type: string } | undefined;
  let nextIndex = 0;
  let deltas = 0;
  for (const [at, event] of events.entries()) {
    switch (event.type) {
      case 'message_start':
        assert.equal(at, 0, 'one message_start, first');
        break;
      case 'content_block_start':
        assert.equal(open, undefined, `block ${event.index} opened while block ${open?.index} is open`);
        assert.equal(event.index, nextIndex, 'block indices run 0..n');
        open = { index: nextIndex++, type: event.content_block!.type };
        break;
      case 'content_block_delta':
        assert.ok(open, 'a delta outside any block');
        assert.equal(event.index, open.index, 'a delta for a block that is not the open one');
        assert.ok(
          DELTA_FOR_BLOCK[open.type]?.includes(event.delta!.type),
          `${event.delta!.type} in a ${open.type} block`,
        );
        break;
      case 'content_block_stop':
        assert.ok(open, 'a stop outside any block');
        assert.equal(event.index, open.index);
        open = undefined;
        break;
      case 'message_delta':
        assert.equal(open, undefined, 'message_delta with a block open');
        deltas++;
        assert.equal(deltas, 1, 'one message_delta');
        break;
      case 'message_stop':
        assert.equal(at, events.length - 1, 'message_stop comes last');
        assert.equal(events[at - 1]?.type, 'message_delta', 'message_delta right before message_stop');
        break;
      case 'error':
        assert.equal(at, events.length - 1, 'nothing after an error');
        break;
      default:
        assert.fail(`unexpected event ${event.type}`);
    }
  }
  if (!failed && events.length > 0) {
    assert.equal(events.at(-1)!.type, 'message_stop', 'the stream ends with message_stop');
    assert.ok(nextIndex > 0, 'at least one finished block');
  }
  return events;
}
