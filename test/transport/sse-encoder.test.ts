import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSseEvent, SSE_KEEPALIVE_COMMENT } from '../../src/transport/sse-encoder.ts';
import { decodeText } from './sse-helpers.ts';

describe('encodeSseEvent', () => {
  it('writes the exact frame', () => {
    assert.equal(encodeSseEvent({ data: '{"a":1}' }), 'data: {"a":1}\n\n');
    assert.equal(encodeSseEvent({ event: 'ping', data: '{}' }), 'event: ping\ndata: {}\n\n');
    assert.equal(encodeSseEvent({ data: 'a\nb\r\nc\rd' }), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
    assert.equal(encodeSseEvent({ data: '' }), 'data: \n\n');
  });

  it('round-trips through the decoder', () => {
    const inputs = [
      { data: 'x' },
      { event: 'message_start', data: '{"type":"message_start"}' },
      { data: ' leading space and trailing ' },
      { data: 'multi\nline\n\ndata\n' },
      { data: '' },
      { event: 'e', data: 'ünïcødé 😀' },
      { data: ': not a comment' },
    ];
    for (const input of inputs) {
      const frame = encodeSseEvent(input);
      const { frames, partialRaw } = decodeText(frame);
      assert.equal(frames.length, 1);
      const [decoded] = frames;
      assert.equal(decoded?.type, 'event');
      if (decoded?.type !== 'event') return;
      assert.equal(decoded.data, input.data);
      assert.equal(decoded.event, input.event);
      assert.equal(decoded.raw, frame);
      assert.equal(partialRaw, '');
    }
  });

  it('refuses an event name with a line break', () => {
    assert.throws(() => encodeSseEvent({ event: 'a\ndata: injected', data: 'x' }), TypeError);
  });

  it('keepalive is a comment, not data', () => {
    assert.equal(SSE_KEEPALIVE_COMMENT, ': keepalive\n\n');
    const { frames } = decodeText(SSE_KEEPALIVE_COMMENT);
    assert.deepEqual(frames, [{ type: 'comment', comments: ['keepalive'], raw: ': keepalive\n\n' }]);
  });
});
