import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ResponseContext } from '../../../src/canonical/codecs.ts';
import type { CanonicalResponse, StopReason, StreamEvent } from '../../../src/canonical/response.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { openaiChatInbound } from '../../../src/inbound/openai-chat/index.ts';
import { prng } from '../../support/prng.ts';
import { CASES, framesOf, loadCases, readJson } from './helpers.ts';

const CONTEXT: ResponseContext = {
  requestId: 'req_1',
  clientModel: 'my-endpoint',
  created: 1700000000,
  includeUsage: false,
  estimatedInputTokens: 0,
};

function contextWith(overrides: unknown): ResponseContext {
  return { ...CONTEXT, ...(isObject(overrides) ? overrides : {}) };
}

describe('OpenAI chat inbound: encodeResponse', () => {
  for (const { name, data } of loadCases('inbound/responses')) {
    it(`${name}: ${data['description']}`, () => {
      const response = data['response'] as CanonicalResponse;
      assert.deepEqual(
        openaiChatInbound.encodeResponse(response, contextWith(data['context'])),
        data['expected'],
      );
    });
  }

  const table = readJson(join(CASES, 'inbound/finish-reasons.json')) as {
    cases: { stopReason: StopReason; withoutToolCall: string; withToolCall: string }[];
  };
  for (const { stopReason, withoutToolCall, withToolCall } of table.cases) {
    it(`finish_reason for ${stopReason}: ${withoutToolCall}, with a tool call ${withToolCall}`, () => {
      const call = { type: 'tool_call' as const, id: 'c', name: 'f', arguments: '{}' };
      for (const [content, expected] of [
        [[], withoutToolCall],
        [[call], withToolCall],
      ] as const) {
        const response: CanonicalResponse = {
          id: 'x',
          model: 'm',
          content: [...content],
          stopReason,
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
          },
          created: 0,
        };
        const encoded = openaiChatInbound.encodeResponse(response, CONTEXT) as {
          choices: { finish_reason: string }[];
        };
        assert.equal(encoded.choices[0]!.finish_reason, expected);
        const encoder = openaiChatInbound.streamEncoder(CONTEXT);
        const sse = encoder.encode({ type: 'finish', stopReason }) + encoder.end();
        const streamed = content.length === 0 ? sse : encodeEvents(eventsFor(response, 1), CONTEXT);
        const finishes = framesOf(streamed).flatMap((frame) =>
          isObject(frame) && Array.isArray(frame['choices'])
            ? frame['choices'].map((choice) => choice.finish_reason)
            : [],
        );
        assert.deepEqual(
          finishes.filter((reason) => reason !== null),
          [expected],
        );
      }
    });
  }
});

/** A chunk in the short form the case files use: its delta and finish_reason, or its usage. */
function compact(frame: unknown, id: string): unknown {
  if (!isObject(frame) || !Array.isArray(frame['choices'])) return frame;
  assert.equal(frame['id'], id);
  assert.equal(frame['object'], 'chat.completion.chunk');
  assert.equal(frame['created'], CONTEXT.created);
  assert.equal(frame['model'], CONTEXT.clientModel);
  if (frame['choices'].length === 0) return { usage: frame['usage'] };
  assert.equal(frame['choices'].length, 1);
  assert.equal(frame['usage'], undefined);
  const { index, delta, logprobs, finish_reason } = frame['choices'][0];
  assert.equal(index, 0);
  assert.equal(logprobs, null);
  return finish_reason === null ? { delta } : { delta, finish_reason };
}

function encodeEvents(events: StreamEvent[], context: ResponseContext): string {
  const encoder = openaiChatInbound.streamEncoder(context);
  return events.map((event) => encoder.encode(event)).join('') + encoder.end();
}

describe('OpenAI chat inbound: stream encoder', () => {
  for (const { name, data } of loadCases('inbound/streams')) {
    it(`${name}: ${data['description']}`, () => {
      const expected = data['expected'] as { id: string; frames: unknown[] };
      const sse = encodeEvents(data['events'] as StreamEvent[], contextWith(data['context']));
      assert.ok(sse.split('\n\n').every((block) => block === '' || block.startsWith('data: ')));
      assert.deepEqual(
        framesOf(sse).map((frame) => compact(frame, expected.id)),
        expected.frames,
      );
    });
  }

  it('fail() writes the error frame once and nothing after it', () => {
    const encoder = openaiChatInbound.streamEncoder(CONTEXT);
    encoder.encode({ type: 'text', index: 0, text: 'a' });
    const frame = encoder.fail({
      status: 400,
      message: 'too long',
      contextLength: { promptTokens: 5, maxTokens: 4 },
    });
    assert.deepEqual(framesOf(frame), [
      { error: { message: 'too long', type: 'invalid_request_error', param: null, code: 'invalid_request' } },
    ]);
    assert.equal(encoder.fail({ status: 500, message: 'again' }), '');
    assert.equal(encoder.encode({ type: 'text', index: 0, text: 'b' }), '');
    assert.equal(encoder.end(), '');
  });
});

