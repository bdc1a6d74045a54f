import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseDecoder, type SseFrame } from '../../src/transport/sse-decoder.ts';
import { decodeChunks, decodeText, prng, splitAt, splitRandomly, sseFixtures } from './sse-helpers.ts';

const utf8 = new TextEncoder();

type Expected = { event?: string; data: string; id?: string; retry?: number } | { comments: string[] };

function summary(frame: SseFrame): Expected {
  if (frame.type === 'comment') return { comments: [...frame.comments] };
  const out: { event?: string; data: string; id?: string; retry?: number } = { data: frame.data };
  if (frame.event !== undefined) out.event = frame.event;
  if (frame.id !== undefined) out.id = frame.id;
  if (frame.retry !== undefined) out.retry = frame.retry;
  return out;
}

interface Case {
  name: string;
  input: string;
  frames: Expected[];
  partial?: boolean;
}

const CASES: Case[] = [
  { name: 'LF framing', input: 'data: hello\n\n', frames: [{ data: 'hello' }] },
  { name: 'no space after colon', input: 'data:hello\n\n', frames: [{ data: 'hello' }] },
  { name: 'only one leading space is removed', input: 'data:  hello\n\n', frames: [{ data: ' hello' }] },
  {
    name: 'multiple data lines join with LF',
    input: 'data: a\ndata: b\ndata:\n\n',
    frames: [{ data: 'a\nb\n' }],
  },
  { name: 'empty data still dispatches', input: 'data\n\ndata:\n\n', frames: [{ data: '' }, { data: '' }] },
  { name: 'colons inside the value', input: 'data: a:b: c\n\n', frames: [{ data: 'a:b: c' }] },
  { name: 'CRLF framing', input: 'event: x\r\ndata: y\r\n\r\n', frames: [{ event: 'x', data: 'y' }] },
  { name: 'CR framing', input: 'event: x\rdata: y\r\r', frames: [{ event: 'x', data: 'y' }] },
  { name: 'mixed line breaks', input: 'data: a\rdata: b\ndata: c\r\n\r\n', frames: [{ data: 'a\nb\nc' }] },
  {
    name: 'Gemini style',
    input: 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n',
    frames: [{ data: '{"a":1}' }, { data: '{"b":2}' }],
  },
  { name: 'keepalive comment', input: ': keepalive\n\n', frames: [{ comments: ['keepalive'] }] },
  { name: 'comment without space', input: ':ping\n\n', frames: [{ comments: ['ping'] }] },
  { name: 'comment inside an event', input: ': hi\ndata: x\n\n', frames: [{ data: 'x' }] },
  { name: 'event without data is not dispatched', input: 'event: ping\n\n', frames: [{ comments: [] }] },
  { name: 'extra blank line', input: 'data: x\n\n\n', frames: [{ data: 'x' }, { comments: [] }] },
  { name: 'leading BOM is skipped', input: '\uFEFFdata: x\n\n', frames: [{ data: 'x' }] },
  {
    name: 'only the first BOM is skipped',
    input: '\uFEFFdata: x\n\n\uFEFFdata: y\n\n',
    frames: [{ data: 'x' }, { comments: [] }],
  },
  {
    name: 'id persists, NUL ids are ignored',
    input: 'id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\n',
    frames: [{ id: '1', data: 'a' }, { id: '1', data: 'b' }, { id: '1', data: 'c' }, { data: 'd' }],
  },
  {
    name: 'retry needs digits only',
    input: 'retry: 1500\ndata: a\n\nretry: 10a\ndata: b\n\n',
    frames: [{ retry: 1500, data: 'a' }, { data: 'b' }],
  },
  {
    name: 'unknown fields are ignored',
    input: 'foo: bar\ndata: x\nDATA: y\n\n',
    frames: [{ data: 'x' }],
  },
  { name: 'empty event name is the default', input: 'event:\ndata: x\n\n', frames: [{ data: 'x' }] },
  {
    name: 'event type resets after each block',
    input: 'event: a\ndata: 1\n\ndata: 2\n\n',
    frames: [{ event: 'a', data: '1' }, { data: '2' }],
  },
  { name: 'multibyte UTF-8', input: 'data: héllo 😀 世界\n\n', frames: [{ data: 'héllo 😀 世界' }] },
  { name: 'unterminated line', input: 'data: x\n\ndata: y', frames: [{ data: 'x' }], partial: true },
  { name: 'block without blank line', input: 'data: x\n\ndata: y\n', frames: [{ data: 'x' }], partial: true },
  { name: 'trailing event line', input: 'event: a\n', frames: [], partial: true },
  { name: 'trailing comment is not an event', input: 'data: x\n\n: ka', frames: [{ data: 'x' }] },
  { name: 'CR blank line at the very end', input: 'data: x\r\r', frames: [{ data: 'x' }] },
  { name: 'empty stream', input: '', frames: [] },
];

