// Claude Code, the real CLI, in print mode through Switchyard to backends that are not Anthropic:
// a Gemini 3 backend that signs its function calls, an OpenAI-compatible one that calls two tools
// at once, one that fails once with 503, and one whose context is too small for every request.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { arrayOf, isObject, type JsonObject, stringOf } from '../../src/canonical/wire.ts';
import { MemoryRecordSink } from '../../src/pipeline/request-record.ts';
import { SseDecoder } from '../../src/transport/sse-decoder.ts';
import { loadFixture, splitSseFrames } from '../fake-provider/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import {
  type Backend,
  type BackendRequest,
  type ClaudeRun,
  chatChunk,
  chatCompletion,
  chatStreamEnd,
  describeRun,
  type ProxiedExchange,
  type RecordingProxy,
  runClaude,
  sendJson,
  sendSse,
  startBackend,
  startRecordingProxy,
  textOf,
} from './claude-code-rig.ts';

const TEST_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Gemini 3: a signed functionCall, and a 400 on the next turn unless the signature came back.

const GEMINI_MODEL = 'gemini-3-pro-preview';
const GEMINI_KEY = 'AIza-e2e-gemini-key-0000001';
const GEMINI_MARKER = 'switchyard-gemini-tool-ran-41c9';

/** The recorded Gemini 3 stream: a functionCall part with its thoughtSignature, then STOP. */
const SIGNED_CALL = loadFixture('gemini/stream-sse-function-call-thought-signature');
/** The recorded Gemini 3 text stream: two text chunks, then an empty one with STOP. */
const TEXT_STREAM = loadFixture('gemini/stream-sse-signature-replay-text');

function recordedChunks(sse: string | undefined): JsonObject[] {
  assert.ok(sse !== undefined, 'the fixture is a stream');
  return splitSseFrames(sse).map((frame) => {
    const data: unknown = JSON.parse(frame.trim().replace(/^data: /, ''));
    assert.ok(isObject(data));
    return data;
  });
}

/** `chunk.candidates[0].content.parts` of a recorded chunk. */
function partsOf(chunk: JsonObject): JsonObject[] {
  const candidate = arrayOf(chunk['candidates'])[0];
  assert.ok(isObject(candidate) && isObject(candidate['content']));
  return arrayOf(candidate['content']['parts']).filter(isObject);
}

function withParts(chunk: JsonObject, parts: JsonObject[]): JsonObject {
  const copy: unknown = structuredClone(chunk);
  assert.ok(isObject(copy));
  const candidate = arrayOf(copy['candidates'])[0];
  assert.ok(isObject(candidate) && isObject(candidate['content']));
  candidate['content']['parts'] = parts;
  return copy;
}

const signedChunks = recordedChunks(SIGNED_CALL.response.sse);
const SIGNATURE = stringOf(partsOf(signedChunks[0]!)[0]?.['thoughtSignature']) ?? '';
assert.ok(SIGNATURE.length > 100, 'the recorded call carries a real thought signature');

/** Gemini 3's answer when a replayed function call lost its signature. */
const MISSING_SIGNATURE =
  'Function call is missing a thought_signature in functionCall parts. This is required for tools to ' +
  'work correctly, and missing thought_signature may lead to degraded model performance. Additional ' +
  'data, function call `default_api:Bash` , position 2. Please refer to ' +
  'https://ai.google.dev/gemini-api/docs/thought-signatures for more details.';

function geminiError(code: number, status: string, message: string): JsonObject {
  return { error: { code, message, status } };
}

interface GeminiTurn {
  chunks: JsonObject[];
  error?: { status: number; body: JsonObject };
}

