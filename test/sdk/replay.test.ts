// Recorded provider exchanges (test/data/fixtures) replayed by the fake provider and read
// through the official SDKs: what each SDK accumulates, the bytes the client gets, and the
// usage the gateway records (the numbers are the fixtures' own).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { fixture, loadFixture, splitSseFrames } from '../fake-provider/index.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import {
  assertUsage,
  CLIENT_KEY,
  collect,
  type Recorder,
  recorder,
  recordFor,
  sdkClients,
  withModel,
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

async function lastRecord() {
  return recordFor(rig, rec.lastHeaders().get('x-request-id'));
}

function sseOf(name: string): string {
  const sse = loadFixture(name).response.sse;
  assert.ok(sse !== undefined, `${name} is an SSE fixture`);
  return sse;
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_current_temperature',
    description: 'Get the current temperature in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const question = [{ role: 'user' as const, content: 'What is the temperature in San Francisco?' }];

describe('OpenAI', () => {
  test('chat-stream-tool-call: .stream() accumulates the tool call; the gateway’s usage chunk is withheld', async () => {
    rig.fake.enqueue(fixture('openai/chat-stream-tool-call.json'));
    const stream = openai.chat.completions.stream({ model: 'oa', messages: question, tools: [weatherTool] });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    stream.on('chunk', (c) => chunks.push(c));
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    const call = choice?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.id, 'call_QXZLQbxriC1eBnOMXLPMopfe');
    assert.equal(call.function.name, 'get_current_temperature');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'San Francisco' });
    assert.equal(chunks.length, 8, 'every chunk but the usage-only one');
    assert.ok(chunks.every((c) => c.choices.length > 0));
    assertUsage(await lastRecord(), { inputTokens: 66, outputTokens: 16 });
  });

  test('chat-stream-tool-call with the client’s include_usage: the exact recorded bytes come back', async () => {
    const name = 'openai/chat-stream-tool-call.json';
    rig.fake.enqueue(fixture(name));
    const response = await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify(withModel('oa')(loadFixture(name).request.body as Record<string, unknown>)),
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), sseOf(name));
  });

  test('chat-stream-parallel-tool-calls: two tool calls, and the usage chunk the client asked for', async () => {
    rig.fake.enqueue(fixture('openai/chat-stream-parallel-tool-calls.json'));
    const stream = await openai.chat.completions.create({
      model: 'oa',
      messages: question,
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const names = chunks.flatMap((c) =>
      (c.choices[0]?.delta.tool_calls ?? []).flatMap((t) => (t.function?.name ? [t.function.name] : [])),
    );
    assert.deepEqual(names, ['get_country', 'get_product_name']);
    assert.equal(chunks.at(-1)?.usage?.prompt_tokens, 364);
    assertUsage(await lastRecord(), { inputTokens: 364, outputTokens: 40 });
  });

  test('chat-tools (non-streamed): tool call arguments parse; reasoning tokens recorded', async () => {
    rig.fake.enqueue(fixture('openai/chat-tools.json'));
    const completion = await openai.chat.completions.create({ model: 'oa', messages: question });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'get_current_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Boston, MA', unit: 'fahrenheit' });
    assertUsage(await lastRecord(), { inputTokens: 162, outputTokens: 287, reasoningTokens: 256 });
  });

  test('responses-stream-function-call: finalResponse() holds the function call', async () => {
    rig.fake.enqueue(fixture('openai/responses-stream-function-call.json'));
    const stream = openai.responses.stream({ model: 'oa', input: 'What is the capital of France?' });
    const final = await stream.finalResponse();
    const item = final.output[0];
    assert.ok(item && item.type === 'function_call');
    assert.equal(item.name, 'get_capital');
    assert.deepEqual(JSON.parse(item.arguments), { country: 'France' });
    assertUsage(await lastRecord(), { inputTokens: 255, outputTokens: 16 });
  });
});

