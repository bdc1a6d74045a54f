import type { ResponseContext } from '../../canonical/codecs.ts';
import type { StopReason } from '../../canonical/response.ts';
import type { Usage } from '../../core/usage.ts';
import type {
  OutputItem,
  ResponseErrorWire,
  ResponseObject,
  ResponseStatus,
  ResponseUsageWire,
} from './wire.ts';

/**
 * Ids come from the request id, so a streamed answer and its non-streamed twin carry the same
 * ids, and a client's response id leads to the gateway's log line for it.
 */
export function idBase(context: ResponseContext): string {
  const base = context.requestId.replace(/^req_/, '').replace(/[^A-Za-z0-9]/g, '');
  return base === '' ? '0' : base;
}

export function itemId(prefix: 'msg' | 'rs' | 'fc', base: string, outputIndex: number): string {
  return `${prefix}_${base}_${outputIndex}`;
}

/** A call id for a tool call that came without one, or with one an earlier call already used. */
export function fallbackCallId(base: string, outputIndex: number): string {
  return `call_${base}_${outputIndex}`;
}

export function usageWire(usage: Usage): ResponseUsageWire {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      cache_write_tokens: usage.cacheWriteTokens,
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}

export interface Outcome {
  status: ResponseStatus;
  incomplete: ResponseObject['incomplete_details'];
  error: ResponseErrorWire | null;
}

/**
 * Responses has no stop reason: a normal stop, a stop string and a tool call all complete;
 * running out of tokens and being filtered leave the response incomplete. Anthropic's
 * `refusal` is its safety classifier stopping the answer, which is what `content_filter`
 * means here.
 */
export function outcomeOf(stopReason: StopReason): Outcome {
  switch (stopReason) {
    case 'max_tokens':
      return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' }, error: null };
    case 'content_filter':
    case 'refusal':
      return { status: 'incomplete', incomplete: { reason: 'content_filter' }, error: null };
    case 'error':
      return {
        status: 'failed',
        incomplete: null,
        error: { code: 'server_error', message: 'The model stopped generating because of an error.' },
      };
    default:
      return { status: 'completed', incomplete: null, error: null };
  }
}

export const IN_PROGRESS: Outcome = { status: 'in_progress', incomplete: null, error: null };

/**
 * The response object. Switchyard stores nothing (`store: false`); the request's own settings
 * are not handed to encoders, so the echo fields carry neutral values.
 */
export function responseObject(
  context: ResponseContext,
  base: string,
  outcome: Outcome,
  output: OutputItem[],
  usage: Usage | undefined,
): ResponseObject {
  return {
    id: `resp_${base}`,
    object: 'response',
    created_at: context.created,
    status: outcome.status,
    background: false,
    error: outcome.error,
    incomplete_details: outcome.incomplete,
    instructions: null,
    max_output_tokens: null,
    model: context.clientModel,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: null,
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: usage === undefined ? null : usageWire(usage),
    metadata: {},
  };
}
