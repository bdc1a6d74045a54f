// The four client dialects driven through their official SDKs, streamed or not, with what
// each result says read into one shape (`Observed`) so a table of expectations can be
// checked against any of them.

import type Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { isObject } from '../../src/canonical/wire.ts';
import { collect, type SdkClients } from '../sdk/sdk-helpers.ts';
import { asArray, asString, at, type ClientDialect, normalize, parsedOr, plain } from './support.ts';

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What a client asks: one user prompt, optionally a system prompt and tools. */
export interface Question {
  prompt: string;
  system?: string;
  tools: ToolSpec[];
}

export interface ObservedCall {
  /** The id the client must echo with the result (chat/Responses/Anthropic id, Gemini functionCall id). */
  id: string;
  name: string;
  /** Parsed arguments. */
  arguments: unknown;
}

/** What one SDK result says, in one shape. */
export interface Observed {
  text: string;
  reasoning: string;
  toolCalls: ObservedCall[];
  /** The dialect's own stop: finish_reason, stop_reason, Responses status, Gemini finishReason. */
  stop: string;
  /** The dialect's usage numbers by their own names; null when the answer carried none. */
  usage: Record<string, number> | null;
  /** The SDK result (for streams, what the SDK accumulated) with ids and timestamps normalised. */
  normalized: unknown;
  /** The SDK result as plain JSON. */
  raw: unknown;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export function askClient(
  sdks: SdkClients,
  client: ClientDialect,
  model: string,
  question: Question,
  stream: boolean,
): Promise<Observed> {
  switch (client) {
    case 'chat':
      return askChat(sdks.openai, model, question, stream);
    case 'responses':
      return askResponses(sdks.openai, model, question, stream);
    case 'messages':
      return askMessages(sdks.anthropic, model, question, stream);
    case 'gemini':
      return askGemini(sdks.gemini, model, question, stream);
  }
}

// ---- OpenAI chat ----

export function chatTools(tools: ToolSpec[]): OpenAI.Chat.Completions.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

async function askChat(
  openai: OpenAI,
  model: string,
  question: Question,
  stream: boolean,
): Promise<Observed> {
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [];
  if (question.system) messages.push({ role: 'system', content: question.system });
  messages.push({ role: 'user', content: question.prompt });
  const base = {
    model,
    messages,
    ...(question.tools.length > 0 ? { tools: chatTools(question.tools) } : {}),
  };
  if (!stream) {
    const completion = plain(await openai.chat.completions.create(base));
    return chatObserved(completion);
  }
  const runner = openai.chat.completions.stream({ ...base, stream_options: { include_usage: true } });
  let reasoning = '';
  runner.on('chunk', (chunk) => {
    reasoning += asString(at(chunk, 'choices', 0, 'delta', 'reasoning_content'));
  });
  const completion = plain(await runner.finalChatCompletion());
  // The SDK's accumulator keeps only the last delta of a field it does not know
  // (`reasoning_content`); the chunks it emitted carry the whole text.
  const message = at(completion, 'choices', 0, 'message');
  if (isObject(message) && reasoning !== '') message['reasoning_content'] = reasoning;
  return chatObserved(completion);
}

export function chatObserved(completion: unknown): Observed {
  const message = at(completion, 'choices', 0, 'message');
  const usage = at(completion, 'usage');
  return {
    text: asString(at(message, 'content')),
    reasoning: asString(at(message, 'reasoning_content')),
    toolCalls: asArray(at(message, 'tool_calls')).map((call) => ({
      id: asString(at(call, 'id')),
      name: asString(at(call, 'function', 'name')),
      arguments: parsedOr(asString(at(call, 'function', 'arguments'))),
    })),
    stop: asString(at(completion, 'choices', 0, 'finish_reason')),
    usage: isObject(usage)
      ? {
          prompt_tokens: count(usage['prompt_tokens']),
          completion_tokens: count(usage['completion_tokens']),
          cached_tokens: count(at(usage, 'prompt_tokens_details', 'cached_tokens')),
          reasoning_tokens: count(at(usage, 'completion_tokens_details', 'reasoning_tokens')),
        }
      : null,
    normalized: normalize(completion, { ids: ['id'], drop: ['created', 'parsed'], json: ['arguments'] }),
    raw: completion,
  };
}

// ---- OpenAI Responses ----

export function responsesTools(tools: ToolSpec[]): OpenAI.Responses.FunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strict: false,
  }));
}

async function askResponses(
  openai: OpenAI,
  model: string,
  question: Question,
  stream: boolean,
): Promise<Observed> {
  const params = {
    model,
    input: question.prompt,
    ...(question.system ? { instructions: question.system } : {}),
    ...(question.tools.length > 0 ? { tools: responsesTools(question.tools) } : {}),
  };
  const response = stream
    ? plain(await openai.responses.stream(params).finalResponse())
    : plain(await openai.responses.create(params));
  return responsesObserved(response);
}

