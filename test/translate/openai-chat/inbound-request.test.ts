import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/errors.ts';
import { openaiChatInbound } from '../../../src/inbound/openai-chat/index.ts';
import { openaiResponsesInbound } from '../../../src/inbound/openai-responses/index.ts';
import { assertInvalid, CASES, chatFixtures, loadCases, readJson } from './helpers.ts';

const { decodeRequest } = openaiChatInbound;

describe('OpenAI chat inbound: decodeRequest cases', () => {
  for (const { name, data } of loadCases('inbound/requests')) {
    it(`${name}: ${data['description']}`, () => {
      assert.deepEqual(decodeRequest(data['input']), data['expected']);
    });
  }
});

describe('OpenAI chat inbound: reasoning_effort reads as Responses reads reasoning.effort', () => {
  for (const effort of ['none', 'minimal', 'low', 'medium', 'high', 'xhigh']) {
    it(effort, () => {
      const chat = decodeRequest({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        reasoning_effort: effort,
      });
      const responses = openaiResponsesInbound.decodeRequest({
        model: 'm',
        input: 'x',
        reasoning: { effort },
      });
      assert.deepEqual(chat.reasoning, responses.reasoning);
    });
  }
});

describe('OpenAI chat inbound: refused requests', () => {
  const file = readJson(join(CASES, 'inbound/request-errors.json')) as {
    base: Record<string, unknown>;
    cases: { description: string; patch: Record<string, unknown>; param: string; message: string }[];
  };
  for (const { description, patch, param, message } of file.cases) {
    it(description, () => {
      const body: Record<string, unknown> = { ...file.base, ...patch };
      for (const [key, value] of Object.entries(patch)) if (value === null) delete body[key];
      assertInvalid(() => decodeRequest(body), param, message);
    });
  }

  it('a body that is not an object', () => {
    assertInvalid(() => decodeRequest([1]), undefined, 'request body must be a JSON object');
  });

  it('a missing model is missing_model', () => {
    assert.throws(
      () => decodeRequest({ messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) =>
        error instanceof GatewayError && error.code === 'missing_model' && error.param === 'model',
    );
  });
});

describe('OpenAI chat inbound: recorded requests', () => {
  for (const fixture of chatFixtures()) {
    const badMessages = fixture.response.status === 400 && fixture.name !== 'chat-error-400-unsupported-role';
    it(`${fixture.name} ${badMessages ? 'is refused, as OpenAI refused it' : 'decodes'}`, () => {
      if (badMessages) {
        // Both recorded 400s are about the messages: we refuse them before any backend sees them.
        assertInvalid(() => decodeRequest(fixture.request.body), undefined, 'messages');
        return;
      }
      const request = decodeRequest(fixture.request.body);
      assert.equal(request.model, fixture.request.body['model']);
      assert.equal(request.stream, fixture.request.body['stream'] === true);
      const turns = fixture.request.body['messages'] as { role: string }[];
      const toolMessages = turns.filter((turn) => turn.role === 'tool').length;
      const results = request.messages.flatMap((message) =>
        message.content.filter((part) => part.type === 'tool_result'),
      );
      assert.equal(results.length, toolMessages);
    });
  }

  it('chat-stream-tool-results-followup: the two tool messages become one user turn naming their tools', () => {
    const fixture = chatFixtures().find((item) => item.name === 'chat-stream-tool-results-followup')!;
    const request = decodeRequest(fixture.request.body);
    assert.equal(request.messages.length, 3);
    assert.deepEqual(request.messages[2], {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'call_q2UyBRP7eXNTzAoR8lEhjc9Z',
          name: 'get_country',
          content: [{ type: 'text', text: 'Mexico' }],
          isError: false,
        },
        {
          type: 'tool_result',
          toolCallId: 'call_b51ijcpFkDiTQG1bQzsrmtW5',
          name: 'get_product_name',
          content: [{ type: 'text', text: 'Pydantic AI' }],
          isError: false,
        },
      ],
    });
    assert.deepEqual(request.toolChoice, { type: 'required' });
    assert.equal(request.tools.length, 19);
  });
});
