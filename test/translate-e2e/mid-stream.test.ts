// Failures after a translated stream has begun, for every translated pair: the backend's
// connection dies (fake `failAfterFrames`), the backend reports an error inside its stream, or
// the stream ends cleanly before it is complete. The client must get its dialect's error frame
// (Anthropic `event: error`, an OpenAI chat data frame holding `error`, a Responses `error`
// event, a Gemini chunk holding `error`) as the last frame, never a normal ending, and its SDK
// must throw.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { SseDecoder, type SseEvent } from '../../src/transport/sse-decoder.ts';
import {
  failAfterFrames,
  loadFixture,
  type Reply,
  splitSseFrames,
  sse,
  truncateAfterFrames,
} from '../fake-provider/index.ts';
import { CLIENT_KEY, collect, recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { answerReply, at, type Backend, type ClientDialect, PAIRS } from './support.ts';

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const PROMPT = 'How do I cross the street?';

/** A streamed answer per backend, and how many of its frames go out before the failure. */
const STREAMS: Readonly<Record<Backend, { answer: string; frames: number }>> = {
  vl: { answer: 'e2e:vllm-stream-reasoning-text.json', frames: 4 },
  an: { answer: 'anthropic/messages-stream-thinking.json', frames: 6 },
  gm: { answer: 'gemini/stream-sse-thinking.json', frames: 2 },
};

/** The first `count` SSE frames of a recorded stream. */
function firstFrames(name: string, count: number): string[] {
  return splitSseFrames(loadFixture(name).response.sse ?? '').slice(0, count);
}

/** A backend stream that reports an error in its own dialect after some content. */
const ERROR_EVENTS: Readonly<Record<Backend, { reply: Reply; status: number; message: string }>> = {
  an: {
    reply: sse([
      ...firstFrames('anthropic/messages-stream-thinking.json', 6),
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ]),
    status: 529,
    message: 'Overloaded',
  },
  vl: {
    reply: sse([
      ...firstFrames('openai/chat-stream-text.json', 3),
      'data: {"error":{"object":"error","message":"CUDA out of memory while decoding","type":"InternalServerError","param":null,"code":500}}\n\n',
    ]),
    status: 500,
    message: 'CUDA out of memory while decoding',
  },
  gm: {
    reply: sse(
      [
        ...firstFrames('gemini/stream-sse-thinking.json', 2),
        'data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n',
      ],
      { contentType: 'text/event-stream' },
    ),
    status: 503,
    message: 'The model is overloaded. Please try again later.',
  },
};

/** The raw request each client dialect streams with. */
function streamRequest(client: ClientDialect, model: string): { path: string; body: unknown } {
  switch (client) {
    case 'chat':
      return {
        path: '/v1/chat/completions',
        body: { model, messages: [{ role: 'user', content: PROMPT }], stream: true },
      };
    case 'responses':
      return { path: '/v1/responses', body: { model, input: PROMPT, stream: true } };
    case 'messages':
      return {
        path: '/v1/messages',
        body: { model, max_tokens: 1024, messages: [{ role: 'user', content: PROMPT }], stream: true },
      };
    case 'gemini':
      return {
        path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
        body: { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] },
      };
  }
}

