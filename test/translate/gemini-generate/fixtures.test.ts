// Every recorded Gemini exchange (test/data/fixtures/gemini): responses and streams through
// the provider decoder, errors through decodeError, and every recorded request (sent by the
// google-genai SDKs, pydantic-ai, crewAI, llm-gemini) through the inbound decoder and back
// out through the provider encoder.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalResponse, StreamEvent } from '../../../src/canonical/response.ts';
import { arrayOf, isObject, type JsonObject, stringOf } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import { geminiGenerateCodec } from '../../../src/providers/gemini/translate/index.ts';
import { decodeSse, loadFixtures, normalizeIds, randomSplit } from './helpers.ts';

const fixtures = loadFixtures();
const SEEDS = [1, 2, 3, 17, 99, 2024];

/** What a Gemini answer says, read straight from its chunks (independently of the codec). */
interface Expected {
  text: string;
  thoughts: string;
  calls: { name: string; args: unknown }[];
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; reasoningTokens: number };
}

function expectedFrom(chunks: JsonObject[]): Expected {
  const expected: Expected = {
    text: '',
    thoughts: '',
    calls: [],
    stopReason: 'end_turn',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 },
  };
  let finish: string | undefined;
  for (const chunk of chunks) {
    const candidate = arrayOf(chunk['candidates'])[0];
    if (isObject(candidate)) {
      const content = isObject(candidate['content']) ? candidate['content'] : {};
      for (const part of arrayOf(content['parts'])) {
        if (!isObject(part)) continue;
        if (isObject(part['functionCall'])) {
          expected.calls.push({
            name: String(part['functionCall']['name']),
            args: part['functionCall']['args'] ?? {},
          });
        } else if (typeof part['text'] === 'string') {
          if (part['thought'] === true) expected.thoughts += part['text'];
          else expected.text += part['text'];
        }
      }
      finish = stringOf(candidate['finishReason']) ?? finish;
    }
    const usage = chunk['usageMetadata'];
    if (isObject(usage)) {
      const n = (key: string): number => (typeof usage[key] === 'number' ? usage[key] : 0);
      expected.usage = {
        inputTokens: n('promptTokenCount') - n('cachedContentTokenCount'),
        outputTokens: n('candidatesTokenCount') + n('thoughtsTokenCount'),
        cacheReadTokens: n('cachedContentTokenCount'),
        reasoningTokens: n('thoughtsTokenCount'),
      };
    }
  }
  const filtered = ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII'];
  if (finish !== undefined && filtered.includes(finish)) expected.stopReason = 'content_filter';
  else if (expected.calls.length > 0) expected.stopReason = 'tool_use';
  else if (finish === 'MAX_TOKENS') expected.stopReason = 'max_tokens';
  return expected;
}

/** The same facts read from canonical stream events. */
function summarizeEvents(events: StreamEvent[]): Expected & { finishes: number } {
  const summary = {
    text: '',
    thoughts: '',
    calls: [] as { name: string; args: unknown }[],
    stopReason: '',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 },
    finishes: 0,
  };
  const callIndexes = new Map<number, number>();
  for (const event of events) {
    if (event.type === 'text') summary.text += event.text;
    else if (event.type === 'thinking') summary.thoughts += event.text;
    else if (event.type === 'tool_call') {
      callIndexes.set(event.index, summary.calls.length);
      summary.calls.push({ name: event.name, args: undefined });
    } else if (event.type === 'tool_arguments') {
      summary.calls[callIndexes.get(event.index)!]!.args = JSON.parse(event.json);
    } else if (event.type === 'usage') {
      const { inputTokens, outputTokens, cacheReadTokens, reasoningTokens } = event.usage;
      summary.usage = { inputTokens, outputTokens, cacheReadTokens, reasoningTokens };
    } else if (event.type === 'finish') {
      summary.stopReason = event.stopReason;
      summary.finishes++;
    }
  }
  return summary;
}

function summarizeResponse(response: CanonicalResponse): Expected {
  const { inputTokens, outputTokens, cacheReadTokens, reasoningTokens } = response.usage;
  return {
    text: response.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    thoughts: response.content.map((part) => (part.type === 'thinking' ? part.text : '')).join(''),
    calls: response.content.flatMap((part) =>
      part.type === 'tool_call' ? [{ name: part.name, args: JSON.parse(part.arguments) as unknown }] : [],
    ),
    stopReason: response.stopReason,
    usage: { inputTokens, outputTokens, cacheReadTokens, reasoningTokens },
  };
}

