import type { ToolChoice, ToolDefinition } from '../../canonical/request.ts';
import { isObject } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { optionalString, requiredString } from './decode-content.ts';

export interface DecodedTools {
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  dialectOnly: string[];
}

/**
 * Function tools become tool definitions. Every other tool type (web_search, file_search,
 * code_interpreter, computer_use, image_generation, mcp, local_shell, shell, apply_patch,
 * custom, namespace, tool_search...) runs on OpenAI's side or needs OpenAI's own call items,
 * so it is recorded as dialect-only and a backend of another dialect refuses the request.
 */
export function decodeTools(toolsValue: unknown, choiceValue: unknown): DecodedTools {
  const tools: ToolDefinition[] = [];
  const dialectOnly: string[] = [];
  if (toolsValue !== undefined && toolsValue !== null) {
    if (!Array.isArray(toolsValue)) throw invalidField('tools', 'must be an array');
    toolsValue.forEach((tool, index) => {
      const field = `tools[${index}]`;
      if (!isObject(tool)) throw invalidField(field, 'must be an object');
      const type = requiredString(tool['type'], `${field}.type`);
      if (type === 'function') tools.push(functionTool(tool, field));
      else dialectOnly.push(`${type} tool`);
    });
  }
  const decoded = decodeToolChoice(choiceValue, tools, dialectOnly);
  return { tools: decoded.tools, ...(decoded.choice ? { toolChoice: decoded.choice } : {}), dialectOnly };
}

function functionTool(tool: Record<string, unknown>, field: string): ToolDefinition {
  const name = requiredString(tool['name'], `${field}.name`);
  if (name === '') throw invalidField(`${field}.name`, 'must not be empty');
  const parameters = tool['parameters'];
  if (parameters !== undefined && parameters !== null && !isObject(parameters)) {
    throw invalidField(`${field}.parameters`, 'must be a JSON Schema object');
  }
  const strict = tool['strict'];
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    throw invalidField(`${field}.strict`, 'must be a boolean');
  }
  const definition: ToolDefinition = {
    name,
    parameters: isObject(parameters) ? parameters : { type: 'object', properties: {} },
  };
  const description = optionalString(tool, 'description', `${field}.description`);
  if (description !== undefined) definition.description = description;
  if (typeof strict === 'boolean') definition.strict = strict;
  return definition;
}

const HOSTED_CHOICES = new Set([
  'file_search',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'computer',
  'computer_use',
  'computer_use_preview',
  'image_generation',
  'code_interpreter',
  'mcp',
  'custom',
  'shell',
  'apply_patch',
]);

/**
 * `allowed_tools` narrows the function tools the model may call this turn; with no such
 * field elsewhere, the narrowing is done by sending only those tools.
 */
function decodeToolChoice(
  value: unknown,
  tools: ToolDefinition[],
  dialectOnly: string[],
): { tools: ToolDefinition[]; choice?: ToolChoice } {
  if (value === undefined || value === null) return { tools };
  if (value === 'auto' || value === 'none' || value === 'required') return { tools, choice: { type: value } };
  if (typeof value === 'string') {
    throw invalidField(
      'tool_choice',
      `must be "auto", "none", "required" or an object, not ${JSON.stringify(value)}`,
    );
  }
  if (!isObject(value)) throw invalidField('tool_choice', 'must be a string or an object');
  const type = requiredString(value['type'], 'tool_choice.type');
  if (type === 'function') {
    const name = requiredString(value['name'], 'tool_choice.name');
    return { tools, choice: { type: 'tool', name } };
  }
  if (type === 'allowed_tools') {
    const mode = value['mode'];
    if (mode !== 'auto' && mode !== 'required')
      throw invalidField('tool_choice.mode', 'must be "auto" or "required"');
    const listed = value['tools'];
    if (!Array.isArray(listed)) throw invalidField('tool_choice.tools', 'must be an array');
    const allowed = new Set<string>();
    listed.forEach((entry, index) => {
      if (!isObject(entry)) throw invalidField(`tool_choice.tools[${index}]`, 'must be an object');
      if (entry['type'] === 'function')
        allowed.add(requiredString(entry['name'], `tool_choice.tools[${index}].name`));
    });
    return { tools: tools.filter((tool) => allowed.has(tool.name)), choice: { type: mode } };
  }
  if (HOSTED_CHOICES.has(type)) {
    dialectOnly.push(`tool_choice ${type}`);
    return { tools };
  }
  throw invalidField('tool_choice.type', `unknown tool choice type ${JSON.stringify(type)}`);
}