/**
 * The events a provider decoder could produce for a canonical answer: texts, thoughts and
 * tool arguments cut into random pieces (seeded), usage, then finish.
 */
function eventsFor(response: CanonicalResponse, seed: number): StreamEvent[] {
  const random = prng(seed);
  const pieces = (text: string): string[] => {
    const out: string[] = [];
    for (let at = 0; at < text.length; ) {
      const size = 1 + Math.floor(random() * 6);
      out.push(text.slice(at, at + size));
      at += size;
    }
    return out;
  };
  const events: StreamEvent[] = [{ type: 'start', id: response.id, model: response.model }];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        for (const text of pieces(part.text)) events.push({ type: 'text', index, text });
        break;
      case 'thinking':
        for (const text of pieces(part.text)) events.push({ type: 'thinking', index, text });
        if (part.signature) events.push({ type: 'thinking_signature', index, signature: part.signature });
        break;
      case 'redacted_thinking':
        events.push({ type: 'redacted_thinking', index, data: part.data });
        break;
      case 'tool_call':
        events.push({
          type: 'tool_call',
          index,
          id: part.id,
          name: part.name,
          ...(part.signature ? { signature: part.signature } : {}),
        });
        for (const json of pieces(part.arguments)) events.push({ type: 'tool_arguments', index, json });
        break;
    }
  });
  events.push({ type: 'usage', usage: response.usage });
  events.push({ type: 'finish', stopReason: response.stopReason });
  return events;
}

/** The SDK's accumulated completion, with `reasoning_content` summed from the chunks (the SDK keeps only the last piece of a field it does not know). */
async function accumulate(stream: ChatCompletionStream<null>): Promise<unknown> {
  let reasoning = '';
  stream.on('chunk', (chunk) => {
    const delta: unknown = chunk.choices[0]?.delta;
    if (isObject(delta) && typeof delta['reasoning_content'] === 'string')
      reasoning += delta['reasoning_content'];
  });
  const completion = structuredClone(await stream.finalChatCompletion()) as unknown as {
    choices: { message: Record<string, unknown> }[];
  };
  for (const choice of completion.choices) {
    delete choice.message['parsed'];
    if (reasoning) choice.message['reasoning_content'] = reasoning;
  }
  return completion;
}

function ndjsonStream(sse: string): ReadableStream<Uint8Array> {
  const lines = framesOf(sse)
    .filter((frame) => frame !== '[DONE]')
    .map((frame) => new TextEncoder().encode(JSON.stringify(frame) + '\n'));
  return new ReadableStream({
    start(controller) {
      for (const line of lines) controller.enqueue(line);
      controller.close();
    },
  });
}

function clientAnswering(sse: string): OpenAI {
  return new OpenAI({
    apiKey: 'test',
    baseURL: 'http://gateway.invalid/v1',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
}

describe('OpenAI chat inbound: the openai SDK accumulates the stream to the non-streamed answer', () => {
  const context = { ...CONTEXT, includeUsage: true };
  for (const { name, data } of loadCases('inbound/responses')) {
    const response = data['response'] as CanonicalResponse;
    const expected = openaiChatInbound.encodeResponse(response, context);
    for (const seed of [1, 2, 3]) {
      it(`${name} (seed ${seed}) via ChatCompletionStream.fromReadableStream`, async () => {
        const sse = encodeEvents(eventsFor(response, seed), context);
        assert.deepEqual(
          await accumulate(ChatCompletionStream.fromReadableStream(ndjsonStream(sse))),
          expected,
        );
      });
    }
    it(`${name} via client.chat.completions.stream() over SSE`, async () => {
      const sse = encodeEvents(eventsFor(response, 4), context);
      const stream = clientAnswering(sse).chat.completions.stream({
        model: 'my-endpoint',
        messages: [{ role: 'user', content: 'Hi' }],
        stream_options: { include_usage: true },
      });
      assert.deepEqual(await accumulate(stream), expected);
    });
  }

  it('the SDK raises the error frame as an APIError', async () => {
    const encoder = openaiChatInbound.streamEncoder(context);
    const sse =
      encoder.encode({ type: 'start', id: 'chatcmpl-1' }) +
      encoder.encode({ type: 'text', index: 0, text: 'Hel' }) +
      encoder.fail({ status: 429, message: 'slow down' });
    const stream = clientAnswering(sse).chat.completions.stream({
      model: 'my-endpoint',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await assert.rejects(stream.finalChatCompletion(), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.message, 'slow down');
      assert.equal(error.type, 'rate_limit_error');
      return true;
    });
  });
});
