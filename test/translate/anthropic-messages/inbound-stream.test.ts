import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError } from '@anthropic-ai/sdk';
import type { StreamEvent, UpstreamFailure } from '../../../src/canonical/response.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { anthropicMessagesInbound } from '../../../src/inbound/anthropic-messages/index.ts';
import { anthropicMessagesCodec } from '../../../src/providers/anthropic/translate/index.ts';
import {
  assertMatches,
  checkAnthropicStream,
  collect,
  context,
  loadCases,
  messagesFixtures,
  plain,
  sdkFinalMessage,
  sdkFromReadableStream,
  sdkPlain,
} from './helpers.ts';

interface WireEvent {
  type: string;
  index?: number;
  content_block?: { type: string; id?: string };
  delta?: { type: string };
  message?: { id: string; usage: unknown };
  usage?: unknown;
}

function shapeOf(events: WireEvent[]): string[] {
  return events.map((event) => {
    if (event.type === 'content_block_start')
      return `${event.type} ${event.index} ${event.content_block!.type}`;
    if (event.type === 'content_block_delta') return `${event.type} ${event.index} ${event.delta!.type}`;
    if (event.type === 'content_block_stop') return `${event.type} ${event.index}`;
    return event.type;
  });
}

function encodeAll(events: StreamEvent[], failure?: UpstreamFailure): string {
  const encoder = anthropicMessagesInbound.streamEncoder(context());
  let text = events.map((event) => encoder.encode(event)).join('');
  text += failure ? encoder.fail(failure) : encoder.end();
  // Whatever comes after the end is nothing.
  assert.equal(encoder.end() + encoder.encode({ type: 'text', index: 0, text: 'late' }), '');
  return text;
}

/** Blocks without their tool ids, for comparisons where ids are generated on each side. */
function withoutToolIds(content: unknown): unknown {
  return (content as Record<string, unknown>[]).map((block) => {
    if (block['type'] !== 'tool_use') return block;
    const { id: _, ...rest } = block;
    return rest;
  });
}

describe('Anthropic stream encoder: cases, read back by the official SDK', () => {
  for (const { name, data } of loadCases('stream-encode')) {
    test(`${name}: ${String(data['description'])}`, async () => {
      const events = data['events'] as StreamEvent[];
      const failure = isObject(data['fail']) ? (data['fail'] as unknown as UpstreamFailure) : undefined;
      const text = encodeAll(events, failure);
      const wire = checkAnthropicStream(text) as WireEvent[];

      if (data['shape'] !== undefined) assert.deepEqual(shapeOf(wire), data['shape']);
      const start = wire.find((event) => event.type === 'message_start');
      const delta = wire.find((event) => event.type === 'message_delta');
      if (data['startUsage'] !== undefined) assert.deepEqual(start?.message?.usage, data['startUsage']);
      if (data['deltaUsage'] !== undefined) assert.deepEqual(delta?.usage, data['deltaUsage']);
      if (data['messageId'] !== undefined) assert.equal(start?.message?.id, data['messageId']);
      if (data['stopReason'] !== undefined) {
        assert.equal((delta as { delta?: { stop_reason?: string } }).delta?.stop_reason, data['stopReason']);
      }
      const toolIds = wire.flatMap((event) =>
        event.content_block?.type === 'tool_use' ? [event.content_block.id] : [],
      );
      assert.equal(new Set(toolIds).size, toolIds.length, 'tool ids are unique');
      if (data['toolIds'] !== undefined) assertMatches(toolIds, data['toolIds']);

      const sdkError = data['sdkError'];
      if (isObject(sdkError)) {
        await assert.rejects(sdkFinalMessage(text), (error: unknown) => {
          assert.ok(error instanceof APIError, `expected an APIError, got ${String(error)}`);
          const body = error.error as { error?: { type?: string; message?: string }; request_id?: string };
          assert.equal(body.error?.type, sdkError['type']);
          assert.equal(body.error?.message, sdkError['message']);
          assert.equal(body.request_id, 'req_test');
          return true;
        });
        return;
      }

      // Whatever the byte splits, the SDK accumulates the same message.
      const final = sdkPlain(await sdkFinalMessage(text));
      for (const seed of [3, 17, 256]) assert.deepEqual(sdkPlain(await sdkFinalMessage(text, seed)), final);
      assert.deepEqual(sdkPlain(await sdkFromReadableStream(text, 9)), final);
      assert.equal(final['model'], context().clientModel);
      if (data['sdkContent'] !== undefined) assert.deepEqual(final['content'], data['sdkContent']);

      // ...and it is what the non-streamed encoder gives for the same answer.
      const compare = data['compare'] ?? 'all';
      if (compare === 'none') return;
      const { response } = collect(events);
      const expected = plain(anthropicMessagesInbound.encodeResponse(response, context())) as Record<
        string,
        unknown
      >;
      if (compare === 'all') {
        assert.deepEqual(final, expected);
      } else {
        const noIds = compare === 'content-no-ids';
        assert.deepEqual(
          noIds ? withoutToolIds(final['content']) : final['content'],
          noIds ? withoutToolIds(expected['content']) : expected['content'],
        );
        assert.equal(final['stop_reason'], expected['stop_reason']);
        assert.equal(final['stop_sequence'], expected['stop_sequence']);
        assert.equal(final['id'], expected['id']);
      }
    });
  }
});

describe('Anthropic stream encoder: whole answers', () => {
  test('every recorded response, streamed as canonical events, reads back as its non-streamed form', async () => {
    const fixtures = messagesFixtures().filter(
      (fixture) => fixture.response.status === 200 && fixture.response.body,
    );
    assert.ok(fixtures.length > 0);
    for (const fixture of fixtures) {
      const response = anthropicMessagesCodec.decodeResponse(fixture.response.body);
      const events: StreamEvent[] = [
        { type: 'start', id: response.id, model: response.model, usage: response.usage },
      ];
      response.content.forEach((part, index) => {
        switch (part.type) {
          case 'text':
            events.push({ type: 'text', index, text: part.text });
            break;
          case 'thinking':
            events.push({ type: 'thinking', index, text: part.text });
            if (part.signature) events.push({ type: 'thinking_signature', index, signature: part.signature });
            break;
          case 'redacted_thinking':
            events.push({ type: 'redacted_thinking', index, data: part.data });
            break;
          case 'tool_call':
            events.push({ type: 'tool_call', index, id: part.id, name: part.name });
            // Arguments in small pieces, as a backend streams them.
            for (let at = 0; at < part.arguments.length; at += 5) {
              events.push({ type: 'tool_arguments', index, json: part.arguments.slice(at, at + 5) });
            }
            break;
        }
      });
      events.push({ type: 'finish', stopReason: response.stopReason });
      const text = encodeAll(events);
      checkAnthropicStream(text);
      const final = sdkPlain(await sdkFinalMessage(text, 5));
      assert.deepEqual(
        final,
        plain(anthropicMessagesInbound.encodeResponse(response, context())),
        fixture.name,
      );
    }
  });
});
