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

/**
 * Chat completion chunks. Usage comes in a final chunk with `choices: []`; when the gateway
 * added `stream_options.include_usage` itself, that chunk is withheld so the client gets
 * the stream it asked for.
 */
export function chatStreamTap(withholdUsageChunk: boolean): StreamTap {
  let usage: Usage | null = null;
  let complete = false;
  return {
    event(event: SseEvent) {
      const data = event.data;
      if (data === '[DONE]') {
        complete = true;
        return true;
      }
      if (data.startsWith('{"error"')) {
        complete = true;
        return true;
      }
      if (!data.includes('"usage":{') && !data.includes('"usage": {')) return true;
      const chunk = parse(data);
      const found = chatUsage(field(chunk, 'usage'));
      if (found) usage = found;
      const choices = field(chunk, 'choices');
      return !(withholdUsageChunk && Array.isArray(choices) && choices.length === 0);
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
      return true;
    },
    usage: () => usage,
    complete: () => complete,
  };
}
