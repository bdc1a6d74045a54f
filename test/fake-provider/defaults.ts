// Built-in replies, one per route, in each provider's wire format (shapes taken from the
// recorded fixtures). They echo the requested model. Bodies are built once per
// (route, model, stream options) and reused, so a request costs a Map lookup.

import { anthropicErrorBody, geminiErrorBody, openaiErrorBody } from './errors.ts';
import type { DefaultsConfig, RecordedRequest, Route } from './types.ts';

/** A response ready to write: status, headers and body frames. */
export interface Prepared {
  status: number;
  headers: Record<string, string>;
  frames: readonly Buffer[];
  /** Streamed (chunked, frames written one by one); otherwise one body with a content-length. */
  streamed: boolean;
}

export const DEFAULTS_CONFIG: DefaultsConfig = {
  streamChunks: 5,
  replyBytes: 0,
  embeddingDims: 16,
  models: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'claude-sonnet-4-5', 'gemini-2.5-flash'],
};

/** `base` with the defined fields of `partial`. */
export function mergeConfig(base: DefaultsConfig, partial: Partial<DefaultsConfig>): DefaultsConfig {
  return {
    streamChunks: partial.streamChunks ?? base.streamChunks,
    replyBytes: partial.replyBytes ?? base.replyBytes,
    embeddingDims: partial.embeddingDims ?? base.embeddingDims,
    models: partial.models ?? base.models,
  };
}

/** Prompt tokens reported by every default completion. */
export const DEFAULT_PROMPT_TOKENS = 12;

const WORDS = ['Hello', '!', ' This', ' is', ' a', ' reply', ' from', ' the', ' fake', ' provider', '.'];
const BASE_TEXT = WORDS.join('');
const FILLER = ' Lorem ipsum dolor sit amet, consectetur adipiscing elit.';
const CREATED = Math.floor(Date.now() / 1000);
const JSON_TYPE = 'application/json';
const GEMINI_JSON_TYPE = 'application/json; charset=UTF-8';
const SSE_TYPE = 'text/event-stream; charset=utf-8';
const CACHE_LIMIT = 5000;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textPieces(n: number): string[] {
  return Array.from({ length: Math.max(1, n) }, (_, i) => WORDS[i % WORDS.length]!);
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function bodyTokens(req: RecordedRequest): number {
  return Math.max(1, Math.ceil(req.rawBody.length / 4));
}

function data(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\n\n`;
}

function event(name: string, obj: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(obj)}\n\n`;
}

function jsonReply(
  status: number,
  body: unknown,
  contentType = JSON_TYPE,
  extra?: Record<string, string>,
): Prepared {
  return {
    status,
    headers: { 'content-type': contentType, ...extra },
    frames: [Buffer.from(JSON.stringify(body))],
    streamed: false,
  };
}

function streamReply(
  frames: readonly string[],
  contentType = SSE_TYPE,
  extra?: Record<string, string>,
): Prepared {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'cache-control': 'no-cache', ...extra },
    frames: frames.map((f) => Buffer.from(f)),
    streamed: true,
  };
}

/** Pad `BASE_TEXT` so that `render(text)` serializes to about `targetBytes`. */
function sizedText(targetBytes: number, render: (text: string) => unknown): string {
  if (targetBytes <= 0) return BASE_TEXT;
  const base = JSON.stringify(render(BASE_TEXT)).length;
  let text = BASE_TEXT;
  while (base + text.length - BASE_TEXT.length < targetBytes) text += FILLER;
  return text.slice(0, Math.max(BASE_TEXT.length, targetBytes - base + BASE_TEXT.length));
}

// ---- OpenAI chat completions (and Azure) -------------------------------------------------

const AZURE_FILTER = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

function chatUsage(prompt: number, completion: number): Json {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatCompletion(model: string, text: string, azure: boolean): Json {
  const choice: Json = {
    index: 0,
    message: { role: 'assistant', content: text, refusal: null, annotations: [] },
    logprobs: null,
    finish_reason: 'stop',
  };
  if (azure) choice['content_filter_results'] = AZURE_FILTER;
  const body: Json = {
    id: 'chatcmpl-fake0000000000000000000000001',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [choice],
    usage: chatUsage(DEFAULT_PROMPT_TOKENS, tokens(text)),
    service_tier: 'default',
    system_fingerprint: null,
  };
  if (azure) body['prompt_filter_results'] = [{ prompt_index: 0, content_filter_results: AZURE_FILTER }];
  return body;
}

function chatStream(model: string, pieces: string[], includeUsage: boolean, azure: boolean): string[] {
  const frames: string[] = [];
  if (azure) {
    frames.push(
      data({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: AZURE_FILTER }],
      }),
    );
  }
  const chunk = (choices: unknown[], usage?: Json): string => {
    const c: Json = {
      id: 'chatcmpl-fake0000000000000000000000001',
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      service_tier: 'default',
      system_fingerprint: null,
      choices,
    };
    if (includeUsage) c['usage'] = usage ?? null;
    return data(c);
  };
  frames.push(
    chunk([
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]),
  );
  for (const p of pieces) {
    frames.push(chunk([{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }]));
  }
  frames.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  if (includeUsage) frames.push(chunk([], chatUsage(DEFAULT_PROMPT_TOKENS, pieces.length)));
  frames.push('data: [DONE]\n\n');
  return frames;
}

