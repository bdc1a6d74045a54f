import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StreamEvent } from '../../../src/canonical/response.ts';
import { isObject } from '../../../src/canonical/wire.ts';
import { openaiChatCodec } from '../../../src/providers/openai/translate/index.ts';
import { CASES, chatFixtures, decodeSse, loadCases, matchMarkers, readJson, sseOf } from './helpers.ts';

const codec = openaiChatCodec({ maxTokensField: 'max_tokens', includeUsageOption: true });
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/**
 * Checks the event contract (start first; finish or error last and once, or neither for a
 * cut-off stream; part indexes assigned 0, 1, 2... in order of first appearance, one kind
 * each; arguments only for an opened call; unique call ids) and folds the events into the
 * answer they describe.
 */
function accumulate(events: StreamEvent[], cutOff = false) {
  const kinds: string[] = [];
  const parts: Record<string, unknown>[] = [];
  const usage: unknown[] = [];
  const ids = new Set<string>();
  let start: StreamEvent | undefined;
  let end: StreamEvent | undefined;
  events.forEach((event, position) => {
    assert.equal(end, undefined, `event after ${end?.type}: ${JSON.stringify(event)}`);
    if (event.type === 'start') {
      assert.equal(position, 0, 'start comes first');
      start = event;
      return;
    }
    if (event.type === 'finish' || event.type === 'error') {
      end = event;
      return;
    }
    assert.ok(start, 'start comes before everything');
    if (event.type === 'usage') {
      usage.push(event.usage);
      return;
    }
    if (!('index' in event)) return;
    const kind = event.type === 'tool_arguments' ? 'tool_call' : event.type;
    if (event.index === kinds.length) {
      assert.notEqual(event.type, 'tool_arguments', 'arguments before their tool call');
      kinds.push(kind);
      parts.push(
        event.type === 'tool_call'
          ? { type: 'tool_call', id: event.id, name: event.name, arguments: '' }
          : { type: kind, text: '' },
      );
      if (event.type === 'tool_call') {
        assert.ok(!ids.has(event.id), `duplicate tool call id ${event.id}`);
        ids.add(event.id);
      }
      if (event.type === 'tool_call') return;
    }
    assert.ok(event.index < kinds.length, `index ${event.index} skips ahead`);
    assert.equal(kinds[event.index], kind, `index ${event.index} changes kind`);
    const part = parts[event.index]!;
    if (event.type === 'tool_arguments') part['arguments'] += event.json;
    else if (event.type === 'text' || event.type === 'thinking') part['text'] += event.text;
    else assert.fail(`unexpected ${event.type}`);
  });
  if (cutOff) assert.equal(end, undefined, 'a cut-off stream has no finish and no error');
  else assert.ok(end, 'the stream must end with finish or error');
  return { start, parts, usage, end };
}

describe('OpenAI chat provider: recorded streams', () => {
  const recorded = (
    readJson(join(CASES, 'provider/recorded.json')) as { fixtures: Record<string, Record<string, unknown>> }
  ).fixtures;
  for (const fixture of chatFixtures()) {
    if (fixture.response.sse === undefined) continue;
    const sse = fixture.response.sse;
    it(`${fixture.name}: decodes to the recorded answer`, () => {
      const expected = recorded[fixture.name]?.['stream'] as Record<string, unknown>;
      assert.ok(expected, `no expectation for ${fixture.name}`);
      const { start, parts, usage, end } = accumulate(decodeSse(sse, codec.streamDecoder()));
      assert.deepEqual(start, expected['start']);
      assert.deepEqual(parts, expected['parts']);
      assert.deepEqual(usage, expected['usage']);
      assert.deepEqual(end, expected['finish']);
    });
    it(`${fixture.name}: random byte splits give the same events`, () => {
      const whole = decodeSse(sse, codec.streamDecoder());
      for (const seed of SEEDS)
        assert.deepEqual(decodeSse(sse, codec.streamDecoder(), seed), whole, `seed ${seed}`);
    });
  }
});

const ENVELOPE = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 10, model: 'm' };

describe('OpenAI chat provider: stream cases', () => {
  for (const { name, data } of loadCases('provider/streams')) {
    const frames = (data['frames'] as unknown[]).map((frame) =>
      isObject(frame) ? { ...ENVELOPE, ...frame } : frame,
    );
    const sse = sseOf(frames);
    const expected = data['expected'] as StreamEvent[];
    it(`${name}: ${data['description']}`, () => {
      const events = decodeSse(sse, codec.streamDecoder());
      assert.deepEqual(matchMarkers(events, expected), expected);
      const { parts } = accumulate(events, data['cutOff'] === true);
      const args = isObject(data['arguments']) ? data['arguments'] : {};
      for (const [index, value] of Object.entries(args)) {
        assert.deepEqual(JSON.parse(String(parts[Number(index)]?.['arguments'])), value);
      }
    });
    it(`${name}: random byte splits give the same events`, () => {
      const whole = matchMarkers(decodeSse(sse, codec.streamDecoder()), expected);
      for (const seed of SEEDS) {
        assert.deepEqual(
          matchMarkers(decodeSse(sse, codec.streamDecoder(), seed), expected),
          whole,
          `seed ${seed}`,
        );
      }
    });
  }

  it('an `event: error` frame is an error event', () => {
    const decoder = codec.streamDecoder();
    decoder.frame({ data: JSON.stringify({ ...ENVELOPE, choices: [] }) });
    assert.deepEqual(decoder.frame({ event: 'error', data: JSON.stringify({ message: 'boom' }) }), [
      { type: 'error', error: { status: 500, message: 'boom' } },
    ]);
    assert.deepEqual(decoder.end(), []);
  });

  it('data that is JSON but not an object is an error event', () => {
    const decoder = codec.streamDecoder();
    assert.deepEqual(decoder.frame({ data: '[1,2]' }), [
      {
        type: 'error',
        error: { status: 502, message: 'the backend sent a stream event that is not a JSON object' },
      },
    ]);
  });

  it('a second choice (n > 1) does not mix into the first', () => {
    const decoder = codec.streamDecoder();
    const events = [
      ...decoder.frame({
        data: JSON.stringify({
          ...ENVELOPE,
          choices: [
            { index: 1, delta: { content: 'other' }, finish_reason: null },
            { index: 0, delta: { content: 'mine' }, finish_reason: null },
          ],
        }),
      }),
      ...decoder.frame({
        data: JSON.stringify({ ...ENVELOPE, choices: [{ index: 1, delta: { content: 'x' } }] }),
      }),
      ...decoder.frame({
        data: JSON.stringify({ ...ENVELOPE, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      }),
      ...decoder.end(),
    ];
    assert.deepEqual(accumulate(events).parts, [{ type: 'text', text: 'mine' }]);
  });
});
