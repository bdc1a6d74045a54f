// Long content lists are appended without spreading them into call arguments, which throws a
// RangeError (a 500) past about 120,000 elements: document content sources from the client,
// and same-role turns merged for an Anthropic backend.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { anthropicMessagesInbound } from '../../../src/inbound/anthropic-messages/index.ts';
import { anthropicMessagesCodec } from '../../../src/providers/anthropic/translate/index.ts';
import type { AnthropicRequestBody } from '../../../src/providers/anthropic/translate/wire.ts';

const PARTS = 300_000;
const textBlocks = Array.from({ length: PARTS }, (_, i) => ({ type: 'text', text: `p${i}` }));
const contentDocument = { type: 'document', source: { type: 'content', content: textBlocks } };

describe('Anthropic: long content lists', () => {
  test(`a document whose content source holds ${PARTS} blocks`, () => {
    const request = anthropicMessagesInbound.decodeRequest({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: [contentDocument] }],
    });
    assert.equal(request.messages[0]!.content.length, PARTS);
  });

  test(`a tool result holding such a document`, () => {
    const request = anthropicMessagesInbound.decodeRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [contentDocument] }] },
      ],
    });
    const result = request.messages[2]!.content[0]!;
    assert.equal(result.type === 'tool_result' ? result.content.length : 0, PARTS);
  });

  test(`two user turns, the second of ${PARTS} parts, merge into one for Anthropic`, () => {
    const request: CanonicalRequest = {
      model: 'm',
      system: [],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        {
          role: 'user',
          content: Array.from({ length: PARTS }, (_, i) => ({ type: 'text' as const, text: `p${i}` })),
        },
      ],
      tools: [],
      stream: false,
      dialectOnly: [],
    };
    const body = anthropicMessagesCodec.encodeRequest(request, 'claude-sonnet-4-5') as AnthropicRequestBody;
    assert.equal(body.messages.length, 1);
    assert.equal(body.messages[0]!.content.length, PARTS + 1);
  });
});

describe('Anthropic inbound: a tool_use input nested too deep to re-serialise', () => {
  test('20,000 levels deep is a 400, not a RangeError', () => {
    const input: unknown = JSON.parse('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    assert.throws(
      () =>
        anthropicMessagesInbound.decodeRequest({
          model: 'm',
          max_tokens: 10,
          messages: [
            { role: 'user', content: 'go' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input }] },
          ],
        }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.status === 400 &&
        error.param === 'messages.1.content.0.input' &&
        error.message.includes('is nested too deeply'),
    );
  });
});