// ---- OpenAI Responses ---------------------------------------------------------------------

const RESP_ID = 'resp_fake00000000000000000000000000000000000000001';
const MSG_ID = 'msg_fake000000000000000000000000000000000000000001';

function responseObject(model: string, status: string, output: unknown[], usage: Json | null): Json {
  return {
    id: RESP_ID,
    object: 'response',
    created_at: CREATED,
    status,
    background: false,
    completed_at: status === 'completed' ? CREATED : null,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: true,
    temperature: 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: 1.0,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}

function responsesUsage(output: number): Json {
  return {
    input_tokens: DEFAULT_PROMPT_TOKENS,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: DEFAULT_PROMPT_TOKENS + output,
  };
}

function outputText(text: string): Json {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function messageItem(status: string, content: unknown[]): Json {
  return { id: MSG_ID, type: 'message', status, content, role: 'assistant' };
}

function responsesBody(model: string, text: string): Json {
  return responseObject(
    model,
    'completed',
    [messageItem('completed', [outputText(text)])],
    responsesUsage(tokens(text)),
  );
}

function responsesStream(model: string, pieces: string[]): string[] {
  let seq = 0;
  const ev = (type: string, fields: Json): string => event(type, { type, ...fields, sequence_number: seq++ });
  const text = pieces.join('');
  const frames = [
    ev('response.created', { response: responseObject(model, 'in_progress', [], null) }),
    ev('response.in_progress', { response: responseObject(model, 'in_progress', [], null) }),
    ev('response.output_item.added', { output_index: 0, item: messageItem('in_progress', []) }),
    ev('response.content_part.added', {
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      part: outputText(''),
    }),
  ];
  for (const delta of pieces) {
    frames.push(
      ev('response.output_text.delta', {
        item_id: MSG_ID,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
  }
  const item = messageItem('completed', [outputText(text)]);
  frames.push(
    ev('response.output_text.done', {
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      text,
      logprobs: [],
    }),
    ev('response.content_part.done', {
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      part: outputText(text),
    }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', {
      response: responseObject(model, 'completed', [item], responsesUsage(pieces.length)),
    }),
  );
  return frames;
}

// ---- Anthropic Messages ---------------------------------------------------------------------

const ANTHROPIC_MSG_ID = 'msg_fake000000000000000000001';
const ANTHROPIC_HEADERS = { 'request-id': 'req_fake0000000000000000000000' };

function anthropicUsage(output: number): Json {
  return {
    input_tokens: DEFAULT_PROMPT_TOKENS,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
}

function anthropicMessage(model: string, text: string): Json {
  return {
    model,
    id: ANTHROPIC_MSG_ID,
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(tokens(text)),
  };
}

function anthropicStream(model: string, pieces: string[]): string[] {
  const frames = [
    event('message_start', {
      type: 'message_start',
      message: {
        model,
        id: ANTHROPIC_MSG_ID,
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(1),
      },
    }),
    event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    event('ping', { type: 'ping' }),
  ];
  for (const text of pieces) {
    frames.push(
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      }),
    );
  }
  frames.push(
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: DEFAULT_PROMPT_TOKENS,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: pieces.length,
      },
    }),
    event('message_stop', { type: 'message_stop' }),
  );
  return frames;
}

// ---- Gemini ---------------------------------------------------------------------------------

const GEMINI_RESPONSE_ID = 'fakeResponseId0000000001';

function geminiPromptUsage(): Json {
  return {
    promptTokenCount: DEFAULT_PROMPT_TOKENS,
    totalTokenCount: DEFAULT_PROMPT_TOKENS,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: DEFAULT_PROMPT_TOKENS }],
  };
}

function geminiFullUsage(candidates: number): Json {
  return {
    promptTokenCount: DEFAULT_PROMPT_TOKENS,
    candidatesTokenCount: candidates,
    totalTokenCount: DEFAULT_PROMPT_TOKENS + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: DEFAULT_PROMPT_TOKENS }],
  };
}

