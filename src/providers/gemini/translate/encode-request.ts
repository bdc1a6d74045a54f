import type {
  CanonicalRequest,
  ReasoningConfig,
  ToolChoice,
  ToolDefinition,
} from '../../../canonical/request.ts';
import { GatewayError, invalidField } from '../../../core/errors.ts';
import { cleanSchema } from './clean-schema.ts';
import { encodeContents } from './encode-contents.ts';
import type {
  WireFunctionDeclaration,
  WireGenerateContentRequest,
  WireGenerationConfig,
  WireThinkingConfig,
  WireToolConfig,
} from './wire.ts';

/** Gemini's rule for function names. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** generateContent takes at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/**
 * Gemini 2.5 has no thinking levels, only budgets; these fit every 2.5 model's range
 * (Pro 128-32768, Flash 0-24576, Flash-Lite 512-24576).
 */
const EFFORT_BUDGETS: Readonly<Record<NonNullable<ReasoningConfig['effort']>, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** The canonical request as a `GenerateContentRequest`; the model and `alt=sse` go in the URL. */
export function encodeRequest(request: CanonicalRequest, modelName: string): WireGenerateContentRequest {
  if (request.dialectOnly.length > 0) {
    throw new GatewayError(
      'invalid_request',
      `not supported by a Gemini backend: ${request.dialectOnly.join(', ')}`,
    );
  }
  const { system, contents } = encodeContents(request);
  const body: WireGenerateContentRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map(declaration) }];
    if (request.toolChoice) body.toolConfig = toolConfig(request.toolChoice);
  }
  const config = generationConfig(request, modelName);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}

function declaration(tool: ToolDefinition, i: number): WireFunctionDeclaration {
  if (!FUNCTION_NAME.test(tool.name)) {
    throw invalidField(
      `tools[${i}].name`,
      `'${tool.name}' is not a valid Gemini function name (letters, digits, _ . : -, starting with a letter or _, at most 64)`,
    );
  }
  // Full JSON Schema goes in parametersJsonSchema; `parameters` takes only an OpenAPI subset.
  const wire: WireFunctionDeclaration = {
    name: tool.name,
    parametersJsonSchema: cleanSchema(tool.parameters, `tools[${i}].parameters`, `tool '${tool.name}'`),
  };
  if (tool.description !== undefined) wire.description = tool.description;
  return wire;
}

function toolConfig(choice: ToolChoice): WireToolConfig {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

function generationConfig(request: CanonicalRequest, modelName: string): WireGenerationConfig {
  const config: WireGenerationConfig = {};
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stop !== undefined && request.stop.length > 0) {
    if (request.stop.length > MAX_STOP_SEQUENCES) {
      throw invalidField('stop', `a Gemini backend takes at most ${MAX_STOP_SEQUENCES} stop sequences`);
    }
    config.stopSequences = request.stop;
  }
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.candidateCount !== undefined && request.candidateCount > 1) {
    // Only the first candidate would reach the client.
    throw invalidField('n', 'more than one candidate is not supported when translating to a Gemini backend');
  }
  const format = request.responseFormat;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = cleanSchema(
      format.schema,
      'response_format.json_schema.schema',
      `response format '${format.name}'`,
    );
  }
  if (request.reasoning) {
    const thinking = thinkingConfig(request.reasoning, modelName);
    if (Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  }
  return config;
}

/**
 * A budget passes through; an effort becomes a `thinkingLevel` on Gemini 3 and later, and a
 * budget on the 2.x models, which have no levels (Gemini 3 refuses both at once).
 */
function thinkingConfig(reasoning: ReasoningConfig, modelName: string): WireThinkingConfig {
  const thinking: WireThinkingConfig = {};
  if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    if (hasThinkingLevels(modelName)) thinking.thinkingLevel = thinkingLevel(reasoning.effort, modelName);
    else thinking.thinkingBudget = EFFORT_BUDGETS[reasoning.effort];
  }
  if (reasoning.includeThoughts !== undefined) thinking.includeThoughts = reasoning.includeThoughts;
  return thinking;
}

/**
 * Gemini 3 Flash takes all four levels; the Pro models take `low` and `high` only (3.1 Pro
 * added `medium`, never `minimal`), so those round to a level a Pro model accepts.
 */
function thinkingLevel(effort: NonNullable<ReasoningConfig['effort']>, modelName: string): string {
  if (!/-pro\b/.test(modelName)) return effort;
  if (effort === 'minimal') return 'low';
  if (effort === 'medium' && /gemini-3-pro/.test(modelName)) return 'high';
  return effort;
}

function hasThinkingLevels(modelName: string): boolean {
  // Aliases such as gemini-flash-latest get a budget, which Gemini 3 also accepts.
  const version = /gemini-(\d+)/.exec(modelName);
  return version !== null && Number(version[1]) >= 3;
}
