// Whole trips through both codecs with recorded Gemini answers: what Gemini signed must come
// back to Gemini on the next turn exactly, whichever way the client spelled it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { arrayOf, isObject, type JsonObject } from '../../../src/canonical/wire.ts';
import { geminiChunkEncoder, geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import { geminiGenerateCodec } from '../../../src/providers/gemini/translate/index.ts';
import { context, decodeSse, loadFixtures } from './helpers.ts';

const fixtures = new Map(loadFixtures().map(({ name, value }) => [name, value]));

function fixtureBody(name: string): JsonObject {
  return fixtures.get(name)!.response.body as JsonObject;
}

function modelParts(response: unknown): JsonObject[] {
  const candidate = isObject(response) ? arrayOf(response['candidates'])[0] : undefined;
  const content = isObject(candidate) && isObject(candidate['content']) ? candidate['content'] : {};
  return arrayOf(content['parts']).filter(isObject);
}

function toUrlSafe(signature: string): string {
  return signature.replace(/\+/g, '-').replace(/\//g, '_');
}

/** The next request a client sends: its question, the model turn it was given, and its answers to the calls. */
function nextRequest(modelContents: JsonObject[], snakeCase: boolean): JsonObject {
  const calls = modelContents.flatMap((content) =>
    arrayOf(content['parts']).filter((part) => isObject(part) && isObject(part['functionCall'])),
  ) as JsonObject[];
  const responses = calls.map((part) => {
    const call = part['functionCall'] as JsonObject;
    const response = { id: call['id'], name: call['name'], response: { output: 'done' } };
    return snakeCase ? { function_response: response } : { functionResponse: response };
  });
  const history = snakeCase
    ? modelContents.map((content) => ({
        role: 'model',
        parts: arrayOf(content['parts']).map((raw) => {
          const part = raw as JsonObject;
          const { functionCall, thoughtSignature, ...rest } = part;
          return {
            ...rest,
            ...(functionCall ? { function_call: functionCall } : {}),
            ...(typeof thoughtSignature === 'string'
              ? { thought_signature: toUrlSafe(thoughtSignature) }
              : {}),
          };
        }),
      }))
    : modelContents;
  return {
    contents: [{ role: 'user', parts: [{ text: 'Go' }] }, ...history, { role: 'user', parts: responses }],
    tools: [{ functionDeclarations: [{ name: 'generate_topic' }, { name: 'get_country' }] }],
  };
}

/** The function-call parts the provider encoder sends Gemini on that next turn. */
function replayedCalls(request: JsonObject, model: string): JsonObject[] {
  const encoded = geminiGenerateCodec.encodeRequest(
    geminiGenerateInbound.decodeRequest(request),
    model,
  ) as JsonObject;
  return arrayOf(encoded['contents'])
    .filter((content) => isObject(content) && content['role'] === 'model')
    .flatMap((content) => arrayOf((content as JsonObject)['parts']))
    .filter((part) => isObject(part) && isObject(part['functionCall'])) as JsonObject[];
}

describe('Gemini signatures survive a round trip through a Gemini client', () => {
  for (const snakeCase of [false, true]) {
    const spelling = snakeCase ? 'snake_case + URL-safe signatures' : 'camelCase';
    test(`parallel calls, only the first signed (non-stream, ${spelling})`, () => {
      const body = fixtureBody('generate-gemini3-function-call-signature.json');
      const original = modelParts(body);
      const response = geminiGenerateCodec.decodeResponse(body);
      const sent = geminiGenerateInbound.encodeResponse(response, context());
      const calls = replayedCalls(
        nextRequest([{ role: 'model', parts: modelParts(sent) }], snakeCase),
        'gemini-3-flash-preview',
      );
      assert.equal(calls.length, 3);
      calls.forEach((part, i) => {
        assert.equal(part['thoughtSignature'], original[i]!['thoughtSignature'], `call ${i}`);
        assert.deepEqual(
          (part['functionCall'] as JsonObject)['args'],
          (original[i]!['functionCall'] as JsonObject)['args'],
        );
      });
      // The client's responses answer the calls by the ids the client was given.
      const ids = response.content.map((part) => (part.type === 'tool_call' ? part.id : ''));
      assert.deepEqual(
        calls.map((part) => (part['functionCall'] as JsonObject)['id']),
        ids,
      );
    });

    test(`a streamed signed call (${spelling})`, () => {
      const fixture = fixtures.get('stream-sse-function-call-thought-signature.json')!;
      const events = decodeSse(geminiGenerateCodec.streamDecoder(), [
        new TextEncoder().encode(fixture.response.sse),
      ]);
      const chunks = geminiChunkEncoder(context());
      const sent = [...events.flatMap((event) => chunks.encode(event)), ...chunks.end()] as JsonObject[];
      // A streaming SDK chat keeps one model content per chunk.
      const history = sent.map((chunk) => ({ role: 'model', parts: modelParts(chunk) }));
      const calls = replayedCalls(nextRequest(history, snakeCase), 'gemini-3-pro-preview');
      const original = modelParts(
        JSON.parse(fixture.response.sse!.split('\r\n\r\n')[0]!.slice('data: '.length)),
      );
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!['thoughtSignature'], original[0]!['thoughtSignature']);
    });
  }
});

describe('stream decoder specifics on recorded streams', () => {
  test('usage reported mid-stream is cumulative: each usage event replaces the last', () => {
    const fixture = fixtures.get('stream-sse-usage-mid-stream.json')!;
    const events = decodeSse(geminiGenerateCodec.streamDecoder(), [
      new TextEncoder().encode(fixture.response.sse),
    ]);
    const outputs = events.flatMap((event) => (event.type === 'usage' ? [event.usage.outputTokens] : []));
    // candidatesTokenCount 31, 79, 80 plus 35 thoughts each time.
    assert.deepEqual(outputs, [66, 114, 115]);
    const start = events[0];
    assert.equal(start?.type === 'start' ? start.usage?.inputTokens : undefined, 18);
  });

  test('a thought part then a signed answer: thinking and text are separate parts, the signature on the text', () => {
    const fixture = fixtures.get('stream-sse-thinking.json')!;
    const events = decodeSse(geminiGenerateCodec.streamDecoder(), [
      new TextEncoder().encode(fixture.response.sse),
    ]);
    const thinking = events.filter((event) => event.type === 'thinking');
    const text = events.filter((event) => event.type === 'text');
    assert.ok(thinking.length === 4 && thinking.every((event) => event.index === 0));
    assert.ok(text.length > 10 && text.every((event) => event.index === 1));
    assert.equal(text.filter((event) => event.type === 'text' && event.signature !== undefined).length, 1);
  });

  test('parallel calls in one chunk: one part each, in order, and tool_use', () => {
    const fixture = fixtures.get('stream-sse-parallel-function-calls.json')!;
    const events = decodeSse(geminiGenerateCodec.streamDecoder(), [
      new TextEncoder().encode(fixture.response.sse),
    ]);
    const calls = events.flatMap((event) =>
      event.type === 'tool_arguments' ? [[event.index, event.json]] : [],
    );
    assert.deepEqual(calls, [
      [0, '{"city":"Paris"}'],
      [1, '{"city":"London"}'],
    ]);
    assert.deepEqual(events.at(-1), { type: 'finish', stopReason: 'tool_use' });
  });
});
