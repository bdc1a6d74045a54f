import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { Response as SdkResponse } from 'openai/resources/responses/responses';
import type { ResponseContext } from '../../../src/canonical/codecs.ts';
import type { CanonicalResponse, OutputPart, StreamEvent } from '../../../src/canonical/response.ts';
import { arrayOf, isObject, type JsonObject, numberOf, stringOf } from '../../../src/canonical/wire.ts';
import { type Usage, usage } from '../../../src/core/usage.ts';
import { SseDecoder, type SseEvent } from '../../../src/transport/sse-decoder.ts';
import { prng } from '../../support/prng.ts';

export const DATA = join(import.meta.dirname, '../../data/translation/openai-responses');
export const FIXTURES = join(import.meta.dirname, '../../data/fixtures/openai');

export function context(overrides: Partial<ResponseContext> = {}): ResponseContext {
  return {
    requestId: 'req_test0001',
    clientModel: 'my-endpoint',
    created: 1_700_000_000,
    includeUsage: false,
    estimatedInputTokens: 42,
    ...overrides,
  };
}

export function readCases<T>(folder: string): { name: string; value: T }[] {
  const dir = join(DATA, folder);
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  // A renamed or emptied folder must fail, not pass with zero cases.
  if (files.length === 0) throw new Error(`no cases in ${dir}`);
  return files
    .sort()
    .map((name) => ({ name, value: JSON.parse(readFileSync(join(dir, name), 'utf8')) as T }));
}

export interface Fixture {
  name: string;
  description: string;
  request: { body: JsonObject };
  response: { status: number; body?: unknown; sse?: string };
}

export function responsesFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.startsWith('responses-') && name.endsWith('.json'))
    .sort()
    .map((name) => ({
      name,
      ...(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Omit<Fixture, 'name'>),
    }));
}

/** SSE text as frames, pushed through SseDecoder in random chunks when a seed is given. */
export function sseEvents(text: string, seed?: number): SseEvent[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new SseDecoder();
  const frames = [];
  for (const chunk of chunks(bytes, seed)) frames.push(...decoder.push(chunk));
  frames.push(...decoder.end());
  return frames.filter((frame): frame is SseEvent => frame.type === 'event');
}

function chunks(bytes: Uint8Array, seed: number | undefined): Uint8Array[] {
  if (seed === undefined) return [bytes];
  const random = prng(seed);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** An SDK client whose every request gets `body` back, as SSE when it is a string. */
function clientServing(body: string | object, seed?: number): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://switchyard.test/v1',
    maxRetries: 0,
    fetch: async () => {
      if (typeof body !== 'string') {
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      }
      const parts = chunks(new TextEncoder().encode(body), seed);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    },
  });
}

/** What `client.responses.stream(...).finalResponse()` makes of an SSE body. */
export async function sdkStreamFinal(sse: string, seed?: number): Promise<unknown> {
  const stream = clientServing(sse, seed).responses.stream({ model: 'my-endpoint', input: 'hi' });
  return withoutParsed(await stream.finalResponse());
}

/** What `client.responses.create(...)` makes of a JSON body (the SDK adds `output_text`). */
export async function sdkCreate(json: object): Promise<unknown> {
  return JSON.parse(
    JSON.stringify(await clientServing(json).responses.create({ model: 'my-endpoint', input: 'hi' })),
  );
}

/** The SDK's stream helper adds parse results (`output_parsed`, `parsed`, `parsed_arguments`). */
function withoutParsed(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, inner) =>
    key === 'output_parsed' || key === 'parsed' || key === 'parsed_arguments' ? undefined : inner,
  );
}

/**
 * The response the SDK's accumulator builds from the deltas alone: the `*.done` and terminal
 * events are left out, since their whole texts and items would hide a wrong delta.
 */
export function accumulatedFromDeltas(sse: string): SdkResponse {
  let snapshot: SdkResponse | undefined;
  for (const frame of sseEvents(sse)) {
    const event = JSON.parse(frame.data);
    if (event.type === 'error' || event.type.endsWith('.done')) continue;
    if (['response.completed', 'response.incomplete', 'response.failed'].includes(event.type)) continue;
    snapshot = accumulateResponse(event, snapshot);
  }
  if (!snapshot) throw new Error('no events');
  return snapshot;
}

