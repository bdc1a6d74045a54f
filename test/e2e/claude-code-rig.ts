// The pieces of an end-to-end run of the real Claude Code CLI: tiny scriptable backends that log
// what they receive, a recording proxy between Claude Code and the gateway (to see exactly what
// the gateway answered), and the CLI itself in print mode.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const CLAUDE = join(import.meta.dirname, '../../node_modules/.bin/claude');

export interface BackendRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  /** The body parsed as JSON (null when it is not JSON). */
  json: unknown;
  /** The status the backend answered (0 until the answer is finished). */
  status: number;
}

export type BackendHandler = (request: BackendRequest, res: ServerResponse) => void;

export interface Backend {
  url: string;
  requests: BackendRequest[];
  close(): Promise<void>;
}

/** An HTTP server that logs every request (with the status it answered) and lets `handle` reply. */
export async function startBackend(handle: BackendHandler): Promise<Backend> {
  const requests: BackendRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => {
      raw += piece;
    });
    req.on('end', () => {
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const logged: BackendRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        json,
        status: 0,
      };
      requests.push(logged);
      res.on('finish', () => {
        logged.status = res.statusCode;
      });
      handle(logged, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server),
  };
}

export interface ProxiedExchange {
  method: string;
  path: string;
  /** What Claude Code sent, as text. */
  requestBody: string;
  status: number;
  contentType: string;
  /** The gateway's whole response body as text (SSE included). */
  body: string;
}

export interface RecordingProxy {
  url: string;
  exchanges: ProxiedExchange[];
  close(): Promise<void>;
}

/** Forwards everything to `target` unchanged and records each response the target gave. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const base = new URL(target);
  const exchanges: ProxiedExchange[] = [];
  const server = createServer((req, res) => {
    let requestBody = '';
    const requestText = new StringDecoder('utf8');
    req.on('data', (piece: Buffer) => {
      requestBody += requestText.write(piece);
    });
    const upstream = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: base.host },
        agent: false,
      },
      (answer) => {
        const exchange: ProxiedExchange = {
          method: req.method ?? '',
          path: req.url ?? '',
          requestBody,
          status: answer.statusCode ?? 0,
          contentType: String(answer.headers['content-type'] ?? ''),
          body: '',
        };
        exchanges.push(exchange);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const text = new StringDecoder('utf8');
        answer.on('data', (piece: Buffer) => {
          exchange.body += text.write(piece);
          res.write(piece);
        });
        answer.on('end', () => res.end());
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, exchanges, close: () => closeServer(server) };
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `claude -p <prompt> --model <endpoint> --output-format json --allowedTools 'Bash(echo:*)'`
 * with a fresh HOME, stdin closed, pointed at `baseUrl`; killed after `timeoutMs`.
 */
export function runClaude(
  baseUrl: string,
  endpoint: string,
  prompt: string,
  timeoutMs = 50_000,
): Promise<ClaudeRun> {
  const home = mkdtempSync(join(tmpdir(), 'switchyard-claude-home-'));
  const started = performance.now();
  const child = spawn(
    CLAUDE,
    ['-p', prompt, '--model', endpoint, '--output-format', 'json', '--allowedTools', 'Bash(echo:*)'],
    {
      cwd: home,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: baseUrl,
        ANTHROPIC_AUTH_TOKEN: 'sy-test-token',
        ANTHROPIC_SMALL_FAST_MODEL: endpoint,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: endpoint,
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
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** What a failed assertion should show about a run. */
export function describeRun(run: ClaudeRun): string {
  return `claude exited ${run.code} (${run.signal ?? 'no signal'}) after ${Math.round(run.ms)} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

/** A chat completion chunk in the shape OpenAI-compatible servers stream it. */
export function chatChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'qwen-test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The final `choices: []` chunk carrying usage, then `[DONE]`. */
export function chatStreamEnd(): string[] {
  const body = {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'qwen-test',
    choices: [],
    usage: { prompt_tokens: 1200, completion_tokens: 20, total_tokens: 1220 },
  };
  return [`data: ${JSON.stringify(body)}\n\n`, 'data: [DONE]\n\n'];
}

/** A non-streamed chat completion holding `text`. */
export function chatCompletion(text: string): string {
  return JSON.stringify({
    id: 'chatcmpl-e2e',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'qwen-test',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
  });
}

/** Message content as text: a string, or the text parts of an array joined by newlines. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
          ? part.text
          : '',
      )
      .join('\n');
  }
  return '';
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export function sendSse(res: ServerResponse, frames: readonly string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const frame of frames) res.write(frame);
  res.end();
}
