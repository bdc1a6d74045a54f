// The unified (MLflow-style) routes over every provider: /gateway/mlflow/v1/chat/completions
// and /gateway/{ep}/mlflow/invocations (`messages` → chat, `input` → embeddings) for the
// Anthropic, Gemini and vLLM endpoints, and /gateway/mlflow/v1/embeddings on Gemini
// (translated to embedContent / batchEmbedContents) and OpenAI (passthrough). Every answer
// is in the OpenAI shape.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { json } from '../fake-provider/index.ts';
import { CLIENT_KEY } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { chatObserved } from './clients.ts';
import {
  answerReply,
  asArray,
  at,
  type Backend,
  onlyUpstream,
  plain,
  upstreamBody,
  upstreamPath,
} from './support.ts';

let rig: DataPlaneRig;
let mlflow: OpenAI;

before(async () => {
  rig = await startDataPlane();
  mlflow = new OpenAI({ baseURL: `${rig.gw.url}/gateway/mlflow/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

/** A text answer per backend and what it says. */
const TEXT: Readonly<Record<Backend, { answer: string; text: string }>> = {
  an: {
    answer: 'anthropic/messages-text-basic.json',
    text: "Hello! It's nice to meet you. How are you doing today?",
  },
  gm: { answer: 'gemini/generate-text.json', text: 'Hello! How can I help you today?' },
  vl: { answer: 'e2e:vllm-reasoning-text.json', text: 'The capital of France is Paris.' },
};

const ENDPOINTS: readonly Backend[] = ['an', 'gm', 'vl'];

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(rig.gw.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('POST /gateway/mlflow/v1/chat/completions', () => {
  for (const ep of ENDPOINTS) {
    test(`model ${ep}: a chat completion`, async () => {
      rig.fake.enqueue(answerReply(TEXT[ep].answer));
      const completion = await mlflow.chat.completions.create({
        model: ep,
        messages: [{ role: 'user', content: 'Hello!' }],
      });
      assert.equal(completion.object, 'chat.completion');
      assert.equal(completion.choices[0]?.message.content, TEXT[ep].text);
      assert.equal(completion.choices[0]?.finish_reason, 'stop');
      const up = onlyUpstream(rig);
      assert.equal(up.path, upstreamPath(ep, false).path);
    });

    test(`model ${ep}: a streamed tool call`, async () => {
      const answer =
        ep === 'an'
          ? 'anthropic/messages-stream-tool-use.json'
          : ep === 'gm'
            ? 'gemini/stream-sse-function-call.json'
            : 'openai/chat-stream-tool-call.json';
      rig.fake.enqueue(answerReply(answer));
      const tools = [
        {
          type: 'function' as const,
          function: {
            name: 'get_current_temperature',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ];
      const completion = await mlflow.chat.completions
        .stream({ model: ep, messages: [{ role: 'user', content: 'Temperature in SF?' }], tools })
        .finalChatCompletion();
      const seen = chatObserved(plain(completion));
      assert.deepEqual(
        seen.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments })),
        [{ name: 'get_current_temperature', arguments: { city: 'San Francisco' } }],
      );
      assert.equal(seen.stop, 'tool_calls');
      assert.equal(onlyUpstream(rig).path, upstreamPath(ep, true).path);
    });
  }
});

describe('POST /gateway/{ep}/mlflow/invocations', () => {
  for (const ep of ENDPOINTS) {
    test(`${ep}, messages: a chat completion, the body naming no model`, async () => {
      rig.fake.enqueue(answerReply(TEXT[ep].answer));
      const reply = await post(`/gateway/${ep}/mlflow/invocations`, {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello!' },
        ],
        temperature: 0.2,
        max_tokens: 64,
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(at(reply.body, 'object'), 'chat.completion');
      assert.equal(at(reply.body, 'choices', 0, 'message', 'content'), TEXT[ep].text);
      assert.equal(typeof at(reply.body, 'usage', 'prompt_tokens'), 'number');
      const up = onlyUpstream(rig);
      assert.equal(up.path, upstreamPath(ep, false).path);
      const body = upstreamBody(up);
      if (ep === 'an') {
        assert.equal(body['model'], UPSTREAM_MODELS.anthropic);
        assert.equal(body['system'], 'Be brief.');
        assert.equal(body['max_tokens'], 64);
      } else if (ep === 'gm') {
        assert.deepEqual(body['systemInstruction'], { parts: [{ text: 'Be brief.' }] });
        assert.equal(at(body, 'generationConfig', 'maxOutputTokens'), 64);
      } else {
        assert.equal(body['model'], UPSTREAM_MODELS.vllm);
      }
    });
  }

  test('gm, input: Gemini batchEmbedContents, answered as an OpenAI embeddings list', async () => {
    rig.fake.enqueue(json(200, { embeddings: [{ values: [0.5, -0.25, 0.125] }, { values: [1, 0, -1] }] }));
    const reply = await post('/gateway/gm/mlflow/invocations', { input: ['first text', 'second text'] });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(at(reply.body, 'object'), 'list');
    assert.deepEqual(
      asArray(at(reply.body, 'data')).map((item) => at(item, 'embedding')),
      [
        [0.5, -0.25, 0.125],
        [1, 0, -1],
      ],
    );
    const up = onlyUpstream(rig);
    assert.equal(up.path, '/v1beta/models/gemini-2.5-flash:batchEmbedContents');
    assert.deepEqual(upstreamBody(up), {
      requests: [
        { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'first text' }] } },
        { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'second text' }] } },
      ],
    });
  });

  test('vl, input: passthrough to the OpenAI-compatible embeddings API', async () => {
    const reply = await post('/gateway/vl/mlflow/invocations', { input: 'some text' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(at(reply.body, 'object'), 'list');
    const up = onlyUpstream(rig);
    assert.equal(up.path, '/v1/embeddings');
    assert.deepEqual(upstreamBody(up), { model: UPSTREAM_MODELS.vllm, input: 'some text' });
  });

  test('an, input: Anthropic has no embeddings API → 400 in the OpenAI shape, nothing sent', async () => {
    const reply = await post('/gateway/an/mlflow/invocations', { input: 'some text' });
    assert.equal(reply.status, 400);
    assert.equal(at(reply.body, 'error', 'type'), 'invalid_request_error');
    assert.match(String(at(reply.body, 'error', 'message')), /no embeddings API/);
    assert.equal(rig.fake.requests.length, 0);
  });
});

describe('POST /gateway/mlflow/v1/embeddings', () => {
  test('gm, one input: Gemini embedContent; the SDK decodes the base64 float32 vector', async () => {
    rig.fake.enqueue(json(200, { embedding: { values: [0.5, -0.25, 0.125, 2] } }));
    const result = await mlflow.embeddings.create({ model: 'gm', input: 'hello' });
    assert.deepEqual(
      result.data.map((item) => item.embedding),
      [[0.5, -0.25, 0.125, 2]],
    );
    assert.equal(result.object, 'list');
    assert.ok(result.usage.prompt_tokens > 0, 'usage estimated from the input');
    const up = onlyUpstream(rig);
    assert.equal(up.path, '/v1beta/models/gemini-2.5-flash:embedContent');
    assert.deepEqual(upstreamBody(up), { content: { parts: [{ text: 'hello' }] } });
  });

  test('gm, several inputs and dimensions: batchEmbedContents with outputDimensionality', async () => {
    rig.fake.enqueue(json(200, { embeddings: [{ values: [0.6, 0.8] }, { values: [0, 1] }] }));
    const result = await mlflow.embeddings.create({
      model: 'gm',
      input: ['a', 'b'],
      dimensions: 2,
      encoding_format: 'float',
    });
    assert.deepEqual(
      result.data.map((item) => item.embedding),
      [
        [0.6, 0.8],
        [0, 1],
      ],
    );
    const body = upstreamBody(onlyUpstream(rig));
    assert.deepEqual(
      asArray(body['requests']).map((r) => at(r, 'outputDimensionality')),
      [2, 2],
    );
  });

  test('oa: passthrough to OpenAI', async () => {
    const result = await mlflow.embeddings.create({ model: 'oa', input: 'hello' });
    assert.equal(result.object, 'list');
    assert.equal(result.data.length, 1);
    const up = onlyUpstream(rig);
    assert.equal(up.path, '/v1/embeddings');
    assert.equal(upstreamBody(up)['model'], UPSTREAM_MODELS.openai);
  });
});
