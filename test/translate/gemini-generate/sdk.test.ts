// The official @google/genai SDK as the client of the Gemini inbound codec, without a server:
// its `fetch` option hands it the codec's bytes. The stream it accumulates must say what the
// non-streamed answer says, its chat history must keep the turn, and the history it sends
// back must decode to the same canonical turn (signatures and call ids included).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, type Content, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import type { CanonicalResponse, StreamEvent } from '../../../src/canonical/response.ts';
import { usage } from '../../../src/core/usage.ts';
import { geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import { prng } from '../../support/prng.ts';
import { context, randomSplit, streamBody } from './helpers.ts';

const answers: Record<string, CanonicalResponse> = {
  text: {
    id: 'chatcmpl-1',
    model: 'gpt-4o',
    content: [{ type: 'text', text: 'The capital of France is Paris. ✈️ Ünïcödé survives splits.' }],
    stopReason: 'end_turn',
    usage: usage({ inputTokens: 12, outputTokens: 9, cacheReadTokens: 4 }),
    created: 1,
  },
  'thinking, text and parallel calls': {
    id: 'msg_01',
    model: 'claude-sonnet-4-5',
    content: [
      {
        type: 'thinking',
        text: 'The user wants two cities. I will call the tool twice.',
        signature: 'EqQBCkgIARABGAIiQL+/sig==',
      },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
      { type: 'text', text: 'Let me check both.' },
      {
        type: 'tool_call',
        id: 'toolu_01A',
        name: 'get_weather',
        arguments: '{"city":"Paris","units":["C","F"]}',
      },
      { type: 'tool_call', id: 'toolu_01B', name: 'get_weather', arguments: '{"city":"Londres \\u00e9"}' },
    ],
    stopReason: 'tool_use',
    usage: usage({
      inputTokens: 300,
      outputTokens: 120,
      cacheReadTokens: 1000,
      cacheWriteTokens: 50,
      reasoningTokens: 40,
    }),
    created: 1,
  },
  'max tokens': {
    id: 'resp_9',
    model: 'gpt-5',
    content: [{ type: 'text', text: 'It was a dark and' }],
    stopReason: 'max_tokens',
    usage: usage({ inputTokens: 5, outputTokens: 5 }),
    created: 1,
  },
};

/** The answer as a backend's stream would deliver it: text and arguments in random pieces, usage after the finish. */
function eventsFor(response: CanonicalResponse, seed: number): StreamEvent[] {
  const random = prng(seed);
  const pieces = (text: string): string[] => {
    const out: string[] = [];
    let at = 0;
    while (at < text.length) {
      const size = 1 + Math.floor(random() * 8);
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
        events.push({ type: 'tool_call', index, id: part.id, name: part.name });
        for (const json of pieces(part.arguments)) events.push({ type: 'tool_arguments', index, json });
        break;
    }
  });
  events.push({ type: 'finish', stopReason: response.stopReason }, { type: 'usage', usage: response.usage });
  return events;
}

function client(respond: (body: unknown) => Response, sent: unknown[] = []): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: {
      baseUrl: 'http://gemini.invalid',
      fetch: async (_input: string | URL | Request, init?: RequestInit) => {
        const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
        sent.push(body);
        return respond(body);
      },
    },
  });
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}

function sseResponse(text: string, seed: number): Response {
  return new Response(streamBody(randomSplit(new TextEncoder().encode(text), seed)), {
    headers: { 'content-type': 'text/event-stream' },
  });
}

function sseText(events: StreamEvent[]): string {
  const encoder = geminiGenerateInbound.streamEncoder(context());
  return events.map((event) => encoder.encode(event)).join('') + encoder.end();
}

/** What the SDK's responses say, whether one response or the chunks of a stream. */
function accumulate(responses: GenerateContentResponse[]) {
  const result = {
    text: '',
    thoughts: '',
    signatures: [] as string[],
    calls: [] as { id?: string; name?: string; args?: unknown }[],
    finishReason: undefined as string | undefined,
    usage: undefined as unknown,
    responseId: undefined as string | undefined,
    modelVersion: undefined as string | undefined,
  };
  for (const response of responses) {
    for (const part of response.candidates?.[0]?.content?.parts ?? []) {
      if (part.thoughtSignature) result.signatures.push(part.thoughtSignature);
      if (part.functionCall) result.calls.push(part.functionCall);
      else if (part.thought) result.thoughts += part.text ?? '';
      else result.text += part.text ?? '';
    }
    result.finishReason = response.candidates?.[0]?.finishReason ?? result.finishReason;
    result.usage = response.usageMetadata ?? result.usage;
    result.responseId = response.responseId;
    result.modelVersion = response.modelVersion;
  }
  return result;
}

const request = { model: 'gemini-endpoint', contents: 'Weather in Paris and London?' };

