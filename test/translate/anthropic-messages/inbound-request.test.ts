import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isObject } from '../../../src/canonical/wire.ts';
import {
  anthropicMessagesInbound,
  decodeCountTokensRequest,
} from '../../../src/inbound/anthropic-messages/index.ts';
import { assertGatewayError, FIXTURES, loadCases, messagesFixtures, readJson } from './helpers.ts';

describe('Anthropic request decoder: cases', () => {
  for (const { name, data } of loadCases('decode-request')) {
    test(`${name}: ${String(data['description'])}`, () => {
      if (isObject(data['error'])) {
        assertGatewayError(() => anthropicMessagesInbound.decodeRequest(data['input']), data['error']);
        return;
      }
      assert.deepEqual(anthropicMessagesInbound.decodeRequest(data['input']), data['expected']);
    });
  }
});

describe('Anthropic request decoder: every recorded request', () => {
  for (const fixture of messagesFixtures()) {
    test(fixture.name, () => {
      const body = fixture.request.body;
      const request = anthropicMessagesInbound.decodeRequest(body);
      assert.equal(request.model, body['model']);
      assert.equal(request.maxTokens, body['max_tokens']);
      assert.equal(request.stream, body['stream'] === true);
      const messages = body['messages'] as unknown[];
      assert.equal(request.messages.length, messages.length);
      const tools = (body['tools'] as Record<string, unknown>[] | undefined) ?? [];
      const serverTools = tools.filter((tool) => tool['type'] !== undefined);
      assert.equal(request.tools.length, tools.length - serverTools.length);
      assert.deepEqual(
        request.dialectOnly,
        serverTools.map((tool) => `server tool ${String(tool['type'])}`),
      );
    });
  }
});

describe('count_tokens bodies', () => {
  test('decode without max_tokens', () => {
    const fixture = readJson(`${FIXTURES}/count-tokens.json`) as { request: { body: unknown } };
    const request = decodeCountTokensRequest(fixture.request.body);
    assert.equal(request.maxTokens, undefined);
    assert.equal(request.messages.length, 1);
  });
});