/** What the fake Gemini 3 answers to one `generateContent` request body. */
function geminiTurn(body: JsonObject): GeminiTurn {
  const contents = arrayOf(body['contents']).filter(isObject);
  const parts = contents.flatMap((content) => arrayOf(content['parts']).filter(isObject));
  const calls = parts.filter((part) => isObject(part['functionCall']));
  for (const call of calls) {
    const signature = stringOf(call['thoughtSignature']);
    if (signature === undefined) {
      return {
        chunks: [],
        error: { status: 400, body: geminiError(400, 'INVALID_ARGUMENT', MISSING_SIGNATURE) },
      };
    }
    if (signature !== SIGNATURE) {
      return {
        chunks: [],
        error: { status: 400, body: geminiError(400, 'INVALID_ARGUMENT', 'Corrupted thought signature.') },
      };
    }
  }
  const response = parts.map((part) => part['functionResponse']).find(isObject);
  if (response) {
    const result = isObject(response['response']) ? response['response'] : {};
    const output = Object.values(result)
      .filter((value) => typeof value === 'string')
      .join(' ')
      .trim();
    const [first, second, last] = recordedChunks(TEXT_STREAM.response.sse);
    return {
      chunks: [
        withParts(first!, [{ text: 'The tool printed: ' }]),
        withParts(second!, [{ text: output }]),
        last!,
      ],
    };
  }
  const tools = arrayOf(body['tools']).filter(isObject);
  const declarations = tools.flatMap((tool) => arrayOf(tool['functionDeclarations']).filter(isObject));
  if (declarations.some((declaration) => declaration['name'] === 'Bash')) {
    const [call, stop] = signedChunks;
    const [part] = partsOf(call!);
    const signed = {
      ...part,
      functionCall: {
        name: 'Bash',
        args: { command: `echo ${GEMINI_MARKER}`, description: 'Print a marker' },
      },
    };
    return { chunks: [withParts(call!, [signed]), stop!] };
  }
  const [, , last] = recordedChunks(TEXT_STREAM.response.sse);
  return { chunks: [withParts(last!, [{ text: 'ok' }])] };
}

/** The chunks of a stream as one `generateContent` answer. */
function mergedGemini(chunks: JsonObject[]): JsonObject {
  const last = chunks[chunks.length - 1]!;
  return withParts(
    last,
    chunks.flatMap((chunk) => partsOf(chunk)),
  );
}