describe('@google/genai reads the encoders', () => {
  for (const [name, answer] of Object.entries(answers)) {
    for (const seed of [1, 7, 42]) {
      test(`${name} (seed ${seed}): the accumulated stream equals the non-streamed answer`, async () => {
        const whole = await client(() =>
          jsonResponse(geminiGenerateInbound.encodeResponse(answer, context())),
        ).models.generateContent(request);
        const chunks: GenerateContentResponse[] = [];
        const stream = await client(() =>
          sseResponse(sseText(eventsFor(answer, seed)), seed),
        ).models.generateContentStream(request);
        for await (const chunk of stream) chunks.push(chunk);

        const streamed = accumulate(chunks);
        assert.deepEqual(streamed, accumulate([whole]));
        assert.ok(chunks.length > 1);
        // And both say what the canonical answer says.
        const text = answer.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        assert.equal(streamed.text, text);
        assert.deepEqual(
          (whole.functionCalls ?? []).map((call) => ({ id: call.id, name: call.name, args: call.args })),
          answer.content.flatMap((part) =>
            part.type === 'tool_call'
              ? [{ id: part.id, name: part.name, args: JSON.parse(part.arguments) }]
              : [],
          ),
        );
        assert.equal(whole.responseId, answer.id);
        assert.equal(whole.modelVersion, 'gemini-endpoint');
        assert.equal(
          whole.usageMetadata?.promptTokenCount,
          answer.usage.inputTokens + answer.usage.cacheReadTokens + answer.usage.cacheWriteTokens,
        );
        assert.equal(
          (whole.usageMetadata?.candidatesTokenCount ?? 0) + (whole.usageMetadata?.thoughtsTokenCount ?? 0),
          answer.usage.outputTokens,
        );
      });
    }
  }

  test('every frame is a data-only JSON frame, without [DONE]', () => {
    const text = sseText(eventsFor(answers['thinking, text and parallel calls']!, 3));
    const blocks = text.split('\n\n').filter((block) => block !== '');
    assert.ok(blocks.length > 3);
    for (const block of blocks) {
      assert.ok(block.startsWith('data: '), block);
      assert.ok(!block.includes('\n'), 'one data line per frame');
      JSON.parse(block.slice('data: '.length));
    }
  });

  test('an error after the stream began raises ApiError with its status, after the earlier chunks', async () => {
    const events: StreamEvent[] = [
      { type: 'start', id: 'x' },
      { type: 'text', index: 0, text: 'Hello' },
      { type: 'error', error: { status: 503, message: 'Overloaded', providerType: 'overloaded_error' } },
    ];
    const stream = await client(() => sseResponse(sseText(events), 5)).models.generateContentStream(request);
    const texts: string[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of stream) texts.push(chunk.text ?? '');
      },
      (error: unknown) =>
        error instanceof ApiError && error.status === 503 && error.message.includes('Overloaded'),
    );
    assert.deepEqual(texts, ['Hello']);
  });
});

describe('@google/genai chat history comes back as the same canonical turn', () => {
  for (const streamed of [false, true]) {
    test(`signatures, redacted thinking and call ids round-trip (${streamed ? 'stream' : 'non-stream'})`, async () => {
      const answer = answers['thinking, text and parallel calls']!;
      const sent: unknown[] = [];
      let turn = 0;
      const ai = client(() => {
        turn++;
        if (turn > 1) return jsonResponse(geminiGenerateInbound.encodeResponse(answers.text!, context()));
        return streamed
          ? sseResponse(sseText(eventsFor(answer, 11)), 11)
          : jsonResponse(geminiGenerateInbound.encodeResponse(answer, context()));
      }, sent);
      const chat = ai.chats.create({ model: 'gemini-endpoint' });
      if (streamed) {
        for await (const _chunk of await chat.sendMessageStream({ message: 'Weather?' })) {
          // drain
        }
      } else {
        await chat.sendMessage({ message: 'Weather?' });
      }
      // The SDK keeps a streamed turn as one model content per chunk; it drops a turn it finds invalid.
      const history: Content[] = chat.getHistory(true);
      assert.equal(history[0]?.role, 'user');
      assert.ok(history.length >= 2 && history.slice(1).every((content) => content.role === 'model'));
      if (!streamed) assert.equal(history.length, 2);
      const calls = answer.content.flatMap((part) => (part.type === 'tool_call' ? [part] : []));
      await chat.sendMessage({
        message: calls.map((call) => ({
          functionResponse: {
            id: call.id,
            name: call.name,
            response: { temperature: call.id === 'toolu_01A' ? 21 : 15 },
          },
        })),
      });

      const replay: CanonicalRequest = geminiGenerateInbound.decodeRequest(sent[1]);
      // Arguments come back as the same JSON, re-serialised by the SDK.
      const content = answer.content.map((part) =>
        part.type === 'tool_call' ? { ...part, arguments: JSON.stringify(JSON.parse(part.arguments)) } : part,
      );
      assert.deepEqual(replay.messages[1], { role: 'assistant', content });
      assert.deepEqual(replay.messages[2], {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_01A',
            name: 'get_weather',
            content: [{ type: 'text', text: '{"temperature":21}' }],
            isError: false,
          },
          {
            type: 'tool_result',
            toolCallId: 'toolu_01B',
            name: 'get_weather',
            content: [{ type: 'text', text: '{"temperature":15}' }],
            isError: false,
          },
        ],
      });
    });
  }
});
