import type { CanonicalRequest } from '../../../canonical/request.ts';
import { GatewayError } from '../../../core/errors.ts';
import { encodeMessages, encodeSystem } from './encode-messages.ts';
import { encodeTool, encodeToolChoice } from './encode-tools.ts';
import { fitBudget, requestedBudget } from './thinking.ts';
import type { AnthropicMessageParam, AnthropicRequestBody } from './wire.ts';

/**
 * A canonical request as an Anthropic Messages body. Refuses what Anthropic cannot do;
 * seed and presence/frequency penalties are dropped: Anthropic has no such knobs, and they
 * are sampling hints that no answer depends on.
 */
export function encodeMessagesRequest(request: CanonicalRequest, modelName: string): AnthropicRequestBody {
  refuseUnsupported(request);
  const messages = encodeMessages(request.messages);
  const system = encodeSystem(request.system, request.messages);
  const toolChoice = encodeToolChoice(request);

  let budget = requestedBudget(request.reasoning);
  // Anthropic refuses thinking beside a forced tool call, and thinking after a tool turn
  // whose thinking it never saw (history from another backend): the answer matters more.
  if (toolChoice?.type === 'any' || toolChoice?.type === 'tool' || !toolTurnKeepsThinking(messages)) {
    budget = undefined;
  }
  const fitted = fitBudget(request.maxTokens, budget);
  const thinking = fitted.budget !== undefined;

  // Keys in the order Anthropic documents them, for readable logs.
  const body: AnthropicRequestBody = {
    model: modelName,
    max_tokens: fitted.maxTokens,
    ...(system.length === 0 ? {} : { system: system.length === 1 ? system[0]!.text : system }),
    messages,
  };
  if (request.tools.length > 0) body.tools = request.tools.map(encodeTool);
  if (toolChoice) body.tool_choice = toolChoice;
  // With thinking on, Anthropic accepts temperature 1 only, top_p from 0.95 and no top_k;
  // thinking was asked for explicitly, so the sampling hints that clash with it give way.
  // Newer models refuse temperature and top_p together: temperature, the common knob, wins.
  if (request.temperature !== undefined && (!thinking || request.temperature === 1)) {
    body.temperature = request.temperature;
  } else if (request.topP !== undefined && (!thinking || request.topP >= 0.95)) {
    body.top_p = request.topP;
  }
  if (request.topK !== undefined && !thinking) body.top_k = request.topK;
  const stops = request.stop?.filter((stop) => stop !== '') ?? [];
  if (stops.length > 0) body.stop_sequences = stops;
  if (fitted.budget !== undefined) body.thinking = { type: 'enabled', budget_tokens: fitted.budget };
  if (request.user) body.metadata = { user_id: request.user };
  if (request.responseFormat?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: request.responseFormat.schema } };
  }
  if (request.stream) body.stream = true;
  return body;
}

function refuseUnsupported(request: CanonicalRequest): void {
  if (request.dialectOnly.length > 0) {
    throw new GatewayError(
      'invalid_request',
      `${request.dialectOnly.join(', ')}: not available when the model is served by Anthropic through translation`,
    );
  }
  if (request.candidateCount !== undefined && request.candidateCount > 1) {
    throw new GatewayError('invalid_request', 'n: Anthropic returns one candidate per request; n must be 1', {
      param: 'n',
    });
  }
  const { temperature } = request;
  if (temperature !== undefined && (temperature < 0 || temperature > 1)) {
    throw new GatewayError(
      'invalid_request',
      `temperature: ${temperature} is outside Anthropic's range of 0 to 1`,
      { param: 'temperature' },
    );
  }
  if (request.responseFormat?.type === 'json_object') {
    throw new GatewayError(
      'invalid_request',
      'response_format: json_object has no Anthropic equivalent; use json_schema with a schema',
      { param: 'response_format' },
    );
  }
}

/**
 * With thinking on, Anthropic wants the last assistant turn, when it called tools, to
 * open with the thinking block it signed.
 */
function toolTurnKeepsThinking(messages: AnthropicMessageParam[]): boolean {
  const last = messages.findLast((message) => message.role === 'assistant');
  if (!last?.content.some((block) => block.type === 'tool_use')) return true;
  const first = last.content[0];
  return first?.type === 'thinking' || first?.type === 'redacted_thinking';
}
