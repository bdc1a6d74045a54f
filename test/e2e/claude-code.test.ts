// Claude Code, the real CLI, in print mode through Switchyard to an OpenAI-compatible backend:
// it must run a tool the backend asks for and answer from the tool's output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const CLAUDE = join(import.meta.dirname, '../../node_modules/.bin/claude');
const MARKER = 'switchyard-tool-ran-7f3a';

interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content: unknown; tool_calls?: unknown[] }[];
  tools?: { function: { name: string } }[];
}

/** Chat completion chunks in the shape OpenAI streams them (see the recorded fixtures). */
function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'qwen-test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function usageChunk(): string {
  const body = {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'qwen-test',
    choices: [],
    usage: { prompt_tokens: 1200, completion_tokens: 20, total_tokens: 1220 },
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
  }
  return '';
}

interface Backend {
  server: Server;
  url: string;
  requests: ChatRequest[];
}

/** An OpenAI-compatible backend: asks for the Bash tool once, then answers from its result. */
async function startBackend(): Promise<Backend> {
  const requests: ChatRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => {
      raw += piece;
    });
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
        return;
      }
      const request = JSON.parse(raw) as ChatRequest;
      requests.push(request);
      const toolMessage = request.messages.find((m) => m.role === 'tool');
      const hasBash = request.tools?.some((t) => t.function.name === 'Bash') ?? false;
      const frames: string[] = [chunk({ role: 'assistant', content: '' })];
      if (toolMessage) {
        const output = textOf(toolMessage.content).trim();
        frames.push(chunk({ content: `The tool printed: ` }), chunk({ content: output }));
        frames.push(chunk({}, 'stop'));
      } else if (hasBash) {
        frames.push(
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_e2e_1',
                type: 'function',
                function: { name: 'Bash', arguments: '' },
              },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command": "echo ' } }] }),
          chunk({
            tool_calls: [
              { index: 0, function: { arguments: `${MARKER}", "description": "Print a marker"}` } },
            ],
          }),
          // Some servers say `stop` even after a tool call; the gateway must still report tool_use.
          chunk({}, 'stop'),
        );
      } else {
        frames.push(chunk({ content: 'ok' }), chunk({}, 'stop'));
      }
      frames.push(usageChunk(), 'data: [DONE]\n\n');
      if (request.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const frame of frames) res.write(frame);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'qwen-test',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1`, requests };
}

let gw: TestGateway;
let backend: Backend;

before(async () => {
  backend = await startBackend();
  gw = await startGateway();
  const secret = await gw.call('POST', '/api/v1/secrets', {
    name: 'local-vllm',
    provider: 'vllm',
    value: { api_key: 'vllm-key-000000000001' },
    auth_config: { api_base: backend.url },
  });
  assert.equal(secret.status, 201, secret.text);
  const model = await gw.call('POST', '/api/v1/models', {
    name: 'qwen',
    provider: 'vllm',
    model_name: 'qwen-test',
    secret: 'local-vllm',
  });
  assert.equal(model.status, 201, model.text);
  const endpoint = await gw.call('POST', '/api/v1/endpoints', {
    name: 'coder',
    models: [{ model: 'qwen', role: 'primary' }],
  });
  assert.equal(endpoint.status, 201, endpoint.text);
});

after(async () => {
  await gw.close();
  await new Promise((resolve) => backend.server.close(resolve));
});

function runClaude(prompt: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'switchyard-claude-home-'));
  const child = spawn(
    CLAUDE,
    ['-p', prompt, '--model', 'coder', '--output-format', 'json', '--allowedTools', 'Bash(echo:*)'],
    {
      cwd: home,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: gw.url,
        ANTHROPIC_AUTH_TOKEN: 'sy-test-token',
        ANTHROPIC_SMALL_FAST_MODEL: 'coder',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'coder',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (piece: string) => {
    stdout += piece;
  });
  child.stderr.setEncoding('utf8').on('data', (piece: string) => {
    stderr += piece;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('Claude Code completes a tool call through Switchyard on an OpenAI-compatible backend', {
  timeout: 150_000,
}, async () => {
  const run = await runClaude(`Run the shell command: echo ${MARKER}. Then tell me what it printed.`);
  assert.equal(run.code, 0, `claude exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { is_error: boolean; result: string; num_turns?: number };
  assert.equal(result.is_error, false, run.stdout);
  // The answer quotes the tool's real output, which only exists if Claude Code ran the command.
  assert.match(result.result, new RegExp(`The tool printed: ${MARKER}`));

  const withTool = backend.requests.find((r) => r.messages.some((m) => m.role === 'tool'));
  assert.ok(withTool, 'Claude Code sent the tool result back');
  const toolMessage = withTool.messages.find((m) => m.role === 'tool');
  assert.match(textOf(toolMessage?.content), new RegExp(MARKER));
  const assistantTurn = withTool.messages.find((m) => m.role === 'assistant' && m.tool_calls);
  assert.ok(assistantTurn, 'the tool call came back in the history as an assistant tool_calls message');
  assert.ok(
    withTool.messages.every((m) => m.role !== 'system' || typeof m.content === 'string'),
    'system prompts reach the backend as strings',
  );
});
