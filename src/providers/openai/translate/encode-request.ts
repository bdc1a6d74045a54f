import type {
  CanonicalRequest,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../../../canonical/request.ts';
import { GatewayError, invalidField } from '../../../core/errors.ts';
import { conversationMessages, keepId, systemMessages } from './encode-messages.ts';
import { shortToolCallId } from './short-tool-call-id.ts';
import type {
  OpenAIChatCodecOptions,
  WireChatRequest,
  WireResponseFormat,
  WireTool,
  WireToolChoice,
} from './wire.ts';

/** What most OpenAI-compatible servers (and OpenAI itself) accept as a function name. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * System turns among the messages (Claude Code sends them under a beta) join the leading
 * system prompt: many servers' chat templates (Mistral, Gemma) refuse a system message
 * after the first.
 */
function inPlaceSystem(request: CanonicalRequest): TextPart[] {
  const texts: TextPart[] = [];
  for (const message of request.messages) {
    if (message.role !== 'system') continue;
    for (const part of message.content) if (part.type === 'text') texts.push(part);
  }
  return texts;
}

/** A canonical request as a chat completions body for any OpenAI-compatible server. */
export function encodeRequest(
  request: CanonicalRequest,
  modelName: string,
  options: OpenAIChatCodecOptions,
): WireChatRequest {
  if (request.dialectOnly.length > 0) {
    throw new GatewayError(
      'invalid_request',
      `${request.dialectOnly.join(', ')}: not supported by OpenAI-compatible backends`,
    );
  }
  const body: WireChatRequest = {
    model: modelName,
    messages: [
      ...systemMessages([...request.system, ...inPlaceSystem(request)]),
      ...conversationMessages(
        request.messages.filter((m) => m.role !== 'system'),
        options.shortToolCallIds ? shortToolCallId : keepId,
      ),
    ],
    stream: request.stream,
  };
  if (request.tools.length > 0) body.tools = request.tools.map(encodeTool);
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  // Not OpenAI's; vLLM and SGLang honour it and the others ignore it.
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.candidateCount !== undefined) body.n = request.candidateCount;
  if (request.responseFormat) body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort;
  if (request.user !== undefined) body.user = request.user;
  if (request.stream && options.includeUsageOption) body.stream_options = { include_usage: true };
  return withExtras(body, request);
}

/** The client's own extra fields, for a server of its family; never over a field set above. */
function withExtras(body: WireChatRequest, request: CanonicalRequest): WireChatRequest {
  if (request.extras?.family !== 'openai') return body;
  const merged: WireChatRequest & Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(request.extras.fields)) {
    if (!(key in merged)) merged[key] = value;
  }
  return merged;
}

function checkToolName(name: string, field: string): void {
  if (!TOOL_NAME.test(name)) {
    throw invalidField(
      field,
      `tool name ${JSON.stringify(name)} is not accepted by OpenAI-compatible backends (letters, digits, _ and -, at most 64)`,
    );
  }
}

function encodeTool(tool: ToolDefinition, i: number): WireTool {
  checkToolName(tool.name, `tools[${i}].name`);
  const fn: WireTool['function'] = { name: tool.name, parameters: tool.parameters };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function encodeToolChoice(choice: ToolChoice): WireToolChoice {
  if (choice.type !== 'tool') return choice.type;
  checkToolName(choice.name, 'tool_choice');
  return { type: 'function', function: { name: choice.name } };
}

function encodeResponseFormat(format: ResponseFormat): WireResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const spec: Extract<WireResponseFormat, { type: 'json_schema' }>['json_schema'] = {
    name: format.name,
    schema: format.schema,
  };
  if (format.strict !== undefined) spec.strict = format.strict;
  if (format.description !== undefined) spec.description = format.description;
  return { type: 'json_schema', json_schema: spec };
}
