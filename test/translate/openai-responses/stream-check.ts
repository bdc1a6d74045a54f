import assert from 'node:assert/strict';
import type { CanonicalResponse, StreamEvent } from '../../../src/canonical/response.ts';
import { sseEvents } from './support.ts';

export interface Frame {
  event: string | undefined;
  data: Record<string, unknown>;
}

export function frames(sse: string, seed?: number): Frame[] {
  return sseEvents(sse, seed).map((frame) => {
    assert.notEqual(frame.data, '[DONE]', 'a Responses stream never sends [DONE]');
    return { event: frame.event, data: JSON.parse(frame.data) as Record<string, unknown> };
  });
}

/** Event names, with the output index for item events: `response.output_item.added#0`. */
export function names(list: Frame[]): string[] {
  return list.map(({ data }) =>
    typeof data['output_index'] === 'number'
      ? `${String(data['type'])}#${data['output_index']}`
      : String(data['type']),
  );
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const ITEM_KIND_OF_EVENT: Record<string, string> = {
  'response.content_part.added': 'message',
  'response.content_part.done': 'message',
  'response.output_text.delta': 'message',
  'response.output_text.done': 'message',
  'response.reasoning_summary_part.added': 'reasoning',
  'response.reasoning_summary_part.done': 'reasoning',
  'response.reasoning_summary_text.delta': 'reasoning',
  'response.reasoning_summary_text.done': 'reasoning',
  'response.function_call_arguments.delta': 'function_call',
  'response.function_call_arguments.done': 'function_call',
};

/**
 * What every Responses client relies on: named events whose name is the data's type,
 * sequence numbers 0, 1, 2... (the `error` frame carries none), created → in_progress first,
 * one terminal event last, items added with the next output index before any event of
 * theirs, events matching their item's type and id, and no item left open by a completed
 * or incomplete response.
 */
export function assertWellFormed(list: Frame[]): void {
  const items = new Map<number, { type: string; id: string; open: boolean }>();
  let sequence = 0;
  let terminal = false;
  list.forEach(({ event, data }, at) => {
    assert.equal(event, data['type'], `frame ${at}: the event name is the data's type`);
    assert.ok(!terminal, `frame ${at}: nothing may follow the terminal event`);
    if (event === 'error') return;
    assert.equal(data['sequence_number'], sequence++, `frame ${at}: sequence_number`);
    if (sequence === 1) assert.equal(event, 'response.created');
    if (sequence === 2) assert.equal(event, 'response.in_progress');
    if (TERMINAL.has(String(event))) {
      terminal = true;
      if (event !== 'response.failed') {
        for (const [index, item] of items) assert.ok(!item.open, `item ${index} still open at ${event}`);
      }
      return;
    }
    const index = data['output_index'];
    if (typeof index !== 'number') return;
    if (event === 'response.output_item.added') {
      assert.equal(index, items.size, 'items are added with the next output index');
      const item = data['item'] as { type: string; id: string };
      items.set(index, { type: item.type, id: item.id, open: true });
      return;
    }
    const item = items.get(index);
    assert.ok(item?.open, `frame ${at}: ${event} for output ${index}, which is not open`);
    if (event === 'response.output_item.done') {
      assert.equal((data['item'] as { id: string }).id, item.id);
      item.open = false;
      return;
    }
    assert.equal(data['item_id'], item.id, `frame ${at}: item_id`);
    assert.equal(
      ITEM_KIND_OF_EVENT[String(event)],
      item.type,
      `frame ${at}: ${event} on a ${item.type} item`,
    );
  });
  if (sequence > 0) assert.ok(terminal, 'the stream ends with a terminal event');
}

/** The terminal event's response. */
export function terminalResponse(list: Frame[]): Record<string, unknown> | undefined {
  const last = list.at(-1);
  return last && TERMINAL.has(String(last.event))
    ? (last.data['response'] as Record<string, unknown>)
    : undefined;
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

/** A canonical answer as the stream events a backend decoder could give for it. */
export function eventsFor(response: CanonicalResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'start', id: response.id, model: response.model }];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        if (part.text === '') events.push({ type: 'text', index, text: '' });
        for (const text of pieces(part.text, 4)) events.push({ type: 'text', index, text });
        break;
      case 'thinking':
        for (const text of pieces(part.text, 5)) events.push({ type: 'thinking', index, text });
        if (part.signature) events.push({ type: 'thinking_signature', index, signature: part.signature });
        break;
      case 'redacted_thinking':
        events.push({ type: 'redacted_thinking', index, data: part.data });
        break;
      case 'tool_call':
        events.push(
          part.signature
            ? { type: 'tool_call', index, id: part.id, name: part.name, signature: part.signature }
            : { type: 'tool_call', index, id: part.id, name: part.name },
        );
        for (const json of pieces(part.arguments, 3)) events.push({ type: 'tool_arguments', index, json });
        break;
    }
  });
  events.push({ type: 'finish', stopReason: response.stopReason });
  events.push({ type: 'usage', usage: response.usage });
  return events;
}
