import type { StreamDecoder, UpstreamFrame } from '../../../canonical/codecs.ts';
import type { StopReason, StreamEvent } from '../../../canonical/response.ts';
import { isObject, type JsonObject, numberOf, stringOf } from '../../../canonical/wire.ts';
import { count, type Usage, usage } from '../../../core/usage.ts';
import { messagesUsage } from '../usage.ts';
import { decodeStreamError } from './decode-error.ts';
import { canonicalStopReason } from './stop-reason.ts';

type BlockKind = 'text' | 'thinking' | 'tool_use';

interface Block {
  /** The canonical part index: only translated blocks get one, so they stay 0, 1, 2, ... */
  index: number;
  kind: BlockKind;
  /** A tool_use whose start already carried its whole input: later input deltas would repeat it. */
  inputGiven: boolean;
}

/**
 * Anthropic SSE events in, canonical events out. Server-tool blocks (`server_tool_use`,
 * `web_search_tool_result`, ...) get no canonical index and their deltas are dropped.
 */
export class MessagesStreamDecoder implements StreamDecoder {
  /** By Anthropic block index; null marks a block that is skipped. */
  readonly #blocks = new Map<number, Block | null>();
  #nextIndex = 0;
  #startUsage: Usage = usage({});
  #stop: { stopReason: StopReason; stopSequence?: string } | undefined;
  #done = false;

  frame(frame: UpstreamFrame): StreamEvent[] {
    // `[DONE]` is not Anthropic's, but some Anthropic-compatible servers end with it.
    if (this.#done || frame.data.trim() === '[DONE]') return [];
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      this.#done = true;
      return [
        { type: 'error', error: { status: 502, message: 'Anthropic sent a stream event that is not JSON' } },
      ];
    }
    if (!isObject(data)) return [];
    const type = frame.event === 'error' ? 'error' : (stringOf(data['type']) ?? frame.event);
    switch (type) {
      case 'message_start':
        return this.#messageStart(data);
      case 'content_block_start':
        return this.#blockStart(data);
      case 'content_block_delta':
        return this.#blockDelta(data);
      case 'message_delta':
        return this.#messageDelta(data);
      case 'message_stop':
        return this.#finish();
      case 'error':
        this.#done = true;
        return [{ type: 'error', error: decodeStreamError(data) }];
      default:
        // ping, content_block_stop, and event types newer than this decoder.
        return [];
    }
  }

  end(): StreamEvent[] {
    // A stream cut after message_delta still said how it ended.
    return this.#stop && !this.#done ? this.#finish() : [];
  }

  #messageStart(data: JsonObject): StreamEvent[] {
    const message = isObject(data['message']) ? data['message'] : {};
    this.#startUsage = messagesUsage(message['usage']) ?? usage({});
    const id = stringOf(message['id']);
    const model = stringOf(message['model']);
    return [
      {
        type: 'start',
        ...(id === undefined ? {} : { id }),
        ...(model === undefined ? {} : { model }),
        usage: this.#startUsage,
      },
    ];
  }

  #blockStart(data: JsonObject): StreamEvent[] {
    const at = numberOf(data['index']);
    const block = isObject(data['content_block']) ? data['content_block'] : undefined;
    if (at === undefined || !block) return [];
    const kind = block['type'];
    const index = this.#nextIndex;
    switch (kind) {
      case 'text': {
        this.#open(at, index, 'text', false);
        const text = stringOf(block['text']);
        return text ? [{ type: 'text', index, text }] : [];
      }
      case 'thinking': {
        this.#open(at, index, 'thinking', false);
        const events: StreamEvent[] = [];
        const text = stringOf(block['thinking']);
        if (text) events.push({ type: 'thinking', index, text });
        const signature = stringOf(block['signature']);
        if (signature) events.push({ type: 'thinking_signature', index, signature });
        return events;
      }
      case 'redacted_thinking':
        // Whole at its start, and no delta ever targets it.
        this.#blocks.set(at, null);
        this.#nextIndex++;
        return [{ type: 'redacted_thinking', index, data: stringOf(block['data']) ?? '' }];
      case 'tool_use': {
        const input = isObject(block['input']) ? block['input'] : {};
        const given = Object.keys(input).length > 0;
        this.#open(at, index, 'tool_use', given);
        const events: StreamEvent[] = [
          { type: 'tool_call', index, id: stringOf(block['id']) ?? '', name: stringOf(block['name']) ?? '' },
        ];
        if (given) events.push({ type: 'tool_arguments', index, json: JSON.stringify(input) });
        return events;
      }
      default:
        this.#blocks.set(at, null);
        return [];
    }
  }

  #open(at: number, index: number, kind: BlockKind, inputGiven: boolean): void {
    this.#blocks.set(at, { index, kind, inputGiven });
    this.#nextIndex++;
  }

  #blockDelta(data: JsonObject): StreamEvent[] {
    const at = numberOf(data['index']);
    const block = at === undefined ? undefined : this.#blocks.get(at);
    const delta = isObject(data['delta']) ? data['delta'] : undefined;
    if (!block || !delta) return [];
    const { index } = block;
    switch (delta['type']) {
      case 'text_delta': {
        const text = stringOf(delta['text']);
        return block.kind === 'text' && text ? [{ type: 'text', index, text }] : [];
      }
      case 'thinking_delta': {
        const text = stringOf(delta['thinking']);
        return block.kind === 'thinking' && text ? [{ type: 'thinking', index, text }] : [];
      }
      case 'signature_delta': {
        const signature = stringOf(delta['signature']);
        return block.kind === 'thinking' && signature
          ? [{ type: 'thinking_signature', index, signature }]
          : [];
      }
      case 'input_json_delta': {
        const json = stringOf(delta['partial_json']);
        return block.kind === 'tool_use' && !block.inputGiven && json
          ? [{ type: 'tool_arguments', index, json }]
          : [];
      }
      default:
        // citations_delta and newer delta types have no canonical form.
        return [];
    }
  }

  #messageDelta(data: JsonObject): StreamEvent[] {
    const delta = isObject(data['delta']) ? data['delta'] : {};
    if (delta['stop_reason'] !== undefined && delta['stop_reason'] !== null) {
      const stopSequence = stringOf(delta['stop_sequence']);
      this.#stop = {
        stopReason: canonicalStopReason(delta['stop_reason']),
        ...(stopSequence === undefined ? {} : { stopSequence }),
      };
    }
    if (!isObject(data['usage'])) return [];
    return [{ type: 'usage', usage: this.#cumulativeUsage(data['usage']) }];
  }

  /** message_delta's counters are running totals; the ones it omits keep message_start's values. */
  #cumulativeUsage(raw: JsonObject): Usage {
    const start = this.#startUsage;
    const given = (key: string, fallback: number): number => (raw[key] == null ? fallback : count(raw[key]));
    const details = raw['output_tokens_details'];
    return {
      inputTokens: given('input_tokens', start.inputTokens),
      outputTokens: given('output_tokens', start.outputTokens),
      cacheReadTokens: given('cache_read_input_tokens', start.cacheReadTokens),
      cacheWriteTokens: given('cache_creation_input_tokens', start.cacheWriteTokens),
      reasoningTokens: isObject(details) ? count(details['thinking_tokens']) : start.reasoningTokens,
    };
  }

  #finish(): StreamEvent[] {
    this.#done = true;
    const stop = this.#stop ?? { stopReason: 'end_turn' };
    return [{ type: 'finish', ...stop }];
  }
}
