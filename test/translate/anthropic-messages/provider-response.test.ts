import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isObject, type JsonObject } from '../../../src/canonical/wire.ts';
import { anthropicMessagesCodec } from '../../../src/providers/anthropic/translate/index.ts';
import { assertGatewayError, assertMatches, type Fixture, loadCases, messagesFixtures } from './helpers.ts';

const fixtures = messagesFixtures();
const byName = new Map(fixtures.map((fixture) => [fixture.name, fixture]));

function fixtureBody(name: unknown): unknown {
  const fixture = byName.get(String(name));
  assert.ok(fixture, `no fixture ${String(name)}`);
  return fixture.response.body;
}

const STOP: Readonly<Record<string, string>> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
  pause_turn: 'pause_turn',
  refusal: 'refusal',
};

describe('Anthropic response decoder: every recorded message', () => {
  const messages = fixtures.filter(
    (fixture: Fixture) => fixture.response.status === 200 && fixture.response.body,
  );
  test('there are recorded messages to decode', () => assert.equal(messages.length, 13));

  for (const fixture of messages) {
    test(fixture.name, () => {
      const body = fixture.response.body as JsonObject;
      const decoded = anthropicMessagesCodec.decodeResponse(body);
      const blocks = (body['content'] as JsonObject[]).filter((block) =>
        ['text', 'thinking', 'redacted_thinking', 'tool_use'].includes(String(block['type'])),
      );
      assert.equal(decoded.content.length, blocks.length, 'one part per translatable block, every text kept');
      decoded.content.forEach((part, at) => {
        const block = blocks[at]!;
        switch (part.type) {
          case 'text':
            assert.equal(part.text, block['text']);
            break;
          case 'thinking':
            assert.equal(part.text, block['thinking']);
            assert.equal(part.signature, block['signature']);
            break;
          case 'redacted_thinking':
            assert.equal(part.data, block['data']);
            break;
          case 'tool_call':
            assert.equal(part.id, block['id']);
            assert.equal(part.name, block['name']);
            assert.deepEqual(JSON.parse(part.arguments), block['input']);
            break;
        }
      });
      assert.equal(decoded.id, body['id']);
      assert.equal(decoded.model, body['model']);
      assert.equal(decoded.stopReason, STOP[String(body['stop_reason'])]);
      const usage = body['usage'] as JsonObject;
      assert.deepEqual(decoded.usage, {
        inputTokens: usage['input_tokens'],
        outputTokens: usage['output_tokens'],
        cacheReadTokens: usage['cache_read_input_tokens'] ?? 0,
        cacheWriteTokens: usage['cache_creation_input_tokens'] ?? 0,
        reasoningTokens: 0,
      });
    });
  }
});

describe('Anthropic response decoder: cases', () => {
  for (const { name, data } of loadCases('decode-response')) {
    test(`${name}: ${String(data['description'])}`, () => {
      const body = data['fixture'] === undefined ? data['body'] : fixtureBody(data['fixture']);
      if (isObject(data['error'])) {
        assertGatewayError(() => anthropicMessagesCodec.decodeResponse(body), data['error']);
        return;
      }
      assertMatches(anthropicMessagesCodec.decodeResponse(body), data['expected']);
    });
  }
});

describe('Anthropic error decoder', () => {
  for (const { name, data } of loadCases('decode-error')) {
    test(`${name}: ${String(data['description'])}`, () => {
      const fixture = data['fixture'] === undefined ? undefined : byName.get(String(data['fixture']));
      const status = fixture ? fixture.response.status : Number(data['status']);
      const body = fixture ? fixture.response.body : data['body'];
      assert.deepEqual(anthropicMessagesCodec.decodeError(status, body), data['expected']);
    });
  }
});
