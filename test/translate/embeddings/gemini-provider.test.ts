import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { EmbeddingRequest, EmbeddingResponse } from '../../../src/canonical/embeddings.ts';
import { estimateTextTokens } from '../../../src/canonical/estimate-tokens.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { openaiEmbeddingsInbound } from '../../../src/inbound/openai-embeddings/index.ts';
import {
  geminiEmbeddingsCodec,
  geminiEmbeddingsMethod,
} from '../../../src/providers/gemini/translate-embeddings/index.ts';
import { assertGatewayError, type ExpectedError, float32, loadCases, loadFixture } from './cases.ts';

const codec = geminiEmbeddingsCodec;

interface EncodeCase {
  description: string;
  request: EmbeddingRequest;
  modelName: string;
  method: string;
  expected: unknown;
}

interface DecodeCase {
  description: string;
  request: EmbeddingRequest;
  body: unknown;
  expected?: EmbeddingResponse;
  error?: ExpectedError;
}

describe('Gemini embeddings request encoding (cases)', () => {
  for (const { name, data } of loadCases<EncodeCase>('gemini-encode')) {
    test(`${name}: ${data.description}`, () => {
      assert.equal(geminiEmbeddingsMethod(data.request), data.method);
      assert.deepEqual(codec.encodeRequest(data.request, data.modelName), data.expected);
    });
  }

  test('Gemini takes at most 100 inputs per batch: 100 pass, 101 is a 400 naming the limit', () => {
    const request = (count: number): EmbeddingRequest => ({
      model: 'embed',
      inputs: Array.from({ length: count }, (_, i) => `text ${i}`),
      encodingFormat: 'float',
    });
    const body = codec.encodeRequest(request(100), 'gemini-embedding-001');
    assert.ok(isObject(body) && Array.isArray(body['requests']));
    assert.equal(body['requests'].length, 100);
    assertGatewayError(() => codec.encodeRequest(request(101), 'gemini-embedding-001'), {
      status: 400,
      code: 'invalid_request',
      param: 'input',
      message: 'input: Gemini embeds at most 100 inputs per request (got 101); split the batch',
    });
  });
});

describe('Gemini embeddings response decoding (cases)', () => {
  for (const { name, data } of loadCases<DecodeCase>('gemini-decode')) {
    test(`${name}: ${data.description}`, () => {
      if (data.error) {
        assertGatewayError(() => codec.decodeResponse(data.body, data.request), data.error);
      } else {
        assert.deepEqual(codec.decodeResponse(data.body, data.request), data.expected);
      }
    });
  }
});

interface CapturedCall {
  url: string;
  body: unknown;
}

/** Runs `call` with fetch answering `answer` and recording what the SDK sent. */
async function withFetch<T>(
  answer: (call: CapturedCall) => unknown,
  call: () => Promise<T>,
): Promise<{ result: T; calls: CapturedCall[] }> {
  const calls: CapturedCall[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const captured = { url, body: JSON.parse(String(init?.body)) as unknown };
    calls.push(captured);
    return Response.json(answer(captured));
  };
  try {
    return { result: await call(), calls };
  } finally {
    globalThis.fetch = original;
  }
}

/** The SDK sends `role: "user"` in each content; the REST API does not need it. */
function withoutRoles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRoles);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'role')
      .map(([key, inner]) => [key, withoutRoles(inner)]),
  );
}

describe('@google/genai as the reference for the wire format', () => {
  const request: EmbeddingRequest = {
    model: 'embed',
    inputs: ['What is the meaning of life?', 'How does photosynthesis work?', 'Tell me about the moon'],
    encodingFormat: 'float',
    dimensions: 256,
  };
  const answer = {
    embeddings: [{ values: [0.25, -0.5] }, { values: [0.125, 1] }, { values: [-2, 0.75] }],
  };

  test('batchEmbedContents: our body is what the SDK sends; both read the answer alike', async () => {
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: 'http://gemini.test' } });
    const { result, calls } = await withFetch(
      () => answer,
      () =>
        ai.models.embedContent({
          model: 'gemini-embedding-001',
          contents: request.inputs,
          config: { outputDimensionality: 256 },
        }),
    );
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.url, /\/models\/gemini-embedding-001:batchEmbedContents$/);
    assert.equal(geminiEmbeddingsMethod(request), 'batchEmbedContents');
    assert.deepEqual(codec.encodeRequest(request, 'gemini-embedding-001'), withoutRoles(calls[0]!.body));
    // Without dimensions the vectors pass untouched (with them they are also normalised).
    const plain: EmbeddingRequest = { model: 'embed', inputs: request.inputs, encodingFormat: 'float' };
    assert.deepEqual(
      codec.decodeResponse(answer, plain).vectors,
      result.embeddings?.map((embedding) => embedding.values),
    );
  });

  test('one input: our embedContent body is the content and options the SDK puts in its batch', async () => {
    const one: EmbeddingRequest = { ...request, inputs: ['What is the meaning of life?'] };
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: 'http://gemini.test' } });
    const { calls } = await withFetch(
      () => ({ embeddings: [{ values: [1] }] }),
      () =>
        ai.models.embedContent({
          model: 'gemini-embedding-001',
          contents: one.inputs[0]!,
          config: { outputDimensionality: 256 },
        }),
    );
    const sent = withoutRoles(calls[0]!.body);
    assert.ok(isObject(sent) && Array.isArray(sent['requests']) && isObject(sent['requests'][0]));
    const { model, ...content } = sent['requests'][0];
    assert.equal(model, 'models/gemini-embedding-001');
    assert.equal(geminiEmbeddingsMethod(one), 'embedContent');
    assert.deepEqual(codec.encodeRequest(one, 'gemini-embedding-001'), content);
  });
});

