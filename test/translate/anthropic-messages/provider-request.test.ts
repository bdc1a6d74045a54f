import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import { isObject, type JsonObject } from '../../../src/canonical/wire.ts';
import { anthropicMessagesInbound } from '../../../src/inbound/anthropic-messages/index.ts';
import { anthropicMessagesCodec } from '../../../src/providers/anthropic/translate/index.ts';
import { assertGatewayError, canonicalRequest, loadCases, messagesFixtures } from './helpers.ts';

describe('Anthropic request encoder: cases', () => {
  for (const { name, data } of loadCases('encode-request')) {
    test(`${name}: ${String(data['description'])}`, () => {
      const request = canonicalRequest(data['input'] as Partial<CanonicalRequest>);
      const encode = () => anthropicMessagesCodec.encodeRequest(request, 'claude-sonnet-4-5');
      if (isObject(data['error'])) {
        assertGatewayError(encode, data['error']);
        return;
      }
      assert.deepEqual(encode(), data['expected']);
    });
  }
});

/**
 * A recorded request as the encoder writes it: content as blocks, delivery hints
 * (cache_control, output_config.effort without thinking) and `is_error: false` gone.
 */
function normalized(body: JsonObject): JsonObject {
  const blocks = (content: unknown): unknown =>
    typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : (content as JsonObject[]).map((block) => {
          const { cache_control: _, ...rest } = block;
          if (rest['type'] === 'tool_result') {
            rest['content'] = blocks(rest['content']);
            if (rest['is_error'] === false) delete rest['is_error'];
          }
          return rest;
        });
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'cache_control':
      case 'output_config':
        break;
      case 'stream':
        if (value === true) out[key] = true;
        break;
      case 'messages':
        out[key] = (value as JsonObject[]).map((message) => ({
          role: message['role'],
          content: blocks(message['content']),
        }));
        break;
      case 'tools':
        // An empty description says nothing; the encoder leaves it out.
        out[key] = (value as JsonObject[]).map(({ description, ...tool }) =>
          description === '' ? tool : { ...tool, description },
        );
        break;
      case 'thinking': {
        const { display: _, ...rest } = value as JsonObject;
        out[key] = rest;
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

describe('recorded Anthropic requests: decoded as a client sent them, encoded back for Anthropic', () => {
  for (const fixture of messagesFixtures()) {
    test(fixture.name, () => {
      const body = fixture.request.body;
      const canonical = anthropicMessagesInbound.decodeRequest(body);
      const model = String(body['model']);
      if (canonical.dialectOnly.length > 0) {
        // Server tools cannot be rebuilt from their names; same-dialect traffic is passed through instead.
        assertGatewayError(() => anthropicMessagesCodec.encodeRequest(canonical, model), {
          message: canonical.dialectOnly.join(', '),
        });
        return;
      }
      assert.deepEqual(anthropicMessagesCodec.encodeRequest(canonical, model), normalized(body));
    });
  }
});