/** Streams a raw request and returns the SSE events the client received. */
async function rawStream(client: ClientDialect, model: string): Promise<SseEvent[]> {
  const { path, body } = streamRequest(client, model);
  const response = await fetch(rig.gw.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${CLIENT_KEY}`,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, 'the stream began');
  const decoder = new SseDecoder();
  const frames = [...decoder.push(new Uint8Array(await response.arrayBuffer())), ...decoder.end()];
  return frames.filter((frame): frame is SseEvent => frame.type === 'event');
}

/** The error the client's last frame reports, checked for its dialect's shape; content came first. */
function lastFrameError(
  client: ClientDialect,
  events: SseEvent[],
): { status?: number; type: string; message: string } {
  assert.ok(events.length >= 2, 'content frames came before the error');
  const last = events.at(-1)!;
  const data: unknown = JSON.parse(last.data);
  const names = events.map((e) => e.event);
  switch (client) {
    case 'messages':
      assert.equal(names[0], 'message_start');
      assert.ok(names.includes('content_block_delta'), 'deltas reached the client before the failure');
      assert.ok(!names.includes('message_stop'), 'no message_stop');
      assert.ok(!names.includes('message_delta'), 'no message_delta');
      assert.equal(last.event, 'error');
      assert.equal(at(data, 'type'), 'error');
      return { type: String(at(data, 'error', 'type')), message: String(at(data, 'error', 'message')) };
    case 'chat':
      assert.ok(
        events.every((e) => e.data !== '[DONE]'),
        'no [DONE]',
      );
      assert.ok(
        events.slice(0, -1).every((e) => at(JSON.parse(e.data), 'object') === 'chat.completion.chunk'),
        'chunks came before the error',
      );
      assert.ok(
        events.slice(0, -1).every((e) => at(JSON.parse(e.data), 'choices', 0, 'finish_reason') == null),
        'no finish_reason before the error',
      );
      return { type: String(at(data, 'error', 'type')), message: String(at(data, 'error', 'message')) };
    case 'responses': {
      // The `error` event (the SDK raises on it), then `response.failed` closing the lifecycle.
      assert.equal(names[0], 'response.created');
      assert.ok(!names.includes('response.completed'), 'no response.completed');
      assert.ok(!names.includes('response.incomplete'), 'no response.incomplete');
      assert.deepEqual(names.slice(-2), ['error', 'response.failed']);
      const error: unknown = JSON.parse(events.at(-2)!.data);
      assert.equal(at(data, 'response', 'status'), 'failed');
      assert.equal(at(data, 'response', 'error', 'message'), at(error, 'message'));
      return { type: String(at(error, 'code')), message: String(at(error, 'message')) };
    }
    case 'gemini': {
      assert.ok(
        events
          .slice(0, -1)
          .every((e) => at(JSON.parse(e.data), 'candidates', 0, 'finishReason') === undefined),
        'no finishReason before the error',
      );
      const code = at(data, 'error', 'code');
      assert.equal(typeof code, 'number');
      return {
        status: Number(code),
        type: String(at(data, 'error', 'status')),
        message: String(at(data, 'error', 'message')),
      };
    }
  }
}

/** Streams through the SDK; returns what it threw. */
async function sdkStreamError(client: ClientDialect, model: string): Promise<unknown> {
  try {
    switch (client) {
      case 'chat':
        await collect(
          await sdks.openai.chat.completions.create({
            model,
            messages: [{ role: 'user', content: PROMPT }],
            stream: true,
          }),
        );
        break;
      case 'responses':
        await collect(await sdks.openai.responses.create({ model, input: PROMPT, stream: true }));
        break;
      case 'messages':
        await sdks.anthropic.messages
          .stream({ model, max_tokens: 1024, messages: [{ role: 'user', content: PROMPT }] })
          .finalMessage();
        break;
      case 'gemini':
        await collect(await sdks.gemini.models.generateContentStream({ model, contents: PROMPT }));
        break;
    }
  } catch (error) {
    return error;
  }
  return assert.fail('the SDK finished the stream without an error');
}

/** The SDK's exception is its dialect's API error class. */
function checkSdkError(client: ClientDialect, error: unknown, status: number): void {
  switch (client) {
    case 'chat':
    case 'responses':
      assert.ok(error instanceof OpenAI.APIError, `an OpenAI APIError, got ${String(error)}`);
      break;
    case 'messages':
      assert.ok(error instanceof Anthropic.APIError, `an Anthropic APIError, got ${String(error)}`);
      assert.equal(at(error.error, 'type'), 'error');
      break;
    case 'gemini':
      assert.ok(error instanceof ApiError, `a Gemini ApiError, got ${String(error)}`);
      assert.equal(error.status, status);
      break;
  }
}

/** Error types a failure of `status` shows as, per dialect (Anthropic: 502/503 → 529). */
function errorType(client: ClientDialect, status: number): string {
  const anthropic = status === 502 || status === 503 ? 529 : status;
  switch (client) {
    case 'messages':
      return anthropic === 529 ? 'overloaded_error' : 'api_error';
    case 'gemini':
      return status === 500 ? 'INTERNAL' : 'UNAVAILABLE';
    default:
      return 'server_error';
  }
}

describe('the backend connection dies mid-stream', () => {
  for (const { client, backend } of PAIRS) {
    const { answer, frames } = STREAMS[backend];
    test(`${backend} → ${client} client`, async () => {
      rig.fake.enqueue(failAfterFrames(frames, answerReply(answer)));
      const failure = lastFrameError(client, await rawStream(client, backend));
      assert.equal(failure.type, errorType(client, 502));
      assert.match(failure.message, /connection failed mid-stream/);
      if (client === 'gemini') assert.equal(failure.status, 502);

      rig.fake.enqueue(failAfterFrames(frames, answerReply(answer)));
      checkSdkError(client, await sdkStreamError(client, backend), 502);
    });
  }
});

describe('the backend reports an error inside its stream', () => {
  for (const { client, backend } of PAIRS) {
    const { reply, status, message } = ERROR_EVENTS[backend];
    test(`${backend} error event (${status}) → ${client} client`, async () => {
      rig.fake.enqueue(reply);
      const failure = lastFrameError(client, await rawStream(client, backend));
      assert.equal(failure.type, errorType(client, status));
      assert.ok(failure.message.includes(message), `"${failure.message}" keeps the backend's message`);
      if (client === 'gemini') assert.equal(failure.status, status);

      rig.fake.enqueue(reply);
      checkSdkError(client, await sdkStreamError(client, backend), status);
    });
  }
});

describe('the backend stream ends cleanly before it is complete', () => {
  for (const { client, backend } of PAIRS) {
    const { answer, frames } = STREAMS[backend];
    test(`${backend} cut after ${frames} frames → ${client} client sees an error, not a normal end`, async () => {
      rig.fake.enqueue(truncateAfterFrames(frames, answerReply(answer)));
      const failure = lastFrameError(client, await rawStream(client, backend));
      assert.equal(failure.type, errorType(client, 502));
      assert.match(failure.message, /before it was complete/);
    });
  }
});
