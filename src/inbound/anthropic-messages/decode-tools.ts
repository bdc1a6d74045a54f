import type { ToolChoice, ToolDefinition } from '../../canonical/request.ts';
import { isObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';

/**
 * Custom tools (no `type`, as Claude Code sends them, or `custom`) become tool definitions;
 * server tools (`web_search_20250305`, `bash_20250124`, `mcp_toolset`, ...) run on
 * Anthropic's side only and are named in `dialectOnly`.
 */
export function decodeTools(value: unknown, dialectOnly: Set<string>): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('tools', 'must be an array');
  const tools: ToolDefinition[] = [];
  value.forEach((raw, at) => {
    const field = `tools.${at}`;
    if (!isObject(raw)) throw invalidField(field, 'must be an object');
    const type = raw['type'];
    if (type !== undefined && type !== null && type !== 'custom') {
      if (typeof type !== 'string') throw invalidField(`${field}.type`, 'must be a string');
      dialectOnly.add(`server tool ${type}`);
      return;
    }
    const name = raw['name'];
    if (typeof name !== 'string' || name === '') throw invalidField(`${field}.name`, 'Field required');
    const schema = raw['input_schema'];
    if (!isObject(schema)) throw invalidField(`${field}.input_schema`, 'Field required');
    const description = stringOf(raw['description']);
    const strict = raw['strict'];
    tools.push({
      name,
      ...(description ? { description } : {}),
      parameters: schema,
      ...(typeof strict === 'boolean' ? { strict } : {}),
    });
  });
  return tools;
}

export function decodeToolChoice(value: unknown): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidField('tool_choice', 'must be an object');
  const serial = value['disable_parallel_tool_use'] === true ? { parallelToolCalls: false } : {};
  switch (value['type']) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...serial };
    case 'any':
      return { toolChoice: { type: 'required' }, ...serial };
    case 'none':
      return { toolChoice: { type: 'none' } };
    case 'tool': {
      const name = value['name'];
      if (typeof name !== 'string' || name === '') throw invalidField('tool_choice.name', 'Field required');
      return { toolChoice: { type: 'tool', name }, ...serial };
    }
    default:
      throw invalidField('tool_choice.type', 'must be "auto", "any", "tool" or "none"');
  }
}
