import { describe, test } from 'node:test';
import type { CanonicalResponse } from '../../../src/canonical/response.ts';
import { anthropicMessagesInbound } from '../../../src/inbound/anthropic-messages/index.ts';
import { assertMatches, context, loadCases } from './helpers.ts';

describe('Anthropic response encoder: cases', () => {
  for (const { name, data } of loadCases('encode-response')) {
    test(`${name}: ${String(data['description'])}`, () => {
      const encoded = anthropicMessagesInbound.encodeResponse(data['input'] as CanonicalResponse, context());
      assertMatches(encoded, data['expected']);
    });
  }
});
