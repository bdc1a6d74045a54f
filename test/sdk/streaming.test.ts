// Stream timing through the official SDKs: keepalives during upstream silence (the harness
// sets them to 200 ms), events split across upstream writes, and client aborts.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { defaultReply, fixture, loadFixture, sse, stall } from '../fake-provider/index.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import {
  collect,
  DEFAULT_STREAM_TEXT,
  type Recorder,
  recorder,
  recordFor,
  sdkClients,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  ({ openai, anthropic, gemini } = sdkClients(rig.gw.url, rec.fetch, 'v1beta'));
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const messages = [{ role: 'user' as const, content: 'Say hello' }];
const anthropicParams = { model: 'an', max_tokens: 64, messages };
const geminiRequest = { model: 'gm', contents: 'Say hello' };

/** Upstream goes quiet for 500 ms after `afterFrames` frames: two keepalive periods. */
const pause = (afterFrames: number) => stall({ ms: 500, afterFrames }, defaultReply());

async function post(path: string, body: unknown): Promise<string> {
  const response = await fetch(rig.gw.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  return response.text();
}

describe('keepalives during upstream silence', () => {
  test('OpenAI: `: keepalive` comments are sent and the SDK ignores them', async () => {
    rig.fake.enqueue(pause(2));
    const text = await post('/v1/chat/completions', { model: 'oa', messages, stream: true });
    assert.match(text, /\n\n: keepalive\n\n/);

    rig.fake.enqueue(pause(2));
    const chunks = await collect(
      await openai.chat.completions.create({ model: 'oa', messages, stream: true }),
    );
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), DEFAULT_STREAM_TEXT);
  });

  test('Anthropic: `event: ping` is sent and the SDK ignores it', async () => {
    rig.fake.enqueue(pause(3));
    const text = await post('/v1/messages', { ...anthropicParams, stream: true });
    const pings = text.split('event: ping\n').length - 1;
    assert.ok(pings >= 2, `the upstream ping plus the gateway's (saw ${pings})`);

    rig.fake.enqueue(pause(3));
    assert.equal(await anthropic.messages.stream(anthropicParams).finalText(), DEFAULT_STREAM_TEXT);
  });

  test('Gemini (alt=sse): keepalive comments, and the SDK still reads every chunk', async () => {
    rig.fake.enqueue(pause(2));
    const text = await post('/v1beta/models/gm:streamGenerateContent?alt=sse', {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    assert.match(text, /: keepalive\n\n/);

    rig.fake.enqueue(pause(2));
    const chunks = await collect(await gemini.models.generateContentStream(geminiRequest));
    assert.equal(chunks.map((c) => c.text ?? '').join(''), DEFAULT_STREAM_TEXT);
  });

  test('a recorded Anthropic stream, paused mid-way: bytes unchanged apart from whole ping events', async () => {
    const name = 'anthropic/messages-stream-thinking-tool-use.json';
    rig.fake.enqueue(stall({ ms: 500, afterFrames: 5 }, fixture(name)));
    const text = await post('/v1/messages', { ...anthropicParams, stream: true });
    const gatewayPing = 'event: ping\ndata: {"type": "ping"}\n\n';
    assert.ok(text.includes(gatewayPing));
    assert.equal(
      text.split(gatewayPing).join(''),
      loadFixture(name).response.sse?.split(gatewayPing).join(''),
    );
  });
});

describe('an event split across upstream writes', () => {
  const chunk = (content: string | null, finish: string | null) =>
    JSON.stringify({
      id: 'chatcmpl-split',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, delta: content === null ? {} : { role: 'assistant', content }, finish_reason: finish },
      ],
    });
  const first = `data: ${chunk('Hello, split world', null)}\n\n`;
  const cut = first.indexOf('split');
  const frames = [
    first.slice(0, cut),
    first.slice(cut),
    `data: ${chunk(null, 'stop')}\n\n`,
    'data: [DONE]\n\n',
  ];

  test('keepalives never land inside the event; the SDK reads it whole', async () => {
    rig.fake.enqueue(sse(frames, { stallAfterFrames: 1, stallMs: 500 }));
    const text = await post('/v1/chat/completions', { model: 'oa', messages, stream: true });
    assert.ok(text.includes(first), 'the split event arrives in one piece');
    assert.equal(text.replaceAll(': keepalive\n\n', ''), frames.join(''));
    assert.ok(text.includes(': keepalive\n\n'));

    rig.fake.enqueue(sse(frames, { stallAfterFrames: 1, stallMs: 500 }));
    const completion = await openai.chat.completions
      .stream({ model: 'oa', messages, stream_options: { include_usage: false } })
      .finalChatCompletion();
    assert.equal(completion.choices[0]?.message.content, 'Hello, split world');
  });
});

describe('client aborts', () => {
  test('OpenAI SDK: aborting the stream aborts the upstream call; recorded as 499', async () => {
    rig.fake.enqueue(stall({ afterFrames: 2 }));
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'oa', messages, stream: true })
      .withResponse();
    for await (const _chunk of stream) {
      stream.controller.abort();
    }
    await rig.fake.waitForAborts(1);
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.status, 499);
  });

  test('Anthropic SDK: stream.abort() aborts the upstream call', async () => {
    rig.fake.enqueue(stall({ afterFrames: 4 }));
    const stream = anthropic.messages.stream(anthropicParams);
    stream.on('text', () => stream.abort());
    await assert.rejects(stream.finalMessage(), Anthropic.APIUserAbortError);
    await rig.fake.waitForAborts(1);
  });

  test('Gemini SDK: abortSignal aborts the upstream call', async () => {
    rig.fake.enqueue(stall({ afterFrames: 1 }));
    const controller = new AbortController();
    const stream = await gemini.models.generateContentStream({
      ...geminiRequest,
      config: { abortSignal: controller.signal },
    });
    await assert.rejects(async () => {
      for await (const _chunk of stream) controller.abort();
    });
    await rig.fake.waitForAborts(1);
  });
});
