import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import type { EmbeddingRequest, EmbeddingResponse } from '../../../src/canonical/embeddings.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { errorBody } from '../../../src/inbound/error-format.ts';
import { openaiEmbeddingsInbound } from '../../../src/inbound/openai-embeddings/index.ts';
import { assertGatewayError, type ExpectedError, float32, loadCases, loadFixture } from './cases.ts';

const codec = openaiEmbeddingsInbound;

interface DecodeCase {
  description: string;
  input: unknown;
  expected?: EmbeddingRequest;
  error?: ExpectedError;
}

interface EncodeCase {
  description: string;
  request: EmbeddingRequest;
  response: EmbeddingResponse;
  expected: unknown;
}

describe('OpenAI embeddings request decoding (cases)', () => {
  for (const { name, data } of loadCases<DecodeCase>('openai-decode')) {
    test(`${name}: ${data.description}`, () => {
      if (data.error) {
        assertGatewayError(() => codec.decodeRequest(data.input), data.error);
      } else {
        assert.deepEqual(codec.decodeRequest(data.input), data.expected);
      }
    });
  }

  test('more than 2048 inputs is refused, as OpenAI does; 2048 is accepted', () => {
    const inputs = Array.from({ length: 2048 }, (_, i) => `text ${i}`);
    assert.equal(codec.decodeRequest({ model: 'm', input: inputs }).inputs.length, 2048);
    assertGatewayError(() => codec.decodeRequest({ model: 'm', input: [...inputs, 'one more'] }), {
      status: 400,
      code: 'invalid_request',
      param: 'input',
      message: 'input: at most 2048 inputs per request (got 2049)',
    });
  });
});

describe('OpenAI embeddings response encoding (cases)', () => {
  for (const { name, data } of loadCases<EncodeCase>('openai-encode')) {
    test(`${name}: ${data.description}`, () => {
      assert.deepEqual(codec.encodeResponse(data.response, data.request), data.expected);
    });
  }
});

/** The recorded exchanges with api.openai.com: same text, floats in one, base64 in another. */
const basic = loadFixture('openai/embeddings-basic.json');
const base64 = loadFixture('openai/embeddings-base64.json');
const dimensions = loadFixture('openai/embeddings-dimensions.json');

function recordedEmbeddings(body: unknown): unknown[] {
  assert.ok(isObject(body) && Array.isArray(body['data']));
  return body['data'].map((item: unknown) => (isObject(item) ? item['embedding'] : undefined));
}

function recordedFloats(body: unknown): number[] {
  const [embedding] = recordedEmbeddings(body);
  assert.ok(Array.isArray(embedding) && embedding.every((value) => typeof value === 'number'));
  return embedding;
}

function recordedBase64(body: unknown): string {
  const [embedding] = recordedEmbeddings(body);
  assert.equal(typeof embedding, 'string');
  return embedding as string;
}

/** Independent of the codec: DataView reads of float32 little-endian. */
function decodeFloat32Base64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

