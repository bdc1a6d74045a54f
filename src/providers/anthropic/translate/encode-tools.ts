import type { CanonicalRequest, ToolDefinition } from '../../../canonical/request.ts';
import { GatewayError } from '../../../core/errors.ts';
import type { AnthropicTool, AnthropicToolChoice } from './wire.ts';

export function encodeTool(tool: ToolDefinition): AnthropicTool {
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: objectSchema(tool.parameters),
    ...(tool.strict ? { strict: true } : {}),
  };
}

/** Anthropic requires an object schema; OpenAI clients may send none at all. */
function objectSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(parameters).length === 0) return { type: 'object', properties: {} };
  return parameters['type'] === undefined ? { type: 'object', ...parameters } : parameters;
}

/** `tool_choice`, sent only beside tools (Anthropic refuses it alone). */
export function encodeToolChoice(request: CanonicalRequest): AnthropicToolChoice | undefined {
  const choice = request.toolChoice;
  if (request.tools.length === 0) {
    if (choice?.type === 'required' || choice?.type === 'tool') {
      throw new GatewayError(
        'invalid_request',
        'tool_choice: forcing a tool call needs tools in the request',
        {
          param: 'tool_choice',
        },
      );
    }
    return undefined;
  }
  const serial = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any', ...serial };
    case 'tool':
      return { type: 'tool', name: choice.name, ...serial };
    case 'auto':
      return { type: 'auto', ...serial };
    default:
      return request.parallelToolCalls === false ? { type: 'auto', ...serial } : undefined;
  }
}
