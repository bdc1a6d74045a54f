// Long content lists from a chat client are appended without spreading them into call
// arguments, which throws a RangeError (a 500) past about 120,000 elements.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openaiChatInbound } from '../../../src/inbound/openai-chat/index.ts';

const PARTS = 300_000;
const parts = Array.from({ length: PARTS }, (_, i) => ({ type: 'text', text: `p${i}` }));

describe('OpenAI chat inbound: long content lists', () => {
  test(`a leading system message of ${PARTS} parts joins the system prompt`, () => {
    const request = openaiChatInbound.decodeRequest({
      model: 'm',
      messages: [
        { role: 'system', content: parts },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.equal(request.system.length, PARTS);
    assert.deepEqual(request.system.at(-1), { type: 'text', text: `p${PARTS - 1}` });
  });

  test(`a user message of ${PARTS} parts after tool results joins their turn`, () => {
    const request = openaiChatInbound.decodeRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'r' },
        { role: 'user', content: parts },
      ],
    });
    assert.equal(request.messages.length, 3);
    assert.equal(request.messages[2]!.content.length, PARTS + 1);
  });

  test(`an assistant message of ${PARTS} text parts (empty ones dropped)`, () => {
    const request = openaiChatInbound.decodeRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [...parts, { type: 'text', text: '' }] },
      ],
    });
    assert.equal(request.messages[1]!.content.length, PARTS);
  });
});