function checkDecoding(c: Case, chunks: Uint8Array[], label: string): void {
  const result = decodeChunks(chunks);
  assert.deepEqual(result.frames.map(summary), c.frames, `${c.name} (${label})`);
  assert.equal(result.hasPartialEvent, c.partial ?? false, `${c.name} partial (${label})`);
  assert.equal(
    result.frames.map((f) => f.raw).join('') + result.partialRaw,
    c.input,
    `${c.name} raw (${label})`,
  );
}

describe('SseDecoder', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const bytes = utf8.encode(c.input);
      checkDecoding(c, [bytes], 'whole');
      checkDecoding(
        c,
        Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)),
        'byte by byte',
      );
      for (let cut = 1; cut < bytes.length; cut++) checkDecoding(c, splitAt(bytes, [cut]), `cut at ${cut}`);
    });
  }

  it('keeps each frame raw text exactly', () => {
    const input = ': ka\n\nevent: a\r\ndata: 1\r\n\r\n\ndata: 2\n\n';
    assert.deepEqual(
      decodeText(input).frames.map((f) => f.raw),
      [': ka\n\n', 'event: a\r\ndata: 1\r\n\r\n', '\n', 'data: 2\n\n'],
    );
  });

  it('dispatches as soon as the blank line arrives', () => {
    const decoder = new SseDecoder();
    assert.deepEqual(decoder.push(utf8.encode('data: a\n')), []);
    assert.equal(decoder.hasPartialEvent, true);
    const [frame] = decoder.push(utf8.encode('\n'));
    assert.equal(frame?.type === 'event' && frame.data, 'a');
    assert.equal(decoder.hasPartialEvent, false);
  });

  it('keeps a CRLF split across chunks in one frame', () => {
    const decoder = new SseDecoder();
    assert.deepEqual(decoder.push(utf8.encode('data: a\r\n\r')), []);
    const frames = decoder.push(utf8.encode('\ndata: b\r\n\r\n'));
    assert.deepEqual(
      frames.map((f) => f.raw),
      ['data: a\r\n\r\n', 'data: b\r\n\r\n'],
    );
  });

  it('ends a CR-terminated block when the next chunk starts without LF', () => {
    const decoder = new SseDecoder();
    assert.deepEqual(decoder.push(utf8.encode('data: a\r\r')), []);
    const frames = decoder.push(utf8.encode('data: b\r'));
    assert.deepEqual(
      frames.map((f) => f.raw),
      ['data: a\r\r'],
    );
  });

  it('reassembles a character split across chunks', () => {
    const bytes = utf8.encode('data: 😀\n\n');
    const result = decodeChunks(splitAt(bytes, [7, 8, 9]));
    assert.equal(result.frames[0]?.type === 'event' && result.frames[0].data, '😀');
  });

  it('decodes invalid UTF-8 to U+FFFD', () => {
    const result = decodeChunks([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a])]);
    assert.equal(result.frames[0]?.type === 'event' && result.frames[0].data, '\uFFFD');
  });

  it('refuses input after end', () => {
    const decoder = new SseDecoder();
    decoder.end();
    assert.throws(() => decoder.push(new Uint8Array(1)));
  });
});

describe('SseDecoder on recorded provider streams', () => {
  const fixtures = sseFixtures();

  it('finds the SSE fixtures', () => {
    assert.ok(fixtures.length >= 30, `found ${fixtures.length}`);
  });

  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const bytes = utf8.encode(fixture.sse);
      const whole = decodeChunks([bytes]);
      const events = whole.frames.filter((f) => f.type === 'event');
      assert.ok(events.length > 0);
      assert.equal(whole.hasPartialEvent, false);
      assert.equal(whole.frames.map((f) => f.raw).join('') + whole.partialRaw, fixture.sse);
      for (const event of events) {
        if (event.data !== '[DONE]') assert.doesNotThrow(() => JSON.parse(event.data), event.data);
      }
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const random = prng(seed);
        const maxChunk = seed % 2 === 0 ? 8 : 300;
        assert.deepEqual(decodeChunks(splitRandomly(bytes, random, maxChunk)), whole, `seed ${seed}`);
      }
    });
  }
});
