import type { CanonicalRequest, TextPart } from '../../canonical/request.ts';
import { isObject, stringOf } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import { decodeContents } from './decode-contents.ts';
import { applyGenerationConfig } from './decode-generation-config.ts';
import { decodeToolConfig, decodeTools } from './decode-tools.ts';
import { member } from './fields.ts';

/**
 * A Gemini `GenerateContentRequest` as the canonical request. The model is in the URL and
 * streaming in the method, so the pipeline sets `model` and `stream`.
 */
export function decodeRequest(body: unknown): CanonicalRequest {
  if (!isObject(body)) throw new GatewayError('invalid_request', 'request body must be a JSON object');
  const dialectOnly: string[] = [];
  let tools = decodeTools(body['tools'], dialectOnly);
  const { toolChoice, allowed } = decodeToolConfig(member(body, 'toolConfig'), tools);
  if (allowed) {
    const names = new Set(allowed);
    tools = tools.filter((tool) => names.has(tool.name));
  }
  const request: CanonicalRequest = {
    model: '',
    system: decodeSystem(member(body, 'systemInstruction')),
    messages: decodeContents(body['contents']),
    tools,
    stream: false,
    dialectOnly,
  };
  if (toolChoice) request.toolChoice = toolChoice;
  applyGenerationConfig(member(body, 'generationConfig'), request);
  const safety = member(body, 'safetySettings');
  // Safety thresholds are Google's; other backends apply their own policies.
  if (safety !== undefined && safety !== null && !Array.isArray(safety)) {
    throw invalidField('safetySettings', 'must be an array');
  }
  const cached = member(body, 'cachedContent');
  if (cached !== undefined && cached !== null && cached !== '') dialectOnly.push('Gemini cachedContent');
  return request;
}

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!isObject(value)) throw invalidField('systemInstruction', 'must be a Content object');
  const parts = value['parts'];
  if (!Array.isArray(parts)) throw invalidField('systemInstruction.parts', 'must be an array');
  return parts.map((part, i): TextPart => {
    const text = isObject(part) ? stringOf(part['text']) : undefined;
    if (text === undefined) throw invalidField(`systemInstruction.parts[${i}]`, 'must be a text part');
    return { type: 'text', text };
  });
}