function sseChunks(sse: string): JsonObject[] {
  return sse
    .split(/\r?\n\r?\n/)
    .filter((block) => block.startsWith('data:'))
    .map((block) => JSON.parse(block.slice('data:'.length)) as JsonObject);
}

describe('recorded SSE streams through the stream decoder', () => {
  const streams = fixtures.filter(
    (f) => f.value.response.sse !== undefined && f.value.response.status === 200,
  );
  test('there are recorded streams to decode', () => {
    assert.ok(streams.length >= 10);
  });
  for (const { name, value } of streams) {
    const bytes = new TextEncoder().encode(value.response.sse);
    test(`${name}: random splits decode to the same events`, () => {
      const whole = normalizeIds(decodeSse(geminiGenerateCodec.streamDecoder(), [bytes]));
      for (const seed of SEEDS) {
        const split = normalizeIds(decodeSse(geminiGenerateCodec.streamDecoder(), randomSplit(bytes, seed)));
        assert.deepEqual(split, whole, `seed ${seed}`);
      }
    });
    test(`${name}: events say what the chunks say`, () => {
      const events = decodeSse(geminiGenerateCodec.streamDecoder(), [bytes]);
      const chunks = sseChunks(value.response.sse!);
      const first = chunks[0]!;
      assert.deepEqual(events[0], {
        type: 'start',
        id: first['responseId'],
        model: first['modelVersion'],
        ...(events[0]?.type === 'start' && events[0].usage ? { usage: events[0].usage } : {}),
      });
      const summary = summarizeEvents(events);
      const { finishes, ...facts } = summary;
      assert.deepEqual(facts, expectedFrom(chunks));
      assert.equal(finishes, 1, 'exactly one finish');
      assert.equal(events.at(-1)?.type, 'finish', 'the finish comes last');
      // Indices are assigned in order of first appearance, from 0.
      const seen: number[] = [];
      for (const event of events) {
        if ('index' in event && !seen.includes(event.index)) seen.push(event.index);
      }
      assert.deepEqual(
        seen,
        seen.map((_, i) => i),
      );
      // Every call has a unique id and arrives with its whole arguments in one event.
      const ids = events.flatMap((event) => (event.type === 'tool_call' ? [event.id] : []));
      assert.equal(new Set(ids).size, ids.length);
    });
  }
});

describe('recorded JSON-array streams, element by element, through the stream decoder', () => {
  // The pipeline asks Gemini for alt=sse when translating; the chunks are the same objects.
  for (const { name, value } of fixtures.filter((f) => Array.isArray(f.value.response.body))) {
    test(name, () => {
      const chunks = value.response.body as JsonObject[];
      const decoder = geminiGenerateCodec.streamDecoder();
      const events = [
        ...chunks.flatMap((chunk) => decoder.frame({ data: JSON.stringify(chunk) })),
        ...decoder.end(),
      ];
      const { finishes, ...facts } = summarizeEvents(events);
      assert.deepEqual(facts, expectedFrom(chunks));
      assert.equal(finishes, 1);
    });
  }
});

describe('recorded JSON responses through decodeResponse', () => {
  const responses = fixtures.filter(
    (f) =>
      f.value.response.status === 200 &&
      isObject(f.value.response.body) &&
      f.value.response.sse === undefined,
  );
  test('there are recorded responses to decode', () => {
    assert.ok(responses.length >= 12);
  });
  for (const { name, value } of responses) {
    test(name, () => {
      const body = value.response.body as JsonObject;
      const response = geminiGenerateCodec.decodeResponse(body);
      assert.deepEqual(summarizeResponse(response), expectedFrom([body]));
      assert.equal(response.id, body['responseId']);
      assert.equal(response.model, body['modelVersion']);
      // Signatures stay on the parts Gemini put them on.
      const candidate = arrayOf(body['candidates'])[0];
      const content = isObject(candidate) && isObject(candidate['content']) ? candidate['content'] : {};
      const signed = arrayOf(content['parts']).flatMap((part) =>
        isObject(part) && typeof part['thoughtSignature'] === 'string' ? [part['thoughtSignature']] : [],
      );
      const kept = response.content.flatMap((part) =>
        'signature' in part && part.signature ? [part.signature] : [],
      );
      assert.deepEqual(kept, signed);
    });
  }
});