function usageOf(value: unknown): Usage {
  if (!isObject(value)) return usage({});
  const cached = numberOf(
    isObject(value['input_tokens_details']) ? value['input_tokens_details']['cached_tokens'] : 0,
  );
  const reasoning = isObject(value['output_tokens_details'])
    ? numberOf(value['output_tokens_details']['reasoning_tokens'])
    : 0;
  return usage({
    inputTokens: (numberOf(value['input_tokens']) ?? 0) - (cached ?? 0),
    cacheReadTokens: cached ?? 0,
    outputTokens: numberOf(value['output_tokens']) ?? 0,
    reasoningTokens: reasoning ?? 0,
  });
}

function stopOf(response: JsonObject): CanonicalResponse['stopReason'] {
  const reason = isObject(response['incomplete_details'])
    ? response['incomplete_details']['reason']
    : undefined;
  if (reason === 'max_output_tokens') return 'max_tokens';
  if (reason === 'content_filter') return 'content_filter';
  return arrayOf(response['output']).some((item) => isObject(item) && item['type'] === 'function_call')
    ? 'tool_use'
    : 'end_turn';
}

function summaryOf(item: JsonObject): string {
  return arrayOf(item['summary'])
    .map((part) => (isObject(part) ? (stringOf(part['text']) ?? '') : ''))
    .join('\n\n');
}

/**
 * A recorded OpenAI answer as the canonical answer a backend decoder would give for it
 * (test scaffolding: it reads only what the canonical model carries; hosted tool items and
 * OpenAI's encrypted reasoning have no canonical form).
 */
export function canonicalFromRecorded(body: JsonObject): CanonicalResponse {
  const content: OutputPart[] = [];
  for (const item of arrayOf(body['output'])) {
    if (!isObject(item)) continue;
    if (item['type'] === 'message') {
      for (const part of arrayOf(item['content'])) {
        if (isObject(part) && part['type'] === 'output_text')
          content.push({ type: 'text', text: String(part['text']) });
      }
    } else if (item['type'] === 'reasoning' && summaryOf(item) !== '') {
      content.push({ type: 'thinking', text: summaryOf(item) });
    } else if (item['type'] === 'function_call') {
      content.push({
        type: 'tool_call',
        id: String(item['call_id']),
        name: String(item['name']),
        arguments: String(item['arguments']),
      });
    }
  }
  return {
    id: String(body['id']),
    model: String(body['model']),
    content,
    stopReason: stopOf(body),
    usage: usageOf(body['usage']),
    created: numberOf(body['created_at']) ?? 0,
  };
}

/** A recorded OpenAI stream as canonical stream events (the same scaffolding, event by event). */
export function canonicalEventsFromRecorded(frames: SseEvent[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  const partOf = new Map<number, number>();
  let nextPart = 0;
  const part = (outputIndex: number) => {
    let index = partOf.get(outputIndex);
    if (index === undefined) {
      index = nextPart++;
      partOf.set(outputIndex, index);
    }
    return index;
  };
  for (const frame of frames) {
    const event = JSON.parse(frame.data) as JsonObject;
    const outputIndex = numberOf(event['output_index']) ?? -1;
    switch (event['type']) {
      case 'response.created':
        events.push({ type: 'start' });
        break;
      case 'response.output_item.added': {
        const item = event['item'] as JsonObject;
        if (item['type'] === 'function_call') {
          events.push({
            type: 'tool_call',
            index: part(outputIndex),
            id: String(item['call_id']),
            name: String(item['name']),
          });
        }
        break;
      }
      case 'response.output_text.delta':
        events.push({ type: 'text', index: part(outputIndex), text: String(event['delta']) });
        break;
      case 'response.reasoning_summary_part.added':
        if (event['summary_index'] !== 0)
          events.push({ type: 'thinking', index: part(outputIndex), text: '\n\n' });
        break;
      case 'response.reasoning_summary_text.delta':
        events.push({ type: 'thinking', index: part(outputIndex), text: String(event['delta']) });
        break;
      case 'response.function_call_arguments.delta':
        events.push({ type: 'tool_arguments', index: part(outputIndex), json: String(event['delta']) });
        break;
      case 'response.completed':
      case 'response.incomplete': {
        const response = event['response'] as JsonObject;
        events.push({ type: 'finish', stopReason: stopOf(response) });
        events.push({ type: 'usage', usage: usageOf(response['usage']) });
        break;
      }
    }
  }
  return events;
}
