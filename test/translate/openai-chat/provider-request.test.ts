import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { openaiChatInbound } from '../../../src/inbound/openai-chat/index.ts';
import { openaiChatCodec } from '../../../src/providers/openai/translate/index.ts';
import { assertInvalid, CASES, chatFixtures, loadCases, readJson } from './helpers.ts';

const DEFAULT_OPTIONS = { maxTokensField: 'max_tokens', includeUsageOption: true } as const;

describe('OpenAI chat provider: encodeRequest cases', () => {
  for (const { name, data } of loadCases('provider/requests')) {
    it(`${name}: ${data['description']}`, () => {
      const options = isObject(data['options']) ? data['options'] : DEFAULT_OPTIONS;
      const codec = openaiChatCodec(options as Parameters<typeof openaiChatCodec>[0]);
      const input = data['input'] as CanonicalRequest;
      const before = structuredClone(input);
      assert.deepEqual(codec.encodeRequest(input, 'backend-model'), data['expected']);
      assert.deepEqual(input, before, 'the encoder must not change the canonical request');
    });
  }
});

describe('OpenAI chat provider: shortToolCallIds', () => {
  const SHORT = /^[A-Za-z0-9]{9}$/;
  const codec = openaiChatCodec({ ...DEFAULT_OPTIONS, shortToolCallIds: true });
  const roundTrip = (id: string): { call: string; result: string } => {
    const body = codec.encodeRequest(
      {
        model: 'm',
        system: [],
        messages: [
          { role: 'assistant', content: [{ type: 'tool_call', id, name: 'f', arguments: '{}' }] },
          { role: 'user', content: [{ type: 'tool_result', toolCallId: id, content: [], isError: false }] },
        ],
        tools: [],
        stream: false,
        dialectOnly: [],
      },
      'mistral-large',
    ) as { messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[] };
    return { call: body.messages[0]!.tool_calls![0]!.id, result: body.messages[1]!.tool_call_id! };
  };

  it('every id becomes nine letters and digits, the same for a call and its result, on every request', () => {
    const seen = new Map<string, string>();
    const ids = ['', 'x', 'toolu_01A09q90qw90lq917835lq9', 'call_abc__sig_c2ln', 'é😀/+=', 'abc-DEF-12'];
    for (let i = 0; i < 2_000; i++) ids.push(`call_${i}`);
    for (const id of ids) {
      const { call, result } = roundTrip(id);
      assert.match(call, SHORT, id);
      assert.equal(result, call, id);
      assert.equal(roundTrip(id).call, call, 'deterministic');
      assert.ok(!seen.has(call), `${id} and ${seen.get(call)} collide`);
      seen.set(call, id);
    }
  });

  it('an id already in that form is kept', () => {
    assert.deepEqual(roundTrip('AbC123xyz'), { call: 'AbC123xyz', result: 'AbC123xyz' });
  });

  it('without the option ids pass unchanged', () => {
    const body = openaiChatCodec(DEFAULT_OPTIONS).encodeRequest(
      {
        model: 'm',
        system: [],
        messages: [
          { role: 'assistant', content: [{ type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{}' }] },
        ],
        tools: [],
        stream: false,
        dialectOnly: [],
      },
      'gpt',
    ) as { messages: { tool_calls?: { id: string }[] }[] };
    assert.equal(body.messages[0]!.tool_calls![0]!.id, 'toolu_1');
  });
});

describe('OpenAI chat provider: refused requests', () => {
  const file = readJson(join(CASES, 'provider/request-errors.json')) as {
    base: CanonicalRequest;
    cases: { description: string; patch: Partial<CanonicalRequest>; param?: string; message: string }[];
  };
  const codec = openaiChatCodec(DEFAULT_OPTIONS);
  for (const { description, patch, param, message } of file.cases) {
    it(description, () => {
      assertInvalid(() => codec.encodeRequest({ ...file.base, ...patch }, 'backend-model'), param, message);
    });
  }

  it('the long tool name case is really over 64 characters', () => {
    const long = file.cases.find((item) => item.description === 'tool name longer than 64')!;
    assert.ok((long.patch.tools?.[0]?.name.length ?? 0) > 64);
  });
});

/**
 * A recorded OpenAI request as this gateway would send it on after decoding it: the
 * differences are the translation's normalisations, listed here one by one.
 */
function expectedReencoding(body: Record<string, unknown>): Record<string, unknown> {
  const expected: Record<string, unknown> = structuredClone(body);
  expected['stream'] ??= false;
  // Streams always ask for usage (the options in these tests allow it).
  if (expected['stream'] === true) expected['stream_options'] = { include_usage: true };
  // An empty stop list asks for nothing.
  if (Array.isArray(expected['stop']) && expected['stop'].length === 0) delete expected['stop'];
  expected['messages'] = (expected['messages'] as Record<string, unknown>[]).map((message) => {
    // developer is OpenAI's newer name for system; other servers know only system.
    if (message['role'] === 'developer') return { ...message, role: 'system' };
    // An assistant turn of tool calls only says so with content null.
    if (message['role'] === 'assistant' && message['content'] === undefined)
      return { ...message, content: null };
    return message;
  });
  return expected;
}

describe('OpenAI chat provider: recorded requests survive decode → encode', () => {
  for (const fixture of chatFixtures()) {
    if (fixture.response.status === 400 && fixture.name !== 'chat-error-400-unsupported-role') continue;
    it(fixture.name, () => {
      const body = fixture.request.body;
      const codec = openaiChatCodec({
        maxTokensField: 'max_completion_tokens' in body ? 'max_completion_tokens' : 'max_tokens',
        includeUsageOption: true,
      });
      const request = openaiChatInbound.decodeRequest(body);
      assert.deepEqual(codec.encodeRequest(request, String(body['model'])), expectedReencoding(body));
    });
  }
});