export function responsesObserved(response: unknown): Observed {
  const output = asArray(at(response, 'output'));
  const of = (type: string) => output.filter((item) => at(item, 'type') === type);
  const usage = at(response, 'usage');
  const reason = asString(at(response, 'incomplete_details', 'reason'));
  return {
    text: of('message')
      .flatMap((item) => asArray(at(item, 'content')))
      .map((part) => asString(at(part, 'text')))
      .join(''),
    reasoning: of('reasoning')
      .flatMap((item) => asArray(at(item, 'summary')))
      .map((part) => asString(at(part, 'text')))
      .join(''),
    toolCalls: of('function_call').map((item) => ({
      id: asString(at(item, 'call_id')),
      name: asString(at(item, 'name')),
      arguments: parsedOr(asString(at(item, 'arguments'))),
    })),
    stop: asString(at(response, 'status')) + (reason ? `:${reason}` : ''),
    usage: isObject(usage)
      ? {
          input_tokens: count(usage['input_tokens']),
          output_tokens: count(usage['output_tokens']),
          cached_tokens: count(at(usage, 'input_tokens_details', 'cached_tokens')),
          reasoning_tokens: count(at(usage, 'output_tokens_details', 'reasoning_tokens')),
        }
      : null,
    normalized: normalize(response, {
      ids: ['id', 'call_id'],
      drop: ['created_at', 'parsed', 'parsed_arguments', 'output_parsed'],
      json: ['arguments'],
    }),
    raw: response,
  };
}

// ---- Anthropic Messages ----

export function messagesTools(tools: ToolSpec[]): Anthropic.Messages.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters },
  }));
}

async function askMessages(
  anthropic: Anthropic,
  model: string,
  question: Question,
  stream: boolean,
): Promise<Observed> {
  const params = {
    model,
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: question.prompt }],
    ...(question.system ? { system: question.system } : {}),
    ...(question.tools.length > 0 ? { tools: messagesTools(question.tools) } : {}),
  };
  const message = stream
    ? plain(await anthropic.messages.stream(params).finalMessage())
    : plain(await anthropic.messages.create(params));
  return messagesObserved(message);
}

export function messagesObserved(message: unknown): Observed {
  const content = asArray(at(message, 'content'));
  const of = (type: string) => content.filter((block) => at(block, 'type') === type);
  const usage = at(message, 'usage');
  return {
    text: of('text')
      .map((block) => asString(at(block, 'text')))
      .join(''),
    reasoning: of('thinking')
      .map((block) => asString(at(block, 'thinking')))
      .join(''),
    toolCalls: of('tool_use').map((block) => ({
      id: asString(at(block, 'id')),
      name: asString(at(block, 'name')),
      arguments: at(block, 'input'),
    })),
    stop: asString(at(message, 'stop_reason')),
    usage: isObject(usage)
      ? {
          input_tokens: count(usage['input_tokens']),
          output_tokens: count(usage['output_tokens']),
          cache_read_input_tokens: count(usage['cache_read_input_tokens']),
          cache_creation_input_tokens: count(usage['cache_creation_input_tokens']),
        }
      : null,
    normalized: normalize(message, { ids: ['id'], drop: ['parsed_output'] }),
    raw: message,
  };
}

// ---- Gemini generateContent ----

export function geminiTools(tools: ToolSpec[]): { functionDeclarations: Record<string, unknown>[] }[] {
  if (tools.length === 0) return [];
  return [
    {
      functionDeclarations: tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        parametersJsonSchema: tool.parameters,
      })),
    },
  ];
}

async function askGemini(
  gemini: GoogleGenAI,
  model: string,
  question: Question,
  stream: boolean,
): Promise<Observed> {
  const request = {
    model,
    contents: question.prompt,
    config: {
      ...(question.system ? { systemInstruction: question.system } : {}),
      ...(question.tools.length > 0 ? { tools: geminiTools(question.tools) } : {}),
    },
  };
  const chunks = stream
    ? (await collect(await gemini.models.generateContentStream(request))).map(plain)
    : [plain(await gemini.models.generateContent(request))];
  return geminiObserved(mergeGeminiChunks(chunks));
}

/**
 * One answer from Gemini chunks (a non-streamed answer is one chunk): parts in order, the
 * pieces of a text or thought joined up to the part that signs it, empty unsigned text
 * dropped; the last finish reason, usage, model version and response id.
 */
