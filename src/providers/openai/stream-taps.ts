import type { StreamTap } from '../../core/stream-tap.ts';
import { field, type Usage } from '../../core/usage.ts';
import type { SseEvent } from '../../transport/sse-decoder.ts';
import { chatUsage, responsesUsage } from './usage.ts';

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

const NULL_USAGE = [',"usage":null', ', "usage": null'];

/** The chunk as it would be without include_usage: its trailing `"usage":null` member removed. */
function withoutNullUsage(raw: string): string {
  for (const member of NULL_USAGE) {
    const at = raw.lastIndexOf(member);
    if (at !== -1) return raw.slice(0, at) + raw.slice(at + member.length);
  }
  return raw;
}

/**
 * Chat completion chunks. With include_usage, every chunk carries `"usage":null` and a final
 * chunk with `choices: []` carries the usage; when the gateway asked for it on the client's
 * behalf, both are taken back out so the client gets the stream it asked for.
 */
export function chatStreamTap(undoInjectedUsage: boolean): StreamTap {
  let usage: Usage | null = null;
  let complete = false;
  return {
    event(event: SseEvent) {
      const data = event.data;
      if (data === '[DONE]' || data.startsWith('{"error"')) {
        complete = true;
        return event.raw;
      }
      if (!data.includes('"usage":{') && !data.includes('"usage": {')) {
        return undoInjectedUsage ? withoutNullUsage(event.raw) : event.raw;
      }
      const chunk = parse(data);
      const found = chatUsage(field(chunk, 'usage'));
      if (found) usage = found;
      const choices = field(chunk, 'choices');
      return undoInjectedUsage && Array.isArray(choices) && choices.length === 0 ? null : event.raw;
    },
    usage: () => usage,
    complete: () => complete,
  };
}

const RESPONSES_TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** Responses API events: the terminal `response.*` event carries the response with its usage. */
export function responsesStreamTap(): StreamTap {
  let usage: Usage | null = null;
  let complete = false;
  return {
    event(event: SseEvent) {
      const name = event.event ?? '';
      if (RESPONSES_TERMINAL.has(name)) {
        complete = true;
        if (name !== 'error')
          usage = responsesUsage(field(field(parse(event.data), 'response'), 'usage')) ?? usage;
      }
      return event.raw;
    },
    usage: () => usage,
    complete: () => complete,
  };
}