function geminiChunk(model: string, text: string, last: boolean, candidates: number): Json {
  const candidate: Json = { content: { parts: [{ text }], role: 'model' } };
  if (last) candidate['finishReason'] = 'STOP';
  candidate['index'] = 0;
  return {
    candidates: [candidate],
    usageMetadata: last ? geminiFullUsage(candidates) : geminiPromptUsage(),
    modelVersion: model,
    responseId: GEMINI_RESPONSE_ID,
  };
}

function geminiStreamElements(model: string, pieces: string[]): Json[] {
  return pieces.map((p, i) => geminiChunk(model, p, i === pieces.length - 1, pieces.length));
}

/** Google's non-SSE stream: a pretty-printed JSON array sent element by element. */
export function geminiArrayFrames(elements: readonly unknown[]): string[] {
  const frames = elements.map((e, i) => `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(e, null, 2)}\n`);
  if (frames.length === 0) frames.push('[');
  frames.push(']');
  return frames;
}

// ---- Embeddings, token counts, model lists ----------------------------------------------------

function embeddingVector(dims: number): number[] {
  return Array.from({ length: dims }, (_, i) => Math.round(Math.sin(i + 1) * 1e6) / 1e7);
}

function openaiInputCount(input: unknown): number {
  if (!Array.isArray(input) || input.length === 0) return 1;
  return typeof input[0] === 'number' ? 1 : input.length;
}

// ---- The table --------------------------------------------------------------------------------

export class DefaultReplies {
  #config: DefaultsConfig;
  #cache = new Map<string, Prepared>();
  #vector: number[] = [];
  #vectorBase64 = '';

  constructor(config: DefaultsConfig) {
    this.#config = mergeConfig(config, {});
    this.#prepareVector();
  }

  get config(): DefaultsConfig {
    return this.#config;
  }

  configure(config: Partial<DefaultsConfig>): void {
    this.#config = mergeConfig(this.#config, config);
    this.#cache.clear();
    this.#prepareVector();
  }