describe('recorded OpenAI embeddings exchanges', () => {
  test('every recorded successful request decodes', () => {
    for (const [fixture, expected] of [
      [basic, { inputs: ['How do I reset my password?'], encodingFormat: 'float' }],
      [base64, { inputs: ['How do I reset my password?'], encodingFormat: 'base64' }],
      [
        dimensions,
        {
          inputs: ['Generate embeddings with specific dimensions'],
          encodingFormat: 'base64',
          dimensions: 256,
        },
      ],
      [
        loadFixture('openai/embeddings-error-404-model.json'),
        { inputs: ['Test with unknown model'], encodingFormat: 'base64' },
      ],
    ] as const) {
      const request = codec.decodeRequest(fixture.request.body);
      assert.deepEqual(
        { ...request, model: undefined },
        { ...expected, model: undefined },
        fixture.description,
      );
      assert.ok(request.model.startsWith('text-embedding-'));
    }
  });

  test('the recorded token-array request is refused with a 400 that says to send text', () => {
    const fixture = loadFixture('openai/embeddings-token-input.json');
    assertGatewayError(() => codec.decodeRequest(fixture.request.body), {
      status: 400,
      code: 'invalid_request',
      param: 'input',
      message:
        "input: token arrays are not supported when the endpoint's provider is not OpenAI-compatible: send text",
    });
  });

  test('the request OpenAI answered 400 is refused for the same field OpenAI named (dimensions)', () => {
    const fixture = loadFixture('openai/embeddings-error-400.json');
    assert.equal(fixture.response.status, 400);
    assertGatewayError(() => codec.decodeRequest(fixture.request.body), {
      status: 400,
      code: 'invalid_request',
      param: 'dimensions',
      message: 'dimensions: must be an integer of at least 1 (got -1)',
    });
  });

  test("float answer re-encoded as base64 is byte for byte OpenAI's own base64 answer", () => {
    const request = codec.decodeRequest(base64.request.body);
    const vector = recordedFloats(basic.response.body);
    const encoded = codec.encodeResponse({ model: 'backend', vectors: [vector], inputTokens: 7 }, request);
    assert.deepEqual(encoded, base64.response.body);
  });

  test("base64 answer decoded and re-encoded as floats is OpenAI's own float answer", () => {
    const request = codec.decodeRequest(basic.request.body);
    const vector = decodeFloat32Base64(recordedBase64(base64.response.body));
    const encoded = codec.encodeResponse({ model: 'backend', vectors: [vector], inputTokens: 7 }, request);
    assert.deepEqual(
      recordedEmbeddings(encoded).map((v) => float32(v as number[])),
      [float32(recordedFloats(basic.response.body))],
    );
    assert.deepEqual(
      { ...(encoded as object), data: undefined },
      { ...(basic.response.body as object), data: undefined },
    );
  });

  test('the 256-dimension base64 answer round-trips exactly', () => {
    const request = codec.decodeRequest(dimensions.request.body);
    const recorded = recordedBase64(dimensions.response.body);
    const vector = decodeFloat32Base64(recorded);
    assert.equal(vector.length, 256);
    const encoded = codec.encodeResponse({ model: 'backend', vectors: [vector], inputTokens: 5 }, request);
    assert.deepEqual(encoded, dimensions.response.body);
  });
});

/**
 * The official SDK as the client, with a fetch that runs the codec as the gateway would: the
 * SDK asks for base64 by default and decodes it itself.
 */
function gatewayClient(vectors: number[][], seen: unknown[]): OpenAI {
  return new OpenAI({
    apiKey: 'test-key',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async (_url, init) => {
      const body: unknown = JSON.parse(String(init?.body));
      seen.push(body);
      try {
        const request = codec.decodeRequest(body);
        const answer = codec.encodeResponse({ model: 'backend', vectors, inputTokens: 11 }, request);
        return Response.json(answer);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        return Response.json(errorBody('openai', error, 'req_test'), { status: error.status });
      }
    },
  });
}

describe('the OpenAI Node SDK as the client', () => {
  const vector = recordedFloats(basic.response.body);
  const vectors = [vector, vector.map((value) => -value / 3)];

  test('default request: the SDK asks for base64 and decodes our float32 to the same vectors', async () => {
    const seen: unknown[] = [];
    const result = await gatewayClient(vectors, seen).embeddings.create({
      model: 'my-embedder',
      input: ['first', 'second'],
    });
    assert.deepEqual(seen, [{ model: 'my-embedder', input: ['first', 'second'], encoding_format: 'base64' }]);
    assert.equal(result.model, 'my-embedder');
    assert.deepEqual(
      result.data.map((item) => item.embedding),
      vectors.map(float32),
    );
    assert.deepEqual(
      result.data.map((item) => item.index),
      [0, 1],
    );
    assert.deepEqual(result.usage, { prompt_tokens: 11, total_tokens: 11 });
  });

  test('encoding_format float: numbers come back untouched', async () => {
    const seen: unknown[] = [];
    const result = await gatewayClient(vectors, seen).embeddings.create({
      model: 'my-embedder',
      input: ['first', 'second'],
      encoding_format: 'float',
      dimensions: 1536,
    });
    assert.deepEqual(
      result.data.map((item) => item.embedding),
      vectors,
    );
  });

  test('a token-array input raises the SDK BadRequestError naming the field', async () => {
    const client = gatewayClient(vectors, []);
    await assert.rejects(
      client.embeddings.create({ model: 'my-embedder', input: [4438, 656, 358] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.status, 400);
        assert.equal(error.param, 'input');
        assert.match(error.message, /token arrays are not supported/);
        return true;
      },
    );
  });
});