export function mergeGeminiChunks(chunks: unknown[]): Record<string, unknown> {
  const parts: Record<string, unknown>[] = [];
  let finishReason: unknown;
  let usageMetadata: unknown;
  let modelVersion: unknown;
  let responseId: unknown;
  for (const chunk of chunks) {
    const candidate = at(chunk, 'candidates', 0);
    for (const part of asArray(at(candidate, 'content', 'parts'))) {
      if (!isObject(part)) continue;
      const last = parts.at(-1);
      if (typeof part['text'] === 'string') {
        if (part['text'] === '' && part['thoughtSignature'] === undefined) continue;
        const sameKind =
          last !== undefined &&
          typeof last['text'] === 'string' &&
          (last['thought'] === true) === (part['thought'] === true) &&
          last['thoughtSignature'] === undefined;
        if (sameKind) {
          last['text'] = asString(last['text']) + part['text'];
          if (part['thoughtSignature'] !== undefined) last['thoughtSignature'] = part['thoughtSignature'];
          continue;
        }
      }
      parts.push({ ...part });
    }
    finishReason = at(candidate, 'finishReason') ?? finishReason;
    usageMetadata = at(chunk, 'usageMetadata') ?? usageMetadata;
    modelVersion = at(chunk, 'modelVersion') ?? modelVersion;
    responseId = at(chunk, 'responseId') ?? responseId;
  }
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
    usageMetadata,
    modelVersion,
    responseId,
  };
}

export function geminiObserved(response: Record<string, unknown>): Observed {
  const parts = asArray(at(response, 'candidates', 0, 'content', 'parts'));
  const texts = (thought: boolean) =>
    parts
      .filter((part) => typeof at(part, 'text') === 'string' && (at(part, 'thought') === true) === thought)
      .map((part) => asString(at(part, 'text')))
      .join('');
  const usage = at(response, 'usageMetadata');
  return {
    text: texts(false),
    reasoning: texts(true),
    toolCalls: parts
      .map((part) => at(part, 'functionCall'))
      .filter(isObject)
      .map((call) => ({
        id: asString(call['id']),
        name: asString(call['name']),
        arguments: call['args'] ?? {},
      })),
    stop: asString(at(response, 'candidates', 0, 'finishReason')),
    usage: isObject(usage)
      ? {
          promptTokenCount: count(usage['promptTokenCount']),
          candidatesTokenCount: count(usage['candidatesTokenCount']),
          thoughtsTokenCount: count(usage['thoughtsTokenCount']),
          cachedContentTokenCount: count(usage['cachedContentTokenCount']),
        }
      : null,
    normalized: normalize(response, { ids: ['id', 'responseId'], drop: ['sdkHttpResponse', 'createTime'] }),
    raw: response,
  };
}

// ---- Expectations in each dialect's terms ----

/** Usage in canonical terms: `input` excludes cache reads and writes; `output` includes reasoning. */
export interface CanonicalUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** What each dialect's SDK must report for a canonical usage (TRANSLATION.md's usage rules). */
export function expectedUsage(client: ClientDialect, usage: CanonicalUsage): Record<string, number> {
  const prompt = usage.input + usage.cacheRead + usage.cacheWrite;
  switch (client) {
    case 'chat':
      return {
        prompt_tokens: prompt,
        completion_tokens: usage.output,
        cached_tokens: usage.cacheRead,
        reasoning_tokens: usage.reasoning,
      };
    case 'responses':
      return {
        input_tokens: prompt,
        output_tokens: usage.output,
        cached_tokens: usage.cacheRead,
        reasoning_tokens: usage.reasoning,
      };
    case 'messages':
      return {
        input_tokens: usage.input,
        output_tokens: usage.output,
        cache_read_input_tokens: usage.cacheRead,
        cache_creation_input_tokens: usage.cacheWrite,
      };
    case 'gemini':
      return {
        promptTokenCount: prompt,
        candidatesTokenCount: usage.output - usage.reasoning,
        thoughtsTokenCount: usage.reasoning,
        cachedContentTokenCount: usage.cacheRead,
      };
  }
}

export type Stop = 'end' | 'tool' | 'length' | 'stop_sequence';

const STOPS: Readonly<Record<ClientDialect, Readonly<Record<Stop, string>>>> = {
  chat: { end: 'stop', tool: 'tool_calls', length: 'length', stop_sequence: 'stop' },
  responses: {
    end: 'completed',
    tool: 'completed',
    length: 'incomplete:max_output_tokens',
    stop_sequence: 'completed',
  },
  messages: { end: 'end_turn', tool: 'tool_use', length: 'max_tokens', stop_sequence: 'stop_sequence' },
  gemini: { end: 'STOP', tool: 'STOP', length: 'MAX_TOKENS', stop_sequence: 'STOP' },
};

export function expectedStop(client: ClientDialect, stop: Stop): string {
  return STOPS[client][stop];
}
