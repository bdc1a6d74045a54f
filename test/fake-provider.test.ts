// The fake provider itself: routes, default replies per dialect, fixture replay, scripting,
// recording and abort detection.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FakeProvider } from './fake-provider/index.ts';
import {
  anthropicError,
  defaultReply,
  drip,
  dynamic,
  FIXTURES_DIR,
  failAfterBytes,
  failAfterFrames,
  fixture,
  fixtureBytes,
  geminiError,
  html,
  json,
  listFixtures,
  loadFixture,
  openaiError,
  raw,
  reset,
  slowFirstByte,
  sse,
  stall,
  startFakeProvider,
  truncateAfterBytes,
  truncateAfterFrames,
} from './fake-provider/index.ts';

type Json = Record<string, unknown>;

interface Got {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

interface SseEvent {
  event: string | undefined;
  data: string;
}

function obj(v: unknown): Json {
  assert.ok(
    typeof v === 'object' && v !== null && !Array.isArray(v),
    `expected an object, got ${JSON.stringify(v)}`,
  );
  return v as Json;
}

function arr(v: unknown): unknown[] {
  assert.ok(Array.isArray(v), `expected an array, got ${JSON.stringify(v)}`);
  return v;
}

function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    events.push({ event, data: data.join('\n') });
  }
  return events;
}

let fake: FakeProvider;

async function call(
  path: string,
  body?: unknown,
  init: { method?: string; headers?: Record<string, string>; rawBody?: string | Uint8Array } = {},
): Promise<Got> {
  const method = init.method ?? (body === undefined && init.rawBody === undefined ? 'GET' : 'POST');
  const payload = init.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const res = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: payload,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    headers: res.headers,
    text: bytes.toString('utf8'),
    bytes,
  };
}

/** A raw node:http POST that reports timings, received bytes and how it ended. */
function rawPost(
  path: string,
  body: unknown,
  opts: { abortAfterMs?: number; abortAfterBytes?: number } = {},
): Promise<{
  status?: number;
  headersAt?: number;
  chunks: { at: number; bytes: Buffer }[];
  end: string;
  start: number;
}> {
  return new Promise((resolve) => {
    const start = Date.now();
    const chunks: { at: number; bytes: Buffer }[] = [];
    let status: number | undefined;
    let headersAt: number | undefined;
    let settled = false;
    const finish = (end: string): void => {
      if (settled) return;
      settled = true;
      const out: { status?: number; headersAt?: number; chunks: typeof chunks; end: string; start: number } =
        {
          chunks,
          end,
          start,
        };
      if (status !== undefined) out.status = status;
      if (headersAt !== undefined) out.headersAt = headersAt;
      resolve(out);
    };
    const req = httpRequest(fake.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      agent: false,
    });
    req.on('response', (res) => {
      status = res.statusCode;
      headersAt = Date.now();
      let received = 0;
      res.on('data', (b: Buffer) => {
        chunks.push({ at: Date.now(), bytes: b });
        received += b.length;
        if (opts.abortAfterBytes !== undefined && received >= opts.abortAfterBytes) {
          req.destroy();
          finish('client-aborted');
        }
      });
      res.on('end', () => finish('end'));
      res.on('aborted', () => finish('aborted'));
      res.on('error', (e: NodeJS.ErrnoException) => finish(`error:${e.code ?? e.message}`));
      res.on('close', () => finish(res.complete ? 'end' : 'closed-incomplete'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(`error:${e.code ?? e.message}`));
    if (opts.abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        finish('client-aborted');
      }, opts.abortAfterMs);
    }
    req.end(JSON.stringify(body));
  });
}

function joined(chunks: { bytes: Buffer }[]): string {
  return Buffer.concat(chunks.map((c) => c.bytes)).toString('utf8');
}

before(async () => {
  fake = await startFakeProvider();
});