function startGeminiBackend(): Promise<Backend> {
  return startBackend((request, res) => {
    const match = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent\?alt=sse|generateContent)$/.exec(
      request.url,
    );
    if (!match || match[1] !== GEMINI_MODEL || !isObject(request.json)) {
      sendJson(res, 404, geminiError(404, 'NOT_FOUND', `no route for ${request.url}`));
      return;
    }
    if (request.headers['x-goog-api-key'] !== GEMINI_KEY) {
      sendJson(
        res,
        400,
        geminiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'),
      );
      return;
    }
    const turn = geminiTurn(request.json);
    if (turn.error) {
      sendJson(res, turn.error.status, turn.error.body);
      return;
    }
    if (match[2] === 'generateContent') {
      sendJson(res, 200, mergedGemini(turn.chunks));
      return;
    }
    // Gemini separates its SSE events with CRLF pairs.
    sendSse(
      res,
      turn.chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible backends.

interface ChatMessage {
  role: string;
  content: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: { function: { name: string } }[];
}

function chatRequest(request: BackendRequest): ChatRequest | undefined {
  if (request.url !== '/v1/chat/completions' || !isObject(request.json)) return undefined;
  return request.json as unknown as ChatRequest;
}

function hasBash(request: ChatRequest): boolean {
  return request.tools?.some((tool) => tool.function.name === 'Bash') ?? false;
}

function notFound(res: ServerResponse, url: string): void {
  sendJson(res, 404, { error: { message: `no route for ${url}`, type: 'invalid_request_error' } });
}

/** A text answer, streamed or not as asked. */
function sendChatText(res: ServerResponse, request: ChatRequest, pieces: string[]): void {
  if (!request.stream) {
    sendJson(res, 200, chatCompletion(pieces.join('')));
    return;
  }
  const frames = [chatChunk({ role: 'assistant', content: '' })];
  for (const piece of pieces) frames.push(chatChunk({ content: piece }));
  frames.push(chatChunk({}, 'stop'), ...chatStreamEnd());
  sendSse(res, frames);
}

const PARALLEL_MARKERS = {
  call_par_a: 'switchyard-first-echo-5d21',
  call_par_b: 'switchyard-second-echo-9e07',
};

/** Asks for two echo commands at once, their argument deltas interleaved; then quotes both outputs. */
function startParallelBackend(): Promise<Backend> {
  return startBackend((logged, res) => {
    const request = chatRequest(logged);
    if (!request) {
      notFound(res, logged.url);
      return;
    }
    const results = request.messages.filter((m) => m.role === 'tool');
    if (results.length > 0) {
      const quoted = results.map((m) => `${m.tool_call_id} printed ${textOf(m.content).trim()}`);
      sendChatText(res, request, ['Both ran. ', quoted.join('; '), '.']);
      return;
    }
    if (!hasBash(request) || !request.stream) {
      sendChatText(res, request, ['ok']);
      return;
    }
    const call = (index: number, id: string) => ({
      index,
      id,
      type: 'function',
      function: { name: 'Bash', arguments: '' },
    });
    const args = (index: number, text: string) => ({ index, function: { arguments: text } });
    const { call_par_a: first, call_par_b: second } = PARALLEL_MARKERS;
    sendSse(res, [
      chatChunk({ role: 'assistant', content: '' }),
      chatChunk({ tool_calls: [call(0, 'call_par_a')] }),
      chatChunk({ tool_calls: [call(1, 'call_par_b')] }),
      chatChunk({ tool_calls: [args(0, '{"command": "ec')] }),
      chatChunk({ tool_calls: [args(1, '{"command": "echo ')] }),
      chatChunk({ tool_calls: [args(0, `ho ${first}", "descr`)] }),
      // One chunk may carry deltas for several calls.
      chatChunk({
        tool_calls: [args(1, `${second}", "description": "Second"}`), args(0, 'iption": "First"}')],
      }),
      chatChunk({}, 'tool_calls'),
      ...chatStreamEnd(),
    ]);
  });
}

const RETRY_ANSWER = 'switchyard-answer-after-503-3b8c';
const VLLM_UNAVAILABLE = {
  object: 'error',
  message: 'The server is overloaded, please try again later.',
  type: 'ServiceUnavailableError',
  param: null,
  code: 503,
};

/** Answers the first request of the main loop (the one offering tools) with 503, then works. */
function startFlakyBackend(): Promise<Backend> {
  let failed = false;
  return startBackend((logged, res) => {
    const request = chatRequest(logged);
    if (!request) {
      notFound(res, logged.url);
      return;
    }
    if (!hasBash(request)) {
      sendChatText(res, request, ['ok']);
      return;
    }
    if (!failed) {
      failed = true;
      sendJson(res, 503, VLLM_UNAVAILABLE);
      return;
    }
    sendChatText(res, request, ['Recovered: ', RETRY_ANSWER]);
  });
}

const VLLM_CONTEXT_ERROR = {
  object: 'error',
  message:
    "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the " +
    'messages, 1000 in the completion). Please reduce the length of the messages or completion.',
  type: 'BadRequestError',
  param: null,
  code: 400,
};

/** Every chat request is too long for this backend's 8192-token context. */
function startSmallContextBackend(): Promise<Backend> {
  return startBackend((logged, res) => {
    if (!chatRequest(logged)) {
      notFound(res, logged.url);
      return;
    }
    sendJson(res, 400, VLLM_CONTEXT_ERROR);
  });
}

// ---------------------------------------------------------------------------------------------
// One gateway, one endpoint per backend, and a proxy recording what the gateway answered.

let gw: TestGateway;
let proxy: RecordingProxy;
const sink = new MemoryRecordSink();
let backends: { gemini: Backend; parallel: Backend; flaky: Backend; small: Backend };

async function addEndpoint(
  name: string,
  provider: string,
  apiBase: string,
  modelName: string,
  apiKey: string,
  extra: JsonObject = {},
): Promise<void> {
  const secret = await gw.call('POST', '/api/v1/secrets', {
    name: `${name}-secret`,
    provider,
    value: { api_key: apiKey },
    auth_config: { api_base: apiBase },
  });
  assert.equal(secret.status, 201, secret.text);
  const model = await gw.call('POST', '/api/v1/models', {
    name: `${name}-model`,
    provider,
    model_name: modelName,
    secret: `${name}-secret`,
  });
  assert.equal(model.status, 201, model.text);
  const endpoint = await gw.call('POST', '/api/v1/endpoints', {
    name,
    models: [{ model: `${name}-model`, role: 'primary' }],
    ...extra,
  });
  assert.equal(endpoint.status, 201, endpoint.text);
}

before(async () => {
  backends = {
    gemini: await startGeminiBackend(),
    parallel: await startParallelBackend(),
    flaky: await startFlakyBackend(),
    small: await startSmallContextBackend(),
  };
  gw = await startGateway({}, { sink });
  proxy = await startRecordingProxy(gw.url);
  await addEndpoint('gem3', 'gemini', backends.gemini.url, GEMINI_MODEL, GEMINI_KEY);
  await addEndpoint('parallel', 'vllm', `${backends.parallel.url}/v1`, 'qwen-test', 'vllm-key-000000000002');
  await addEndpoint('flaky', 'vllm', `${backends.flaky.url}/v1`, 'qwen-test', 'vllm-key-000000000003', {
    retry: { attempts: 1, backoff_ms: 10 },
  });
  await addEndpoint('small-ctx', 'vllm', `${backends.small.url}/v1`, 'qwen-test', 'vllm-key-000000000004');
});

after(async () => {
  await proxy.close();
  await gw.close();
  for (const backend of Object.values(backends)) await backend.close();
});

interface ClaudeResult {
  is_error: boolean;
  result: string;
  subtype?: string;
  terminal_reason?: string;
  api_error_status?: number | null;
}

function parseResult(run: ClaudeRun): ClaudeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    assert.fail(`stdout is not JSON\n${describeRun(run)}`);
  }
  assert.ok(isObject(parsed) && typeof parsed['is_error'] === 'boolean', describeRun(run));
  assert.equal(typeof parsed['result'], 'string', describeRun(run));
  return parsed as unknown as ClaudeResult;
}

interface Session {
  run: ClaudeRun;
  /** Claude Code's Messages calls during the run and the gateway's answers. */
  messages: ProxiedExchange[];
  /** What a failed assertion should show. */
  trace: () => string;
}

/** Runs Claude Code on `endpoint` through the recording proxy. */
async function session(endpoint: string, backend: Backend, prompt: string): Promise<Session> {
  const from = proxy.exchanges.length;
  const run = await runClaude(proxy.url, endpoint, prompt);
  const messages = proxy.exchanges
    .slice(from)
    .filter((e) => e.method === 'POST' && /^\/v1\/messages(\?|$)/.test(e.path));
  const trace = () => {
    const answers = messages.map((e) => `${e.status} ${e.body.slice(0, 300)}`).join('\n');
    const upstream = backend.requests.map((r) => `${r.status} ${r.url} ${summarize(r.json)}`).join('\n');
    return `${describeRun(run)}\ngateway answered:\n${answers}\nbackend saw:\n${upstream}`;
  };
  return { run, messages, trace };
}

/** A request body in a line: its messages' roles and part kinds, without the long prompts. */
function summarize(body: unknown): string {
  if (!isObject(body)) return String(body);
  const turns = arrayOf(body['messages'] ?? body['contents']).filter(isObject);
  return turns
    .map((turn) => {
      const parts = arrayOf(turn['content'] ?? turn['parts']).filter(isObject);
      const kinds = parts.map((p) => Object.keys(p).find((k) => k !== 'thoughtSignature') ?? '?');
      const calls = arrayOf(turn['tool_calls']).length;
      return `${turn['role']}[${kinds.join(',')}${calls ? `${calls} calls` : ''}${turn['tool_call_id'] ?? ''}]`;
    })
    .join(' ');
}

/** Claude Code's content blocks of one type, in the order its request lists them. */
function clientBlocks(exchange: ProxiedExchange, type: string): JsonObject[] {
  const body: unknown = JSON.parse(exchange.requestBody);
  assert.ok(isObject(body));
  return arrayOf(body['messages'])
    .filter(isObject)
    .flatMap((message) => arrayOf(message['content']).filter(isObject))
    .filter((block) => block['type'] === type);
}

/** The `content_block_start` blocks of a streamed Messages answer. */
function streamedBlocks(exchange: ProxiedExchange): JsonObject[] {
  const decoder = new SseDecoder();
  const frames = [...decoder.push(new TextEncoder().encode(exchange.body)), ...decoder.end()];
  return frames.flatMap((frame) => {
    if (frame.type !== 'event' || frame.event !== 'content_block_start') return [];
    const data: unknown = JSON.parse(frame.data);
    return isObject(data) && isObject(data['content_block']) ? [data['content_block']] : [];
  });
}

test('Gemini 3: a signed function call runs in Claude Code and its signature comes back on the next turn', {
  timeout: TEST_MS,
}, async () => {
  const backend = backends.gemini;
  const { run, messages, trace } = await session(
    'gem3',
    backend,
    `Run the shell command: echo ${GEMINI_MARKER}. Then say what it printed.`,
  );
  assert.equal(run.code, 0, trace());
  const result = parseResult(run);
  assert.equal(result.is_error, false, trace());
  // Only a second turn that kept the signature gets this answer, and it quotes the real output.
  assert.match(result.result, new RegExp(`The tool printed: ${GEMINI_MARKER}`), trace());

  // The signature rode to Claude Code inside the tool_use id, and came back in both places.
  const toolUse = messages.flatMap(streamedBlocks).find((block) => block['type'] === 'tool_use');
  assert.ok(toolUse, trace());
  const id = String(toolUse['id']);
  assert.ok(id.endsWith(`__sig_${Buffer.from(SIGNATURE, 'utf8').toString('base64url')}`), id);
  const followUp = messages.find((e) => clientBlocks(e, 'tool_result').length > 0);
  assert.ok(followUp, trace());
  assert.deepEqual(
    clientBlocks(followUp, 'tool_use').map((block) => block['id']),
    [id],
  );
  assert.deepEqual(
    clientBlocks(followUp, 'tool_result').map((block) => block['tool_use_id']),
    [id],
  );

  assert.ok(
    backend.requests.every((r) => r.status === 200 && r.url.startsWith(`/v1beta/models/${GEMINI_MODEL}:`)),
    trace(),
  );
  const replay = backend.requests.find((r) => JSON.stringify(r.json).includes('"functionResponse"'));
  assert.ok(replay && isObject(replay.json), trace());
  assert.equal(replay.url, `/v1beta/models/${GEMINI_MODEL}:streamGenerateContent?alt=sse`);
  const parts = arrayOf(replay.json['contents'])
    .filter(isObject)
    .flatMap((content) => arrayOf(content['parts']).filter(isObject));
  const call = parts.find((part) => isObject(part['functionCall']));
  assert.ok(call && isObject(call['functionCall']), trace());
  assert.equal(call['thoughtSignature'], SIGNATURE, 'the exact recorded signature is echoed');
  assert.equal(call['functionCall']['name'], 'Bash');
  assert.deepEqual(call['functionCall']['args'], {
    command: `echo ${GEMINI_MARKER}`,
    description: 'Print a marker',
  });
  const response = parts.find((part) => isObject(part['functionResponse']));
  assert.ok(response && isObject(response['functionResponse']), trace());
  assert.equal(response['functionResponse']['name'], 'Bash');
  assert.match(JSON.stringify(response['functionResponse']['response']), new RegExp(GEMINI_MARKER));
});

test('OpenAI-compatible: two interleaved parallel tool calls both run and come back as two tool messages', {
  timeout: TEST_MS,
}, async () => {
  const backend = backends.parallel;
  const { call_par_a: first, call_par_b: second } = PARALLEL_MARKERS;
  const { run, messages, trace } = await session(
    'parallel',
    backend,
    `Run these two shell commands in parallel: echo ${first} and echo ${second}. Then say what each printed.`,
  );
  assert.equal(run.code, 0, trace());
  const result = parseResult(run);
  assert.equal(result.is_error, false, trace());
  assert.match(result.result, new RegExp(`call_par_a printed ${first}`), trace());
  assert.match(result.result, new RegExp(`call_par_b printed ${second}`), trace());

  // Each tool_use block reached Claude Code whole, though the deltas were interleaved.
  const streamed = messages.flatMap(streamedBlocks).filter((block) => block['type'] === 'tool_use');
  assert.deepEqual(
    streamed.map((block) => [block['id'], block['name']]),
    [
      ['call_par_a', 'Bash'],
      ['call_par_b', 'Bash'],
    ],
    trace(),
  );

  const followUp = backend.requests.map(chatRequest).find((r) => r?.messages.some((m) => m.role === 'tool'));
  assert.ok(followUp, trace());
  const assistant = followUp.messages.find((m) => m.role === 'assistant' && m.tool_calls);
  assert.ok(assistant, trace());
  assert.deepEqual(
    assistant.tool_calls?.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
    [
      ['call_par_a', 'Bash', { command: `echo ${first}`, description: 'First' }],
      ['call_par_b', 'Bash', { command: `echo ${second}`, description: 'Second' }],
    ],
    'both calls are in the history with their whole arguments',
  );
  // The two results follow the assistant turn directly, as two tool messages...
  const at = followUp.messages.indexOf(assistant);
  const results = followUp.messages.slice(at + 1, at + 3);
  assert.deepEqual(
    results.map((m) => m.role),
    ['tool', 'tool'],
    trace(),
  );
  assert.equal(followUp.messages.filter((m) => m.role === 'tool').length, 2, trace());
  assert.deepEqual(results.map((m) => [m.tool_call_id, textOf(m.content).trim()]).sort(), [
    ['call_par_a', first],
    ['call_par_b', second],
  ]);
  // ...in the order Claude Code listed its tool_result blocks (it lists them as they finish).
  const clientTurn = messages.find((e) => clientBlocks(e, 'tool_result').length > 0);
  assert.ok(clientTurn, trace());
  assert.deepEqual(
    results.map((m) => m.tool_call_id),
    clientBlocks(clientTurn, 'tool_result').map((block) => block['tool_use_id']),
  );
});

test('a 503 from the backend is retried by the gateway; Claude Code never sees it', {
  timeout: TEST_MS,
}, async () => {
  const backend = backends.flaky;
  const { run, messages, trace } = await session('flaky', backend, 'Say hello.');
  assert.equal(run.code, 0, trace());
  const result = parseResult(run);
  assert.equal(result.is_error, false, trace());
  assert.match(result.result, new RegExp(`Recovered: ${RETRY_ANSWER}`), trace());

  // Claude Code asked once; the backend saw that turn twice: 503, then 200, the same request.
  const asked = messages.filter((e) => {
    const body: unknown = JSON.parse(e.requestBody);
    return isObject(body) && arrayOf(body['tools']).length > 0;
  });
  assert.deepEqual(
    asked.map((e) => e.status),
    [200],
    trace(),
  );
  const turn = backend.requests.filter((r) => {
    const request = chatRequest(r);
    return request !== undefined && hasBash(request);
  });
  assert.deepEqual(
    turn.map((r) => r.status),
    [503, 200],
    trace(),
  );
  assert.deepEqual(turn[0]!.json, turn[1]!.json, 'the retry resent the same request');

  const records = sink.records.filter((r) => r.endpoint === 'flaky' && r.attempts.length > 1);
  assert.equal(records.length, 1, JSON.stringify(sink.records.filter((r) => r.endpoint === 'flaky')));
  assert.equal(records[0]!.status, 200);
  assert.deepEqual(
    records[0]!.attempts.map((a) => a.status),
    [503, 200],
  );
});

test('a vLLM context-length error reaches Claude Code as 400 "prompt is too long: N tokens > M maximum"', {
  timeout: TEST_MS,
}, async () => {
  const backend = backends.small;
  const { run, messages, trace } = await session('small-ctx', backend, 'Say hello.');
  assert.ok(backend.requests.length > 0, trace());
  assert.ok(
    backend.requests.every((r) => r.status === 400),
    trace(),
  );
  assert.ok(messages.length > 0, trace());
  for (const exchange of messages) {
    assert.equal(exchange.status, 400, trace());
    const body: unknown = JSON.parse(exchange.body);
    assert.ok(isObject(body), trace());
    assert.equal(body['type'], 'error');
    assert.deepEqual(body['error'], {
      type: 'invalid_request_error',
      message: 'prompt is too long: 9000 tokens > 8192 maximum',
    });
  }
  // What Claude Code did with it (observed with 2.1.x): it gave up at once, exit code 1, and
  // reported the 400 and both numbers of the gateway's message in its JSON result.
  assert.notEqual(run.code, 0, trace());
  const result = parseResult(run);
  assert.equal(result.is_error, true, trace());
  assert.equal(result.api_error_status, 400, trace());
  assert.match(result.result, /prompt is too long/i, trace());
  assert.match(result.result, /9000/, trace());
  assert.match(result.result, /8192/, trace());
});
