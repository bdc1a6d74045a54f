// Large Responses inputs: function call outputs join their turn in constant time each, and
// long content lists are appended without spreading them into call arguments (which throws
// a RangeError past about 120,000 elements).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openaiResponsesInbound } from '../../../src/inbound/openai-responses/index.ts';

const CALLS = 80_000;
const PARTS = 300_000;
/** Quadratic work at this size takes many seconds; linear work, well under one. */
const TIME_LIMIT_MS = 2_500;

const parts = (type: string) => Array.from({ length: PARTS }, (_, i) => ({ type, text: `p${i}` }));

describe('Responses inbound: large inputs', () => {
  test(`${CALLS} function calls then their outputs: one user turn of results, in linear time`, () => {
    const input: unknown[] = [{ role: 'user', content: 'go' }];
    for (let i = 0; i < CALLS; i++)
      input.push({ type: 'function_call', call_id: `c${i}`, name: 'f', arguments: '{}' });
    for (let i = 0; i < CALLS; i++)
      input.push({ type: 'function_call_output', call_id: `c${i}`, output: `r${i}` });
    const started = performance.now();
    const request = openaiResponsesInbound.decodeRequest({ model: 'm', input });
    assert.ok(
      performance.now() - started < TIME_LIMIT_MS,
      `took ${Math.round(performance.now() - started)} ms`,
    );
    assert.equal(request.messages.length, 3);
    const results = request.messages[2]!.content;
    assert.equal(results.length, CALLS);
    assert.deepEqual(results[CALLS - 1], {
      type: 'tool_result',
      toolCallId: `c${CALLS - 1}`,
      name: 'f',
      content: [{ type: 'text', text: `r${CALLS - 1}` }],
      isError: false,
    });
  });

  test('outputs after an empty user message join it, as results of one turn', () => {
    const request = openaiResponsesInbound.decodeRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { role: 'user', content: [] },
        { type: 'function_call_output', call_id: 'c1', output: 'r' },
        { role: 'user', content: 'next' },
        { type: 'function_call_output', call_id: 'c1', output: 'again' },
      ],
    });
    assert.deepEqual(
      request.messages.map((message) => [message.role, message.content.map((part) => part.type)]),
      [
        ['user', ['text']],
        ['assistant', ['tool_call']],
        ['user', ['tool_result']],
        ['user', ['text']],
        ['user', ['tool_result']],
      ],
    );
  });

  test(`a leading developer message of ${PARTS} parts joins the system prompt`, () => {
    const request = openaiResponsesInbound.decodeRequest({
      model: 'm',
      input: [
        { role: 'developer', content: parts('input_text') },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.equal(request.system.length, PARTS);
  });

  test(`an assistant message of ${PARTS} parts joins the assistant turn before it`, () => {
    const request = openaiResponsesInbound.decodeRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'a' },
        { role: 'assistant', content: parts('output_text') },
      ],
    });
    assert.equal(request.messages[1]!.content.length, PARTS + 1);
  });
});
