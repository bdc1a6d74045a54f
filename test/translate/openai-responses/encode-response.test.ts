import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalResponse } from '../../../src/canonical/response.ts';
import { toolCallIdFromClient } from '../../../src/canonical/tool-call-id.ts';
import { openaiResponsesInbound as codec } from '../../../src/inbound/openai-responses/index.ts';
import { context, readCases, responsesFixtures, sdkCreate } from './support.ts';

interface EncodeCase {
  description: string;
  response: CanonicalResponse;
  expected: unknown;
}

const cases = readCases<EncodeCase>('encode');

describe('openai-responses encodeResponse: cases', () => {
  for (const { name, value } of cases) {
    test(`${name}: ${value.description}`, () => {
      assert.deepEqual(codec.encodeResponse(value.response, context()), value.expected);
    });
  }
});

describe('openai-responses encodeResponse: through the SDK', () => {
  for (const { name, value } of cases) {
    test(`${name}: client.responses.create reads it, output_text joins the message texts`, async () => {
      const encoded = codec.encodeResponse(value.response, context()) as Record<string, unknown>;
      const read = (await sdkCreate(encoded)) as Record<string, unknown>;
      const texts = value.response.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
      assert.equal(read['output_text'], texts.join(''));
      assert.deepEqual({ ...read, output_text: undefined }, { ...encoded, output_text: undefined });
    });
  }
});

describe('openai-responses encodeResponse: fields', () => {
  test('the model is the name the client asked for; created_at and ids come from the context', () => {
    const response: CanonicalResponse = {
      id: 'chatcmpl-9',
      model: 'upstream-model-v2',
      content: [{ type: 'text', text: 'x' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      created: 5,
    };
    const encoded = codec.encodeResponse(
      response,
      context({ clientModel: 'team-gpt', created: 1234, requestId: 'req_ab-c9' }),
    );
    assert.deepEqual(
      JSON.parse(JSON.stringify(encoded), (key, value) =>
        key === 'usage' || key === 'content' ? undefined : value,
      ),
      {
        id: 'resp_abc9',
        object: 'response',
        created_at: 1234,
        status: 'completed',
        background: false,
        error: null,
        incomplete_details: null,
        instructions: null,
        max_output_tokens: null,
        model: 'team-gpt',
        output: [{ type: 'message', id: 'msg_abc9_0', status: 'completed', role: 'assistant' }],
        parallel_tool_calls: true,
        previous_response_id: null,
        reasoning: null,
        store: false,
        temperature: null,
        text: { format: { type: 'text' } },
        tool_choice: 'auto',
        tools: [],
        top_p: null,
        truncation: 'disabled',
        metadata: {},
      },
    );
  });

  test("the fields Switchyard writes are ones OpenAI's recorded responses have", () => {
    const recorded = responsesFixtures().find((fixture) => fixture.name === 'responses-function-call.json');
    assert.ok(recorded?.response.body && typeof recorded.response.body === 'object');
    const real = recorded.response.body as Record<string, unknown>;
    const ours = codec.encodeResponse(cases[0]!.value.response, context()) as unknown as Record<
      string,
      unknown
    >;
    for (const key of Object.keys(ours)) assert.ok(key in real, `${key} is not in OpenAI's response`);
  });

  test('a tool call signature survives the round trip through the client', () => {
    const response = cases.find((c) => c.name === 'thinking-text-tools.json')!.value.response;
    const encoded = codec.encodeResponse(response, context()) as {
      output: { type: string; call_id?: string }[];
    };
    const call = encoded.output.find((item) => item.type === 'function_call')!;
    assert.deepEqual(toolCallIdFromClient(call.call_id!), { id: 'call_a', signature: 'sig-ABC' });
  });
});