  #prepareVector(): void {
    this.#vector = embeddingVector(this.#config.embeddingDims);
    this.#vectorBase64 = Buffer.from(new Float32Array(this.#vector).buffer).toString('base64');
  }

  /** The default reply for `route`; `chunks` overrides the configured stream length. */
  build(route: Route, req: RecordedRequest, chunks?: number): Prepared {
    const body = req.json;
    switch (route.kind) {
      case 'openai.models':
        return this.#cached('openai.models', () =>
          jsonReply(200, {
            object: 'list',
            data: this.#config.models.map((id) => ({
              id,
              object: 'model',
              created: CREATED,
              owned_by: 'fake-provider',
            })),
          }),
        );
      case 'anthropic.models':
        return this.#cached('anthropic.models', () => {
          const models = this.#config.models;
          return jsonReply(
            200,
            {
              data: models.map((id) => ({
                type: 'model',
                id,
                display_name: id,
                created_at: '2025-01-01T00:00:00Z',
              })),
              has_more: false,
              first_id: models[0] ?? null,
              last_id: models[models.length - 1] ?? null,
            },
            JSON_TYPE,
            ANTHROPIC_HEADERS,
          );
        });
      case 'gemini.models':
        return this.#cached('gemini.models', () =>
          jsonReply(
            200,
            {
              models: this.#config.models.map((id) => ({
                name: `models/${id}`,
                version: '001',
                displayName: id,
                inputTokenLimit: 1048576,
                outputTokenLimit: 65536,
                supportedGenerationMethods: ['generateContent', 'countTokens'],
              })),
            },
            GEMINI_JSON_TYPE,
          ),
        );
      default:
        break;
    }

    if (route.flavor === 'gemini') return this.#gemini(route, req, chunks);
    if (!isRecord(body)) return this.#badRequest(route, 'Request body must be a JSON object.');
    const model = typeof body['model'] === 'string' ? body['model'] : route.pathModel;
    if (model === undefined || model === '') {
      return this.#badRequest(
        route,
        route.flavor === 'anthropic' ? 'model: Field required' : 'you must provide a model parameter',
      );
    }
    const stream = body['stream'] === true;
    const n = chunks ?? this.#config.streamChunks;

    switch (route.kind) {
      case 'openai.chat': {
        const azure = route.flavor === 'azure';
        const opts = body['stream_options'];
        const usage = stream && isRecord(opts) && opts['include_usage'] === true;
        return this.#cached(`chat|${azure}|${model}|${stream}|${usage}|${n}`, () => {
          const headers = { 'x-request-id': 'req_fake0000000000000000000000' };
          if (stream) return streamReply(chatStream(model, textPieces(n), usage, azure), SSE_TYPE, headers);
          const text = sizedText(this.#config.replyBytes, (t) => chatCompletion(model, t, azure));
          return jsonReply(200, chatCompletion(model, text, azure), JSON_TYPE, headers);
        });
      }
      case 'openai.responses':
        return this.#cached(`responses|${model}|${stream}|${n}`, () => {
          if (stream) return streamReply(responsesStream(model, textPieces(n)));
          return jsonReply(
            200,
            responsesBody(
              model,
              sizedText(this.#config.replyBytes, (t) => responsesBody(model, t)),
            ),
          );
        });
      case 'openai.embeddings': {
        const count = openaiInputCount(body['input']);
        const base64 = body['encoding_format'] === 'base64';
        const embedding = base64 ? this.#vectorBase64 : this.#vector;
        const promptTokens = bodyTokens(req);
        return jsonReply(200, {
          object: 'list',
          data: Array.from({ length: count }, (_, index) => ({ object: 'embedding', index, embedding })),
          model,
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        });
      }
      case 'anthropic.messages':
        return this.#cached(`messages|${model}|${stream}|${n}`, () => {
          if (stream) return streamReply(anthropicStream(model, textPieces(n)), SSE_TYPE, ANTHROPIC_HEADERS);
          const text = sizedText(this.#config.replyBytes, (t) => anthropicMessage(model, t));
          return jsonReply(200, anthropicMessage(model, text), JSON_TYPE, ANTHROPIC_HEADERS);
        });
      case 'anthropic.count_tokens':
        return jsonReply(200, { input_tokens: bodyTokens(req) }, JSON_TYPE, ANTHROPIC_HEADERS);
      default:
        return this.#badRequest(route, `no default reply for ${route.kind}`);
    }
  }

  #gemini(route: Route, req: RecordedRequest, chunks?: number): Prepared {
    const model = route.pathModel ?? 'gemini';
    const body = req.json;
    if (!isRecord(body)) return this.#badRequest(route, 'Invalid JSON payload received.');
    const n = chunks ?? this.#config.streamChunks;
    switch (route.kind) {
      case 'gemini.generate':
        return this.#cached(`gemini.generate|${model}`, () => {
          const render = (text: string): Json => ({
            candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
            usageMetadata: geminiFullUsage(tokens(text)),
            modelVersion: model,
            responseId: GEMINI_RESPONSE_ID,
          });
          return jsonReply(200, render(sizedText(this.#config.replyBytes, render)), GEMINI_JSON_TYPE);
        });
      case 'gemini.stream':
        return this.#cached(`gemini.stream|${model}|${route.altSse}|${n}`, () => {
          const elements = geminiStreamElements(model, textPieces(n));
          if (route.altSse) {
            return streamReply(
              elements.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`),
              'text/event-stream',
            );
          }
          return streamReply(geminiArrayFrames(elements), GEMINI_JSON_TYPE);
        });
      case 'gemini.count_tokens': {
        const total = bodyTokens(req);
        return jsonReply(
          200,
          { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] },
          GEMINI_JSON_TYPE,
        );
      }
      case 'gemini.embed':
        return jsonReply(200, { embedding: { values: this.#vector } }, GEMINI_JSON_TYPE);
      case 'gemini.batch_embed': {
        const requests = body['requests'];
        const count = Array.isArray(requests) ? requests.length : 0;
        return jsonReply(
          200,
          { embeddings: Array.from({ length: count }, () => ({ values: this.#vector })) },
          GEMINI_JSON_TYPE,
        );
      }
      default:
        return this.#badRequest(route, `no default reply for ${route.kind}`);
    }
  }

  #badRequest(route: Route, message: string): Prepared {
    if (route.flavor === 'anthropic')
      return jsonReply(400, anthropicErrorBody(400, message), JSON_TYPE, ANTHROPIC_HEADERS);
    if (route.flavor === 'gemini') return jsonReply(400, geminiErrorBody(400, message), GEMINI_JSON_TYPE);
    return jsonReply(400, openaiErrorBody(400, message));
  }

  #cached(key: string, make: () => Prepared): Prepared {
    let hit = this.#cache.get(key);
    if (!hit) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      hit = make();
      this.#cache.set(key, hit);
    }
    return hit;
  }
}

/** The reply for a path no route matches (OpenAI's shape, like most providers' 404s). */
export function notFound(method: string, path: string): Prepared {
  return jsonReply(
    404,
    openaiErrorBody(
      404,
      `fake provider: no route for ${method} ${path}`,
      'invalid_request_error',
      'unknown_url',
    ),
  );
}