describe('OpenAI SDK -> gateway -> Gemini embeddings and back', () => {
  const recorded = loadFixture('openai/embeddings-basic.json').response.body;
  assert.ok(isObject(recorded) && Array.isArray(recorded['data']) && isObject(recorded['data'][0]));
  const realVector = recorded['data'][0]['embedding'] as number[];
  const recordedTokens = isObject(recorded['usage']) ? recorded['usage']['prompt_tokens'] : undefined;

  /** A fake Gemini that answers in its documented shapes, one vector per text it was sent. */
  function gemini(method: string, body: unknown): unknown {
    assert.ok(isObject(body));
    const vectorFor = (index: number) => ({ values: realVector.map((value) => value * (index + 1)) });
    if (method === 'embedContent') return { embedding: vectorFor(0) };
    assert.ok(Array.isArray(body['requests']));
    return { embeddings: body['requests'].map((_: unknown, index) => vectorFor(index)) };
  }

  function client(sentToGemini: unknown[]): OpenAI {
    return new OpenAI({
      apiKey: 'test-key',
      baseURL: 'http://gateway.test/v1',
      maxRetries: 0,
      fetch: async (_url, init) => {
        const request = openaiEmbeddingsInbound.decodeRequest(JSON.parse(String(init?.body)));
        const method = geminiEmbeddingsMethod(request);
        const upstreamBody = codec.encodeRequest(request, 'gemini-embedding-001');
        sentToGemini.push({ method, body: upstreamBody });
        const response = codec.decodeResponse(gemini(method, upstreamBody), request);
        return Response.json(openaiEmbeddingsInbound.encodeResponse(response, request));
      },
    });
  }

  const scaled = (index: number) => realVector.map((value) => value * (index + 1));
  const unit = (vector: number[]) => {
    const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    return vector.map((value) => value / length);
  };

  for (const inputs of [
    ['How do I reset my password?'],
    ['How do I reset my password?', 'Where is my order?'],
  ]) {
    test(`${inputs.length} input(s): the SDK gets Gemini's vectors as float32, usage estimated`, async () => {
      const sent: unknown[] = [];
      const result = await client(sent).embeddings.create({ model: 'gemini-embed', input: inputs });
      assert.equal(sent.length, 1);
      assert.deepEqual(
        result.data.map((item) => item.embedding),
        inputs.map((_, index) => float32(scaled(index))),
      );
      assert.equal(result.model, 'gemini-embed');
      const tokens = inputs.reduce((sum, input) => sum + estimateTextTokens(input), 0);
      // The estimate for the recorded text matches what OpenAI counted for it.
      if (inputs.length === 1) assert.equal(tokens, recordedTokens);
      assert.deepEqual(result.usage, { prompt_tokens: tokens, total_tokens: tokens });
    });
  }

  test('with dimensions, the SDK gets unit-length vectors, as from OpenAI', async () => {
    const inputs = ['How do I reset my password?', 'Where is my order?'];
    const sent: unknown[] = [];
    const result = await client(sent).embeddings.create({
      model: 'gemini-embed',
      input: inputs,
      dimensions: 1536,
    });
    assert.deepEqual(sent, [
      {
        method: 'batchEmbedContents',
        body: {
          requests: inputs.map((text) => ({
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text }] },
            outputDimensionality: 1536,
          })),
        },
      },
    ]);
    assert.deepEqual(
      result.data.map((item) => item.embedding),
      inputs.map((_, index) => float32(unit(scaled(index)))),
    );
    for (const { embedding } of result.data) {
      const length = Math.sqrt(embedding.reduce((sum, value) => sum + value * value, 0));
      assert.ok(Math.abs(length - 1) < 1e-5, `length ${length}`);
    }
  });
});
