import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalResponse } from '../../../src/canonical/response.ts';
import { normalizeArguments } from '../../../src/canonical/tool-arguments.ts';
import { openaiResponsesInbound as codec } from '../../../src/inbound/openai-responses/index.ts';
import { context, readCases } from './support.ts';

/**
 * Clients that keep no server state (Codex, the Agents SDK with store: false) send the
 * previous answer's output items back as input. What a backend needs echoed (thinking
 * signatures, redacted thinking, Gemini's function-call signatures) must come back intact.
 */
describe('openai-responses: an answer sent back as history', () => {
  const cases = readCases<{ response: CanonicalResponse }>('encode');
  for (const name of [
    'thinking-text-tools.json',
    'redacted-and-empty-parts.json',
    'tool-ids-and-arguments.json',
  ]) {
    test(`${name}: the output items decode to the parts the backend gave`, () => {
      const response = cases.find((c) => c.name === name)!.value.response;
      const encoded = codec.encodeResponse(response, context()) as { output: Record<string, unknown>[] };
      const calls = encoded.output.filter((item) => item['type'] === 'function_call');
      const request = codec.decodeRequest({
        model: 'm',
        input: [
          { role: 'user', content: 'Go' },
          ...encoded.output,
          ...calls.map((call) => ({
            type: 'function_call_output',
            call_id: call['call_id'],
            output: 'done',
          })),
        ],
      });

      const carried = response.content.filter(
        (part) =>
          !(part.type === 'text' && part.text === '') &&
          !(part.type === 'thinking' && !part.text && !part.signature),
      );
      const assistant = request.messages[1]!;
      assert.equal(assistant.role, 'assistant');
      assert.equal(assistant.content.length, carried.length);
      assistant.content.forEach((part, index) => {
        const original = carried[index]!;
        if (original.type === 'tool_call') {
          assert.equal(part.type, 'tool_call');
          if (part.type !== 'tool_call') return;
          // A missing or repeated id was replaced; a real one comes back as the backend gave it.
          if (original.id !== '' && original.id !== 'dup') assert.equal(part.id, original.id);
          assert.equal(part.signature, original.signature);
          assert.equal(part.name, original.name);
          assert.equal(part.arguments, normalizeArguments(original.arguments));
        } else if (original.type === 'text') {
          // Responses has no field for Gemini's text signatures; they are optional there.
          assert.deepEqual(part, { type: 'text', text: original.text });
        } else {
          assert.deepEqual(part, original);
        }
      });

      const results = request.messages[2]?.content ?? [];
      const callParts = assistant.content.filter((part) => part.type === 'tool_call');
      assert.deepEqual(
        results.map((part) => (part.type === 'tool_result' ? [part.toolCallId, part.name] : [])),
        callParts.map((part) => (part.type === 'tool_call' ? [part.id, part.name] : [])),
      );
    });
  }
});
