import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import { MessagesStreamEncoder } from '../../../src/inbound/anthropic-messages/stream-encoder.ts';
import { anthropicMessagesCodec } from '../../../src/providers/anthropic/translate/index.ts';
import {
  assertMatches,
  checkAnthropicStream,
  collect,
  context,
  decodeSse,
  loadCases,
  messagesFixtures,
  SEEDS,
  sdkFinalMessage,
  sdkPlain,
} from './helpers.ts';

const streams = messagesFixtures().filter((fixture) => fixture.response.sse !== undefined);

/** What a canonical part looks like once the SDK has accumulated it (server-tool blocks have none). */
function translatable(block: ContentBlock): boolean {
  return ['text', 'thinking', 'redacted_thinking', 'tool_use'].includes(block.type);
}

/** A block with only the fields a translated answer carries (no citations, no `caller`). */
function bare(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    default:
      return { ...block };
  }
}

describe('Anthropic stream decoder: every recorded stream', () => {
  test('there are recorded streams to decode', () => {
    assert.equal(streams.length, 14);
  });

  for (const fixture of streams) {
    const sse = fixture.response.sse!;

    test(`${fixture.name}: random byte splits give the same events`, () => {
      const whole = decodeSse(sse, anthropicMessagesCodec.streamDecoder());
      assert.ok(whole.length > 0);
      for (const seed of SEEDS) {
        assert.deepEqual(decodeSse(sse, anthropicMessagesCodec.streamDecoder(), seed), whole, `seed ${seed}`);
      }
    });

    test(`${fixture.name}: the events add up to what the SDK accumulates`, async () => {
      const events = decodeSse(sse, anthropicMessagesCodec.streamDecoder());
      const { response, error } = collect(events);
      assert.equal(error, undefined);
      assert.equal(events[0]!.type, 'start', 'start comes first');
      assert.equal(events.at(-1)!.type, 'finish', 'finish comes last');
      const indexes = events.flatMap((event) => ('index' in event ? [event.index] : []));
      assert.deepEqual(
        [...new Set(indexes)],
        [...new Set(indexes)].sort((a, b) => a - b),
        'indexes in order',
      );
      assert.deepEqual(
        [...new Set(indexes)],
        response.content.map((_, i) => i),
        'indexes run 0..n with no gap for skipped server-tool blocks',
      );

      const sdk = await sdkFinalMessage(sse);
      assert.equal(response.id, sdk.id);
      assert.equal(response.model, sdk.model);
      const expectedParts = sdk.content.filter(translatable).map((block) => {
        switch (block.type) {
          case 'text':
            return { type: 'text', text: block.text };
          case 'thinking':
            return {
              type: 'thinking',
              text: block.thinking,
              ...(block.signature ? { signature: block.signature } : {}),
            };
          case 'redacted_thinking':
            return { type: 'redacted_thinking', data: block.data };
          default:
            return block.type === 'tool_use'
              ? { type: 'tool_call', id: block.id, name: block.name, input: block.input }
              : {};
        }
      });
      const parts = response.content.map((part) =>
        part.type === 'tool_call'
          ? { type: 'tool_call', id: part.id, name: part.name, input: JSON.parse(part.arguments || '{}') }
          : part,
      );
      assert.deepEqual(parts, expectedParts);
      const stopReason = sdk.stop_reason === 'model_context_window_exceeded' ? 'max_tokens' : sdk.stop_reason;
      assert.equal(response.stopReason, stopReason);
      assert.equal(response.stopSequence ?? null, sdk.stop_sequence);
      assert.deepEqual(
        {
          input_tokens: response.usage.inputTokens,
          output_tokens: response.usage.outputTokens,
          cache_read_input_tokens: response.usage.cacheReadTokens,
          cache_creation_input_tokens: response.usage.cacheWriteTokens,
        },
        {
          input_tokens: sdk.usage.input_tokens,
          output_tokens: sdk.usage.output_tokens,
          cache_read_input_tokens: sdk.usage.cache_read_input_tokens ?? 0,
          cache_creation_input_tokens: sdk.usage.cache_creation_input_tokens ?? 0,
        },
      );
      assert.equal(response.usage.reasoningTokens, sdk.usage.output_tokens_details?.thinking_tokens ?? 0);
    });

    test(`${fixture.name}: decoded then re-encoded, the SDK reads the same message`, async () => {
      const events = decodeSse(sse, anthropicMessagesCodec.streamDecoder(), 7);
      const encoder = new MessagesStreamEncoder(context());
      const text = events.map((event) => encoder.encode(event)).join('') + encoder.end();
      checkAnthropicStream(text);
      const original = sdkPlain(await sdkFinalMessage(sse));
      const relayed = sdkPlain(await sdkFinalMessage(text, 11));
      const keep = (message: Record<string, unknown>) => ({
        id: message['id'],
        content: (message['content'] as ContentBlock[]).filter(translatable).map(bare),
        stop_reason: message['stop_reason'],
        stop_sequence: message['stop_sequence'],
        usage: {
          input_tokens: (message['usage'] as Record<string, unknown>)['input_tokens'],
          output_tokens: (message['usage'] as Record<string, unknown>)['output_tokens'],
          cache_read_input_tokens: (message['usage'] as Record<string, unknown>)['cache_read_input_tokens'],
          cache_creation_input_tokens: (message['usage'] as Record<string, unknown>)[
            'cache_creation_input_tokens'
          ],
        },
      });
      assert.deepEqual(keep(relayed), keep(original));
      assert.equal(relayed['model'], context().clientModel);
    });
  }
});

describe('Anthropic stream decoder: hand-written streams', () => {
  for (const { name, data } of loadCases('decode-stream')) {
    test(`${name}: ${String(data['description'])}`, () => {
      const sse = String(data['sse']);
      const whole = decodeSse(sse, anthropicMessagesCodec.streamDecoder());
      assertMatches(whole, data['expected']);
      for (const seed of SEEDS) {
        assert.deepEqual(decodeSse(sse, anthropicMessagesCodec.streamDecoder(), seed), whole, `seed ${seed}`);
      }
    });
  }
});