after(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('fixtures on disk', () => {
  it('has all 98 fixtures with their README and NOTICE', () => {
    const names = listFixtures();
    assert.equal(names.length, 98);
    assert.ok(names.includes('anthropic/messages-stream-tool-use.json'));
    assert.ok(existsSync(new URL('README.md', FIXTURES_DIR)));
    assert.ok(existsSync(new URL('NOTICE', FIXTURES_DIR)));
    const f = loadFixture('openai/chat-basic');
    assert.equal(f.provider, 'openai');
    assert.equal(f.request.path, '/v1/chat/completions');
    assert.equal(loadFixture('openai/chat-basic.json'), f, 'cached');
  });
});

describe('default replies: OpenAI', () => {
  it('chat completion, echoing the model', async () => {
    const got = await call('/v1/chat/completions', {
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(got.status, 200);
    assert.match(got.contentType, /^application\/json/);
    assert.equal(got.headers.get('content-length'), String(got.bytes.length));
    const body = obj(JSON.parse(got.text));
    assert.equal(body['object'], 'chat.completion');
    assert.equal(body['model'], 'gpt-test');
    const choice = obj(arr(body['choices'])[0]);
    assert.equal(choice['finish_reason'], 'stop');
    const message = obj(choice['message']);
    assert.equal(message['role'], 'assistant');
    assert.equal(typeof message['content'], 'string');
    const usage = obj(body['usage']);
    assert.equal(usage['total_tokens'], Number(usage['prompt_tokens']) + Number(usage['completion_tokens']));
  });

  it('chat stream with a usage chunk when stream_options.include_usage is set', async () => {
    const got = await call('/v1/chat/completions', {
      model: 'gpt-s',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(got.status, 200);
    assert.match(got.contentType, /^text\/event-stream/);
    const events = parseSse(got.text);
    assert.equal(events.at(-1)?.data, '[DONE]');
    const chunks = events.slice(0, -1).map((e) => obj(JSON.parse(e.data)));
    for (const c of chunks) {
      assert.equal(c['object'], 'chat.completion.chunk');
      assert.equal(c['model'], 'gpt-s');
    }
    const usageChunk = chunks.at(-1)!;
    assert.deepEqual(usageChunk['choices'], []);
    assert.equal(obj(usageChunk['usage'])['completion_tokens'], 5);
    const deltas = chunks
      .slice(0, -1)
      .map((c) => obj(obj(arr(c['choices'])[0])['delta'])['content'])
      .filter((x) => typeof x === 'string' && x !== '');
    assert.equal(deltas.length, 5);
    assert.equal(obj(arr(chunks.at(-2)!['choices'])[0])['finish_reason'], 'stop');
  });

  it('chat stream without include_usage has no usage chunk', async () => {
    const got = await call('/v1/chat/completions', { model: 'm', messages: [], stream: true });
    const events = parseSse(got.text);
    assert.equal(events.at(-1)?.data, '[DONE]');
    for (const e of events.slice(0, -1)) {
      const c = obj(JSON.parse(e.data));
      assert.equal('usage' in c, false);
      assert.equal(arr(c['choices']).length, 1);
    }
  });

  it('answers under any base-path prefix', async () => {
    for (const prefix of ['/openai/v1', '/api/v1', '/inference/v1', '/v1']) {
      const got = await call(`${prefix}/chat/completions`, { model: 'p', messages: [] });
      assert.equal(got.status, 200, prefix);
      assert.equal(fake.lastRequest()?.route, 'openai.chat');
    }
    const emb = await call('/api/v1/embeddings', { model: 'e', input: 'x' });
    assert.equal(emb.status, 200);
    const resp = await call('/openai/v1/responses', { model: 'r', input: 'x' });
    assert.equal(obj(JSON.parse(resp.text))['object'], 'response');
  });

  it('Responses, non-streamed and streamed', async () => {
    const got = await call('/v1/responses', { model: 'gpt-r', input: 'hi' });
    const body = obj(JSON.parse(got.text));
    assert.equal(body['object'], 'response');
    assert.equal(body['status'], 'completed');
    assert.equal(body['model'], 'gpt-r');
    const item = obj(arr(body['output'])[0]);
    assert.equal(item['type'], 'message');
    assert.equal(obj(arr(item['content'])[0])['type'], 'output_text');

    const s = await call('/v1/responses', { model: 'gpt-r', input: 'hi', stream: true });
    assert.match(s.contentType, /^text\/event-stream/);
    const events = parseSse(s.text);
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'response.created');
    assert.equal(names.at(-1), 'response.completed');
    let seq = 0;
    let text = '';
    for (const e of events) {
      const d = obj(JSON.parse(e.data));
      assert.equal(d['type'], e.event);
      assert.equal(d['sequence_number'], seq++);
      if (e.event === 'response.output_text.delta') text += String(d['delta']);
      if (e.event === 'response.output_text.done') assert.equal(d['text'], text);
    }
    assert.equal(names.filter((n) => n === 'response.output_text.delta').length, 5);
    const done = obj(obj(JSON.parse(events.at(-1)!.data))['response']);
    assert.equal(done['model'], 'gpt-r');
    assert.equal(obj(done['usage'])['output_tokens'], 5);
  });

  it('embeddings: one vector per input, float or base64', async () => {
    const got = await call('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b', 'c'] });
    const body = obj(JSON.parse(got.text));
    assert.equal(body['object'], 'list');
    assert.equal(body['model'], 'text-embedding-3-small');
    const data = arr(body['data']);
    assert.equal(data.length, 3);
    assert.equal(arr(obj(data[2])['embedding']).length, 16);
    assert.equal(obj(data[2])['index'], 2);

    const b64 = await call('/v1/embeddings', { model: 'e', input: [1, 2, 3], encoding_format: 'base64' });
    const v = obj(arr(obj(JSON.parse(b64.text))['data'])[0])['embedding'];
    assert.equal(typeof v, 'string');
    assert.equal(Buffer.from(String(v), 'base64').length, 16 * 4);
  });

  it('GET /v1/models in OpenAI shape, or Anthropic shape with anthropic-version', async () => {
    const o = obj(JSON.parse((await call('/v1/models')).text));
    assert.equal(o['object'], 'list');
    assert.equal(obj(arr(o['data'])[0])['object'], 'model');
    const a = obj(
      JSON.parse(
        (await call('/v1/models', undefined, { headers: { 'anthropic-version': '2023-06-01' } })).text,
      ),
    );
    assert.equal(obj(arr(a['data'])[0])['type'], 'model');
    assert.equal(a['has_more'], false);
  });

  it('Azure deployments: chat, embeddings, responses; model from the deployment', async () => {
    const base = '/openai/deployments/my-dep';
    const chat = await call(`${base}/chat/completions?api-version=2024-10-21`, { messages: [] });
    assert.equal(chat.status, 200);
    const body = obj(JSON.parse(chat.text));
    assert.equal(body['model'], 'my-dep');
    assert.ok(Array.isArray(body['prompt_filter_results']));
    assert.equal(fake.lastRequest()?.query, 'api-version=2024-10-21');
    assert.equal(fake.lastRequest()?.path, `${base}/chat/completions`);

    const stream = await call(`${base}/chat/completions?api-version=2024-10-21`, {
      messages: [],
      stream: true,
    });
    const events = parseSse(stream.text);
    assert.deepEqual(
      obj(JSON.parse(events[0]!.data))['choices'],
      [],
      'Azure leads with a prompt_filter_results chunk',
    );
    assert.equal(events.at(-1)?.data, '[DONE]');

    const emb = await call(`${base}/embeddings?api-version=2024-10-21`, { input: 'x' });
    assert.equal(arr(obj(JSON.parse(emb.text))['data']).length, 1);
    const resp = await call(`${base}/responses?api-version=preview`, { input: 'x' });
    assert.equal(obj(JSON.parse(resp.text))['object'], 'response');
  });

  it('errors in the dialect for bad JSON, a missing model, an unknown path', async () => {
    const bad = await call('/v1/chat/completions', undefined, { rawBody: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(typeof obj(obj(JSON.parse(bad.text))['error'])['message'], 'string');
    const noModel = await call('/v1/chat/completions', { messages: [] });
    assert.equal(noModel.status, 400);
    const anth = await call('/v1/messages', { messages: [] });
    assert.equal(anth.status, 400);
    assert.equal(obj(JSON.parse(anth.text))['type'], 'error');
    const missing = await call('/nope', { model: 'x' });
    assert.equal(missing.status, 404);
    assert.equal(fake.lastRequest()?.route, undefined);
  });
});

describe('default replies: Anthropic', () => {
  it('message, echoing the model', async () => {
    const got = await call('/v1/messages', { model: 'claude-x', max_tokens: 10, messages: [] });
    assert.equal(got.status, 200);
    const body = obj(JSON.parse(got.text));
    assert.equal(body['type'], 'message');
    assert.equal(body['model'], 'claude-x');
    assert.equal(body['stop_reason'], 'end_turn');
    assert.equal(obj(arr(body['content'])[0])['type'], 'text');
    assert.equal(typeof obj(body['usage'])['input_tokens'], 'number');
  });

  it('stream: the full event sequence', async () => {
    const got = await call('/v1/messages?beta=true', { model: 'claude-s', messages: [], stream: true });
    assert.match(got.contentType, /^text\/event-stream/);
    const events = parseSse(got.text);
    const names = events.map((e) => e.event);
    assert.deepEqual(names, [
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) assert.equal(obj(JSON.parse(e.data))['type'], e.event);
    assert.equal(obj(obj(JSON.parse(events[0]!.data))['message'])['model'], 'claude-s');
    assert.equal(fake.lastRequest()?.query, 'beta=true');
  });

  it('count_tokens', async () => {
    const got = await call('/v1/messages/count_tokens', {
      model: 'c',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(typeof obj(JSON.parse(got.text))['input_tokens'], 'number');
  });
});

describe('default replies: Gemini', () => {
  for (const version of ['v1beta', 'v1']) {
    it(`generateContent (${version})`, async () => {
      const got = await call(`/${version}/models/gemini-x:generateContent`, { contents: [] });
      assert.equal(got.status, 200);
      const body = obj(JSON.parse(got.text));
      assert.equal(body['modelVersion'], 'gemini-x');
      const cand = obj(arr(body['candidates'])[0]);
      assert.equal(cand['finishReason'], 'STOP');
      assert.equal(typeof obj(arr(obj(cand['content'])['parts'])[0])['text'], 'string');
      assert.equal(typeof obj(body['usageMetadata'])['totalTokenCount'], 'number');
    });

    it(`streamGenerateContent?alt=sse (${version})`, async () => {
      const got = await call(`/${version}/models/gemini-x:streamGenerateContent?alt=sse`, { contents: [] });
      assert.match(got.contentType, /^text\/event-stream/);
      assert.ok(got.text.endsWith('\r\n\r\n'));
      const frames = got.text.split('\r\n\r\n').filter((f) => f !== '');
      assert.equal(frames.length, 5);
      const parsed = frames.map((f) => {
        assert.ok(f.startsWith('data: '));
        return obj(JSON.parse(f.slice(6)));
      });
      assert.equal(obj(arr(parsed.at(-1)!['candidates'])[0])['finishReason'], 'STOP');
      assert.equal(parsed[0]!['modelVersion'], 'gemini-x');
    });

    it(`streamGenerateContent without alt=sse: a JSON array (${version})`, async () => {
      const got = await call(`/${version}/models/gemini-x:streamGenerateContent`, { contents: [] });
      assert.match(got.contentType, /^application\/json/);
      const elements = arr(JSON.parse(got.text));
      assert.equal(elements.length, 5);
      assert.equal(obj(elements[4])['modelVersion'], 'gemini-x');
    });
  }

  it('the JSON array arrives element by element', async () => {
    fake.enqueue(drip(60));
    const r = await rawPost('/v1beta/models/g:streamGenerateContent', { contents: [] });
    assert.equal(r.end, 'end');
    assert.ok(r.chunks.length >= 5, `got ${r.chunks.length} chunks`);
    assert.ok(r.chunks[0]!.bytes.toString().startsWith('[{'));
    assert.ok(r.chunks.at(-1)!.at - r.chunks[0]!.at >= 200);
    assert.equal(arr(JSON.parse(joined(r.chunks))).length, 5);
  });

  it('countTokens, embedContent, batchEmbedContents', async () => {
    const count = obj(JSON.parse((await call('/v1beta/models/g:countTokens', { contents: [] })).text));
    assert.equal(typeof count['totalTokens'], 'number');
    const one = obj(
      JSON.parse((await call('/v1beta/models/e:embedContent', { content: { parts: [] } })).text),
    );
    assert.equal(arr(obj(one['embedding'])['values']).length, 16);
    const batch = obj(
      JSON.parse((await call('/v1beta/models/e:batchEmbedContents', { requests: [{}, {}] })).text),
    );
    assert.equal(arr(batch['embeddings']).length, 2);
  });
});

describe('default reply sizes', () => {
  it('stream length and JSON size are configurable', async () => {
    const big = await startFakeProvider({ streamChunks: 40, replyBytes: 1024 });
    try {
      const s = await fetch(`${big.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [], stream: true }),
      });
      const events = parseSse(await s.text());
      assert.equal(events.length, 40 + 3);
      const j = await fetch(`${big.url}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [] }),
      });
      const size = (await j.arrayBuffer()).byteLength;
      assert.ok(Math.abs(size - 1024) <= 16, `size ${size}`);
    } finally {
      await big.close();
    }
  });

  it('defaultReply({chunks}) overrides per reply', async () => {
    fake.enqueue(defaultReply({ chunks: 2 }));
    const got = await call('/v1/messages', { model: 'm', messages: [], stream: true });
    assert.equal(parseSse(got.text).filter((e) => e.event === 'content_block_delta').length, 2);
  });
});

describe('fixture replay', () => {
  it('every fixture comes back with its recorded status, content-type and exact bytes', async () => {
    for (const name of listFixtures()) {
      const file: unknown = JSON.parse(readFileSync(new URL(name, FIXTURES_DIR), 'utf8'));
      const { request, response } = obj(file) as {
        request: { path: string; body: unknown };
        response: {
          status: number;
          headers: Record<string, string>;
          body?: unknown;
          sse?: string;
          raw?: string;
        };
      };
      const expected = response.sse ?? response.raw ?? JSON.stringify(response.body);
      fake.enqueue(fixture(name));
      const got = await call(request.path, request.body);
      assert.equal(got.status, response.status, name);
      assert.equal(got.contentType, response.headers['content-type'] ?? 'application/json', name);
      assert.ok(got.bytes.equals(Buffer.from(expected, 'utf8')), `${name}: bytes differ`);
      assert.ok(got.bytes.equals(fixtureBytes(name)), name);
    }
  });

  it('streamed fixtures are written frame by frame', async () => {
    fake.enqueue(fixture('anthropic/messages-stream-tool-use.json', { frameDelayMs: 20 }));
    const r = await rawPost('/v1/messages', { model: 'x', stream: true });
    assert.ok(r.chunks.length > 3);
    assert.equal(joined(r.chunks), fixtureBytes('anthropic/messages-stream-tool-use.json').toString());
  });
});

describe('scripted replies', () => {
  it('json errors with headers: 429 retry-after, 5xx, 529', async () => {
    fake.enqueue(json(429, { error: { message: 'slow down' } }, { 'retry-after': '7' }));
    fake.enqueue(openaiError(500, 'boom'));
    fake.enqueue(anthropicError(529, 'Overloaded'));
    fake.enqueue(geminiError(503, 'The model is overloaded.'));
    const a = await call('/v1/chat/completions', { model: 'm' });
    assert.equal(a.status, 429);
    assert.equal(a.headers.get('retry-after'), '7');
    assert.deepEqual(JSON.parse(a.text), { error: { message: 'slow down' } });
    const b = await call('/v1/chat/completions', { model: 'm' });
    assert.equal(b.status, 500);
    assert.equal(obj(obj(JSON.parse(b.text))['error'])['type'], 'server_error');
    const c = await call('/v1/messages', { model: 'm' });
    assert.equal(c.status, 529);
    assert.equal(obj(obj(JSON.parse(c.text))['error'])['type'], 'overloaded_error');
    const d = await call('/v1beta/models/g:generateContent', {});
    assert.equal(d.status, 503);
    assert.equal(obj(obj(JSON.parse(d.text))['error'])['status'], 'UNAVAILABLE');
  });

  it('raw bodies with any content type (HTML error page)', async () => {
    fake.enqueue(html(502, '<html><body>Bad Gateway</body></html>'));
    fake.enqueue(raw(200, Buffer.from([0xff, 0x00, 0x7b]), 'application/octet-stream'));
    const a = await call('/v1/messages', { model: 'm' });
    assert.equal(a.status, 502);
    assert.match(a.contentType, /^text\/html/);
    assert.equal(a.text, '<html><body>Bad Gateway</body></html>');
    const b = await call('/v1/messages', { model: 'm' });
    assert.deepEqual([...b.bytes], [0xff, 0x00, 0x7b]);
  });

  it('sse frames with a delay between them (slow drip)', async () => {
    fake.enqueue(sse(['data: {"a":1}\n\n', 'data: {"a":2}\n\n', 'data: [DONE]\n\n'], { frameDelayMs: 80 }));
    const r = await rawPost('/v1/chat/completions', { model: 'm', stream: true });
    assert.equal(r.end, 'end');
    assert.equal(joined(r.chunks), 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n');
    assert.equal(r.chunks.length, 3);
    assert.ok(r.chunks[2]!.at - r.chunks[0]!.at >= 150);
  });

  it('slow first byte: headers only after the delay', async () => {
    fake.enqueue(slowFirstByte(200));
    const r = await rawPost('/v1/chat/completions', { model: 'm', messages: [] });
    assert.equal(r.status, 200);
    assert.ok(r.headersAt! - r.start >= 190, `headers after ${r.headersAt! - r.start} ms`);
  });

  it('stall: headers, then nothing until the client goes away (counted as an abort)', async () => {
    fake.enqueue(stall());
    const r = await rawPost(
      '/v1/chat/completions',
      { model: 'm', messages: [], stream: true },
      { abortAfterMs: 300 },
    );
    assert.equal(r.status, 200);
    assert.equal(r.chunks.length, 0);
    assert.equal(r.end, 'client-aborted');
    await fake.waitForAborts(1);
    assert.equal(fake.abortedStreams, 1);
  });

  it('stall mid-stream for a while, then the rest', async () => {
    fake.enqueue(stall({ ms: 200, afterFrames: 2 }));
    const r = await rawPost('/v1/messages', { model: 'm', stream: true });
    assert.equal(r.end, 'end');
    const events = parseSse(joined(r.chunks));
    assert.equal(events.at(-1)?.event, 'message_stop');
    const gaps = r.chunks.slice(1).map((c, i) => c.at - r.chunks[i]!.at);
    assert.ok(Math.max(...gaps) >= 180, `gaps ${gaps.join(',')}`);
  });

  it('mid-stream failure: socket destroyed after K frames', async () => {
    fake.enqueue(failAfterFrames(3));
    const r = await rawPost('/v1/messages', { model: 'm', stream: true });
    assert.notEqual(r.end, 'end');
    const text = joined(r.chunks);
    assert.equal(parseSse(text).length, 3);
    assert.ok(!text.includes('message_stop'));
    assert.equal(fake.abortedStreams, 0, 'our own failure is not a client abort');

    fake.enqueue(failAfterFrames(2));
    await assert.rejects(async () => {
      const res = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', stream: true }),
      });
      await res.text();
    });
  });

  it('failure after N bytes cuts a JSON body', async () => {
    fake.enqueue(failAfterBytes(10));
    const r = await rawPost('/v1/chat/completions', { model: 'm' });
    assert.notEqual(r.end, 'end');
    assert.equal(joined(r.chunks).length, 10);
  });

  it('truncated stream: ends cleanly with no terminal event', async () => {
    fake.enqueue(truncateAfterFrames(4));
    const got = await call('/v1/chat/completions', { model: 'm', stream: true });
    assert.equal(got.status, 200);
    const events = parseSse(got.text);
    assert.equal(events.length, 4);
    assert.ok(!got.text.includes('[DONE]'));

    fake.enqueue(truncateAfterBytes(25));
    const cut = await call('/v1/messages', { model: 'm', stream: true });
    assert.equal(cut.bytes.length, 25);
    assert.ok(!cut.text.endsWith('\n\n'), 'ends mid-event');
  });

  it('connection reset before any response', async () => {
    fake.enqueue(reset());
    const r = await rawPost('/v1/chat/completions', { model: 'm' });
    assert.equal(r.status, undefined);
    assert.equal(r.end, 'error:ECONNRESET');
    assert.equal(fake.requests.length, 1, 'the request was still recorded');
    fake.enqueue(reset());
    await assert.rejects(fetch(`${fake.url}/v1/messages`, { method: 'POST', body: '{}' }));
  });

  it('queue: FIFO, matchers, pendingReplies, setDefault, dynamic', async () => {
    fake.enqueue(json(203, { gem: true }), ':generateContent');
    fake.enqueue(json(204, null), (req) => req.headers['x-pick'] === 'me');
    fake.enqueue(json(201, { n: 1 }));
    fake.enqueue(json(202, { n: 2 }));
    assert.equal(fake.pendingReplies(), 4);
    // Entries whose matcher does not fit are skipped; the others are taken in order.
    assert.equal((await call('/v1/messages', {})).status, 201);
    assert.equal((await call('/v1beta/models/g:generateContent', {})).status, 203);
    assert.equal((await call('/v1/messages', {}, { headers: { 'X-Pick': 'me' } })).status, 204);
    assert.equal((await call('/v1/messages', {})).status, 202);
    assert.equal(fake.pendingReplies(), 0);
    assert.equal((await call('/v1/messages', { model: 'm' })).status, 200, 'back to the dialect default');

    fake.setDefault(anthropicError(529, 'Overloaded'));
    assert.equal((await call('/v1/messages', { model: 'm' })).status, 529);
    assert.equal((await call('/v1/messages', { model: 'm' })).status, 529);
    fake.setDefault(undefined);
    assert.equal((await call('/v1/messages', { model: 'm' })).status, 200);

    fake.enqueue(dynamic((req) => json(200, { echoed: req.json })));
    assert.deepEqual(JSON.parse((await call('/v1/messages', { a: [1] })).text), { echoed: { a: [1] } });
  });
});

describe('recording', () => {
  it('captures method, path, query, lowercased headers, exact raw bytes and parsed JSON', async () => {
    const body = '{ "model" : "m",\n  "messages": [] , "x": 1.50 }';
    await call('/v1/chat/completions?foo=bar&x=1', undefined, {
      rawBody: body,
      headers: { 'X-Custom-Thing': 'Value', Authorization: 'Bearer sk-test', 'anthropic-beta': 'a,b' },
    });
    const r = fake.lastRequest()!;
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.query, 'foo=bar&x=1');
    assert.equal(r.url, '/v1/chat/completions?foo=bar&x=1');
    assert.equal(r.headers['x-custom-thing'], 'Value');
    assert.equal(r.headers['authorization'], 'Bearer sk-test');
    assert.equal(r.headers['anthropic-beta'], 'a,b');
    assert.ok(r.rawBody.equals(Buffer.from(body)));
    assert.deepEqual(r.json, { model: 'm', messages: [], x: 1.5 });
    assert.ok(Math.abs(r.receivedAt - Date.now()) < 5000);

    await call('/v1/messages', undefined, { rawBody: 'not json at all' });
    assert.equal(fake.lastRequest()!.json, undefined);
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requestCount, 2);
    fake.clear();
    assert.equal(fake.requests.length, 0);
    assert.equal(fake.lastRequest(), undefined);
  });

  it('waitForRequests resolves when requests arrive', async () => {
    const waiting = fake.waitForRequests(2, 2000);
    await call('/v1/messages', { model: 'm' });
    await call('/v1/messages', { model: 'm' });
    await waiting;
    await assert.rejects(fake.waitForRequests(3, 50), /timed out/);
  });
});

describe('abort detection', () => {
  it('a client that leaves mid-stream is counted; a completed stream is not', async () => {
    await call('/v1/chat/completions', { model: 'm', stream: true });
    assert.equal(fake.abortedStreams, 0);

    fake.enqueue(defaultReply({ chunks: 20, frameDelayMs: 50 }));
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    controller.abort();
    await fake.waitForAborts(1, 2000);
    assert.equal(fake.abortedStreams, 1);
    const deadline = Date.now() + 1000;
    while (fake.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.inFlight, 0);
  });

  it('a client that leaves during a slow first byte is counted', async () => {
    fake.enqueue(slowFirstByte(5000));
    const r = await rawPost('/v1/messages', { model: 'm' }, { abortAfterMs: 100 });
    assert.equal(r.end, 'client-aborted');
    await fake.waitForAborts(1, 2000);
  });

  it('close() ends stalled responses quickly', async () => {
    const other = await startFakeProvider();
    other.enqueue(stall());
    const pending = fetch(`${other.url}/v1/messages`, {
      method: 'POST',
      body: '{"model":"m","stream":true}',
    }).then((res) => res.text());
    await other.waitForRequests(1);
    const t0 = Date.now();
    await other.close();
    assert.ok(Date.now() - t0 < 1000);
    await assert.rejects(pending);
    assert.equal(other.abortedStreams, 0, 'closing the fake is not a client abort');
  });
});
