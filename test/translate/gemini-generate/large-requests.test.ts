// Requests with many calls, results and tools decode in linear time: each function response
// finds its call without scanning every earlier one, and allowed names are looked up in a set.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ToolResultPart } from '../../../src/canonical/request.ts';
import { geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';

/** Quadratic work at these sizes takes many seconds; linear work, well under one. */
const CALLS = 40_000;
const TIME_LIMIT_MS = 3_000;

function timed<T>(run: () => T): T {
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_LIMIT_MS, `took ${Math.round(elapsed)} ms`);
  return result;
}

function conversation(withIds: boolean) {
  const calls = Array.from({ length: CALLS }, (_, i) => ({
    functionCall: withIds ? { name: 'f', args: { i }, id: `c${i}` } : { name: 'f', args: { i } },
  }));
  const responses = Array.from({ length: CALLS }, (_, i) => ({
    functionResponse: withIds ? { name: 'f', response: { i }, id: `c${i}` } : { name: 'f', response: { i } },
  }));
  return {
    contents: [
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: calls },
      { role: 'user', parts: responses },
    ],
  };
}

describe('Gemini inbound: large requests decode in linear time', () => {
  for (const withIds of [true, false]) {
    test(`${CALLS} calls and their responses, matched ${withIds ? 'by id' : 'by name, in order'}`, () => {
      const request = timed(() => geminiGenerateInbound.decodeRequest(conversation(withIds)));
      const calls = request.messages[1]!.content;
      const results = request.messages[2]!.content as ToolResultPart[];
      assert.equal(results.length, CALLS);
      for (const at of [0, 1, CALLS / 2, CALLS - 1]) {
        const call = calls[at]!;
        assert.equal(call.type, 'tool_call');
        assert.equal(results[at]!.toolCallId, call.type === 'tool_call' ? call.id : '');
        assert.deepEqual(results[at]!.content, [{ type: 'text', text: JSON.stringify({ i: at }) }]);
      }
    });
  }

  test(`${CALLS} declared tools, all of them allowed`, () => {
    const names = Array.from({ length: CALLS }, (_, i) => `t${i}`);
    const request = timed(() =>
      geminiGenerateInbound.decodeRequest({
        contents: [{ role: 'user', parts: [{ text: 'go' }] }],
        tools: [{ functionDeclarations: names.map((name) => ({ name })) }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: names } },
      }),
    );
    assert.equal(request.tools.length, CALLS);
    assert.deepEqual(request.toolChoice, { type: 'required' });
  });

  test('allowed names keep only the tools they name', () => {
    const request = geminiGenerateInbound.decodeRequest({
      contents: [{ role: 'user', parts: [{ text: 'go' }] }],
      tools: [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['c', 'a'] } },
    });
    assert.deepEqual(
      request.tools.map((tool) => tool.name),
      ['a', 'c'],
    );
  });
});