describe('Anthropic', () => {
  const params = {
    model: 'an',
    max_tokens: 2048,
    messages: [{ role: 'user' as const, content: 'Use the fixed_version tool.' }],
  };

  test('messages-stream-thinking-tool-use: finalMessage() has the thinking block and the tool use', async () => {
    rig.fake.enqueue(fixture('anthropic/messages-stream-thinking-tool-use.json'));
    const message = await anthropic.messages.stream(params).finalMessage();
    assert.deepEqual(
      message.content.map((b) => b.type),
      ['thinking', 'tool_use'],
    );
    const [thinking, toolUse] = message.content;
    assert.ok(thinking?.type === 'thinking');
    assert.match(thinking.thinking, /^The user wants me to:\n1\. Use the fixed_version tool/);
    assert.match(thinking.signature, /^EoQDCm0IDhgCKkCD/);
    assert.ok(toolUse?.type === 'tool_use');
    assert.equal(toolUse.name, 'fixed_version');
    assert.deepEqual(toolUse.input, {});
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.usage.output_tokens, 92);
    const record = await lastRecord();
    assert.equal(record.usage?.inputTokens, 598);
    assert.equal(record.usage?.outputTokens, 92);
  });

  test('messages-stream-thinking-tool-use: the record counts the thinking tokens the stream reports', async () => {
    // message_delta.usage.output_tokens_details.thinking_tokens is 53 in this recording; the
    // Usage type counts reasoning tokens inside outputTokens and again in reasoningTokens.
    rig.fake.enqueue(fixture('anthropic/messages-stream-thinking-tool-use.json'));
    await anthropic.messages.stream(params).finalMessage();
    assertUsage(await lastRecord(), { inputTokens: 598, outputTokens: 92, reasoningTokens: 53 });
  });

  test('messages-stream-thinking-tool-use: the exact recorded bytes come back', async () => {
    const name = 'anthropic/messages-stream-thinking-tool-use.json';
    rig.fake.enqueue(fixture(name));
    const response = await fetch(`${rig.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.equal(text, sseOf(name));
    assert.equal(splitSseFrames(text).length, 13);
  });

  test('messages-stream-tool-use: the tool input JSON is assembled from its deltas', async () => {
    rig.fake.enqueue(fixture('anthropic/messages-stream-tool-use.json'));
    const message = await anthropic.messages.stream(params).finalMessage();
    const toolUse = message.content.find((b) => b.type === 'tool_use');
    assert.ok(toolUse?.type === 'tool_use');
    assert.equal(toolUse.name, 'get_current_temperature');
    assert.deepEqual(toolUse.input, { city: 'San Francisco' });
    assertUsage(await lastRecord(), { inputTokens: 351, outputTokens: 85 });
  });

  test('messages-stream-cache-read: cache reads recorded apart from input', async () => {
    rig.fake.enqueue(fixture('anthropic/messages-stream-cache-read.json'));
    assert.equal(await anthropic.messages.stream(params).finalText(), 'Goodbye.');
    assertUsage(await lastRecord(), { inputTokens: 3, outputTokens: 6, cacheReadTokens: 1217 });
  });

  test('messages-thinking-tool-use (non-streamed)', async () => {
    rig.fake.enqueue(fixture('anthropic/messages-thinking-tool-use.json'));
    const message = await anthropic.messages.create(params);
    assert.deepEqual(
      message.content.map((b) => b.type),
      ['thinking', 'text', 'tool_use'],
    );
    assertUsage(await lastRecord(), { inputTokens: 398, outputTokens: 155 });
  });
});

describe('Gemini', () => {
  const request = { model: 'gm', contents: 'What is the temperature in San Francisco?' };

  test('stream-sse-function-call: the SDK exposes the functionCall', async () => {
    rig.fake.enqueue(fixture('gemini/stream-sse-function-call.json'));
    const chunks = await collect(await gemini.models.generateContentStream(request));
    assert.deepEqual(
      chunks.flatMap((c) => c.functionCalls ?? []).map((f) => ({ name: f.name, args: f.args })),
      [{ name: 'get_current_temperature', args: { city: 'San Francisco' } }],
    );
    assertUsage(await lastRecord(), { inputTokens: 36, outputTokens: 8 });
  });

  test('stream-sse-function-call: the exact recorded bytes come back', async () => {
    const name = 'gemini/stream-sse-function-call.json';
    rig.fake.enqueue(fixture(name));
    const response = await fetch(`${rig.gw.url}/v1beta/models/gm:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loadFixture(name).request.body),
    });
    assert.equal(await response.text(), sseOf(name));
  });

  test('stream-sse-parallel-function-calls', async () => {
    rig.fake.enqueue(fixture('gemini/stream-sse-parallel-function-calls.json'));
    const chunks = await collect(await gemini.models.generateContentStream(request));
    assert.deepEqual(
      chunks.flatMap((c) => c.functionCalls ?? []).map((f) => f.args),
      [{ city: 'Paris' }, { city: 'London' }],
    );
    assertUsage(await lastRecord(), { inputTokens: 37, outputTokens: 14 });
  });

  test('stream-sse-thinking: thought parts, and the last chunk’s usage with thoughts', async () => {
    rig.fake.enqueue(fixture('gemini/stream-sse-thinking.json'));
    const chunks = await collect(await gemini.models.generateContentStream(request));
    const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
    assert.ok(parts.some((p) => p.thought === true));
    assert.ok(parts.some((p) => p.thought !== true && typeof p.text === 'string'));
    assertUsage(await lastRecord(), { inputTokens: 34, outputTokens: 469 + 787, reasoningTokens: 787 });
  });

  test('generate-function-call (non-streamed)', async () => {
    rig.fake.enqueue(fixture('gemini/generate-function-call.json'));
    const result = await gemini.models.generateContent(request);
    assert.deepEqual(
      result.functionCalls?.map((f) => ({ name: f.name, args: f.args })),
      [{ name: 'get_user_country', args: {} }],
    );
    assertUsage(await lastRecord(), { inputTokens: 33, outputTokens: 5 });
  });

  test('stream-json-array-function-call (no alt=sse): exact bytes, a parsable array, usage', async () => {
    const name = 'gemini/stream-json-array-function-call.json';
    rig.fake.enqueue(fixture(name));
    const response = await fetch(`${rig.gw.url}/v1beta/models/gm:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loadFixture(name).request.body),
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.equal(text, loadFixture(name).response.raw);
    const elements: unknown = JSON.parse(text);
    assert.ok(Array.isArray(elements) && elements.length === 2);
    assert.match(text, /"functionCall": \{\s+"name": "pelican_name_generator"/);
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assertUsage(record, { inputTokens: 32, outputTokens: 12 + 42, reasoningTokens: 42 });
  });
});
