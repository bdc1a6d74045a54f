import type { StreamTap } from '../../core/stream-tap.ts';
import { field, usage as makeUsage, type Usage } from '../../core/usage.ts';
import type { SseEvent } from '../../transport/sse-decoder.ts';
import { messagesUsage } from './usage.ts';

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * Messages stream: `message_start` carries input and cache usage, each `message_delta`
 * the cumulative output (and, on newer models, updated input counts); `message_stop` or
 * `error` ends it. Content deltas are never parsed.
 */
export function messagesStreamTap(): StreamTap {
  let usage: Usage | null = null;
  let complete = false;
  return {
    event(event: SseEvent) {
      switch (event.event) {
        case 'message_start': {
          usage = messagesUsage(field(field(parse(event.data), 'message'), 'usage')) ?? usage;
          break;
        }
        case 'message_delta': {
          const delta = field(parse(event.data), 'usage');
          const update = messagesUsage(delta);
          if (update) {
            const has = (key: string) => field(delta, key) !== undefined && field(delta, key) !== null;
            const previous = usage ?? makeUsage({});
            usage = {
              inputTokens: has('input_tokens') ? update.inputTokens : previous.inputTokens,
              outputTokens: update.outputTokens,
              cacheReadTokens: has('cache_read_input_tokens')
                ? update.cacheReadTokens
                : previous.cacheReadTokens,
              cacheWriteTokens: has('cache_creation_input_tokens')
                ? update.cacheWriteTokens
                : previous.cacheWriteTokens,
              reasoningTokens: update.reasoningTokens,
            };
          }
          break;
        }
        case 'message_stop':
        case 'error':
          complete = true;
          break;
      }
      return event.raw;
    },
    usage: () => usage,
    complete: () => complete,
  };
}