describe('recorded errors through decodeError', () => {
  for (const { name, value } of fixtures.filter((f) => f.value.response.status >= 400)) {
    test(name, () => {
      const body = value.response.body as { error: { code: number; message: string; status: string } };
      const failure = geminiGenerateCodec.decodeError(value.response.status, body);
      assert.deepEqual(failure, {
        status: value.response.status,
        message: body.error.message,
        providerType: body.error.status,
      });
    });
  }
});

/** What a Gemini request asks for, comparable across spellings, id and signature encodings. */
function meaning(body: JsonObject): unknown {
  const field = (object: JsonObject, camel: string): unknown =>
    object[camel] ?? object[camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())];
  // The documented placeholder stands for no signature; URL-safe base64 for the standard form.
  const signature = (part: JsonObject): string | undefined => {
    const value = stringOf(field(part, 'thoughtSignature'));
    if (value === 'skip_thought_signature_validator') return undefined;
    return value?.replace(/-/g, '+').replace(/_/g, '/');
  };
  const parts = (value: unknown): unknown[] =>
    arrayOf(value).flatMap((raw) => {
      if (!isObject(raw)) return [];
      const call = field(raw, 'functionCall');
      if (isObject(call))
        return [{ call: call['name'], args: call['args'] ?? {}, signature: signature(raw) }];
      const response = field(raw, 'functionResponse');
      if (isObject(response)) return [{ response: response['name'], value: response['response'] }];
      if (typeof raw['text'] === 'string') {
        return raw['text'] === '' && signature(raw) === undefined
          ? []
          : [{ text: raw['text'], thought: raw['thought'] === true }];
      }
      return [raw];
    });
  const contents = arrayOf(body['contents'])
    .filter(isObject)
    .map((content) => ({ role: content['role'] ?? 'user', parts: parts(content['parts']) }))
    .filter((content) => content.parts.length > 0);
  const system = field(body, 'systemInstruction');
  const declarations = arrayOf(body['tools']).flatMap((tool) =>
    isObject(tool) ? arrayOf(field(tool, 'functionDeclarations')) : [],
  );
  const config = field(body, 'generationConfig');
  const generation: JsonObject = {};
  if (isObject(config)) {
    for (const key of [
      'maxOutputTokens',
      'temperature',
      'topP',
      'topK',
      'stopSequences',
      'responseMimeType',
    ]) {
      const value = field(config, key);
      if (value !== undefined) generation[key] = value;
    }
    const thinking = field(config, 'thinkingConfig');
    if (isObject(thinking)) generation['thinkingBudget'] = field(thinking, 'thinkingBudget');
  }
  const toolConfig = field(body, 'toolConfig');
  const calling = isObject(toolConfig) ? field(toolConfig, 'functionCallingConfig') : undefined;
  return {
    contents,
    system: isObject(system) ? parts(system['parts']) : [],
    tools: declarations.map((declaration) => (isObject(declaration) ? declaration['name'] : undefined)),
    generation,
    mode: isObject(calling) ? calling['mode'] : undefined,
  };
}

describe('recorded requests: inbound decode, then provider encode, keeps their meaning', () => {
  const refused: Record<string, string> = {
    'generate-error-429-resource-exhausted.json': "'video/mp4' cannot be translated",
  };
  const dialectOnly: Record<string, string[]> = {
    'stream-sse-google-search-grounding.json': ['Gemini googleSearch tool'],
  };
  for (const { name, value } of fixtures) {
    test(name, () => {
      const body = value.request.body as JsonObject;
      if (refused[name]) {
        assert.throws(
          () => geminiGenerateInbound.decodeRequest(body),
          (error: unknown) => error instanceof GatewayError && error.message.includes(refused[name]!),
        );
        return;
      }
      const request = geminiGenerateInbound.decodeRequest(body);
      assert.deepEqual(request.dialectOnly, dialectOnly[name] ?? []);
      if (request.dialectOnly.length > 0) {
        assert.throws(() => geminiGenerateCodec.encodeRequest(request, 'gemini-2.5-flash'), GatewayError);
        return;
      }
      const model = /models\/([^:]+)/.exec(value.request.path)?.[1] ?? 'gemini-2.5-flash';
      const encoded = geminiGenerateCodec.encodeRequest(request, model) as JsonObject;
      assert.deepEqual(meaning(encoded), meaning(body));
    });
  }
});
