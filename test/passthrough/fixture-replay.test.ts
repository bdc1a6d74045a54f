// Every recorded exchange in test/data/fixtures replayed through the gateway: the client gets
// the provider's bytes exactly, the provider gets the client's body exactly (but `model`), and
// the request record carries the usage the response reported.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Usage } from '../../src/core/usage.ts';
import {
  type Fixture,
  fixture,
  fixtureBytes,
  fixtureContentType,
  listFixtures,
  loadFixture,
  sse,
} from '../fake-provider/index.ts';
import { type DataPlaneRig, SECRET_KEYS, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import {
  assertGatewayHeaders,
  isRecord,
  lastUpstream,
  obj,
  type ParsedEvent,
  parseSse,
  post,
  prng,
  recordFor,
} from './helpers.ts';

const ENDPOINT = { openai: 'oa', anthropic: 'an', gemini: 'gm' } as const;
const INJECTED_USAGE = '"stream_options":{"include_usage":true},';

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function parsed(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

// ---- expected usage, read from the fixture's response with the semantics of src/core/usage.ts

function openaiChatUsage(u: unknown): Usage {
  const cached = num(at(u, 'prompt_tokens_details', 'cached_tokens'));
  return {
    inputTokens: Math.max(0, num(at(u, 'prompt_tokens')) - cached),
    outputTokens: num(at(u, 'completion_tokens')),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: num(at(u, 'completion_tokens_details', 'reasoning_tokens')),
  };
}

function openaiResponsesUsage(u: unknown): Usage {
  const cached = num(at(u, 'input_tokens_details', 'cached_tokens'));
  return {
    inputTokens: Math.max(0, num(at(u, 'input_tokens')) - cached),
    outputTokens: num(at(u, 'output_tokens')),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: num(at(u, 'output_tokens_details', 'reasoning_tokens')),
  };
}

function anthropicUsage(u: unknown): Usage {
  return {
    inputTokens: num(at(u, 'input_tokens')),
    outputTokens: num(at(u, 'output_tokens')),
    cacheReadTokens: num(at(u, 'cache_read_input_tokens')),
    cacheWriteTokens: num(at(u, 'cache_creation_input_tokens')),
    // Newer responses also count thinking inside output_tokens_details.
    reasoningTokens: num(at(u, 'output_tokens_details', 'thinking_tokens')),
  };
}

function geminiUsage(u: unknown): Usage {
  const cached = num(at(u, 'cachedContentTokenCount'));
  const thoughts = num(at(u, 'thoughtsTokenCount'));
  return {
    inputTokens: Math.max(0, num(at(u, 'promptTokenCount')) - cached),
    outputTokens: num(at(u, 'candidatesTokenCount')) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** Anthropic streams: message_start has the input side, each message_delta the running totals. */
function anthropicStreamUsage(events: readonly ParsedEvent[]): Usage | null {
  let usage: Usage | null = null;
  for (const event of events) {
    const data = parsed(event.data);
    if (event.event === 'message_start') {
      const u = at(data, 'message', 'usage');
      if (isRecord(u)) usage = anthropicUsage(u);
    } else if (event.event === 'message_delta') {
      const u = at(data, 'usage');
      if (!isRecord(u)) continue;
      const previous: Usage = usage ?? anthropicUsage({});
      const present = (key: string) => u[key] !== undefined && u[key] !== null;
      usage = {
        inputTokens: present('input_tokens') ? num(u['input_tokens']) : previous.inputTokens,
        outputTokens: num(u['output_tokens']),
        cacheReadTokens: present('cache_read_input_tokens')
          ? num(u['cache_read_input_tokens'])
          : previous.cacheReadTokens,
        cacheWriteTokens: present('cache_creation_input_tokens')
          ? num(u['cache_creation_input_tokens'])
          : previous.cacheWriteTokens,
        reasoningTokens: num(at(u, 'output_tokens_details', 'thinking_tokens')),
      };
    }
  }
  return usage;
}

function expectedUsage(f: Fixture): Usage | null {
  if (f.response.status >= 300) return null;
  const body = f.response.body;
  const events = f.response.sse === undefined ? null : parseSse(f.response.sse);
  if (f.provider === 'openai') {
    if (events === null) {
      const u = at(body, 'usage');
      if (!isRecord(u)) return null;
      return f.api === 'responses' ? openaiResponsesUsage(u) : openaiChatUsage(u);
    }
    if (f.api === 'responses') {
      let usage: Usage | null = null;
      for (const e of events) {
        if (
          e.event === 'response.completed' ||
          e.event === 'response.incomplete' ||
          e.event === 'response.failed'
        ) {
          const u = at(parsed(e.data), 'response', 'usage');
          if (isRecord(u)) usage = openaiResponsesUsage(u);
        }
      }
      return usage;
    }
    let usage: Usage | null = null;
    for (const e of events) {
      const u = at(parsed(e.data), 'usage');
      if (isRecord(u)) usage = openaiChatUsage(u);
    }
    return usage;
  }
  if (f.provider === 'anthropic') {
    if (f.request.path.includes('count_tokens')) return null;
    if (events !== null) return anthropicStreamUsage(events);
    const u = at(body, 'usage');
    return isRecord(u) ? anthropicUsage(u) : null;
  }
  // Gemini: the last piece (SSE event or JSON-array element) that carries usageMetadata.
  const pieces: unknown[] =
    events !== null ? events.map((e) => parsed(e.data)) : Array.isArray(body) ? body : [body];
  let usage: Usage | null = null;
  for (const piece of pieces) {
    const u = at(piece, 'usageMetadata');
    if (isRecord(u)) usage = geminiUsage(u);
  }
  return usage;
}

// ---- the client request for a fixture, and what the provider must receive

interface Exchange {
  path: string;
  headers: Record<string, string>;
  clientBody: string;
  upstreamBody: string;
  /** The upstream request line's target. */
  upstreamUrl: string;
  /** What the gateway added to the body, if anything. */
  injected: string | null;
  stream: boolean;
}

const INDENTS: readonly (number | string | undefined)[] = [undefined, 2, '\t'];

function exchangeFor(f: Fixture, variant: number, trailing = ''): Exchange {
  const body = obj(f.request.body, `${f.name} request body`);
  const indent = INDENTS[variant % INDENTS.length];
  const stream = body['stream'] === true || f.api === 'streamGenerateContent';
  if (f.provider === 'gemini') {
    const match = /^\/v1beta\/models\/[^/:]+:(generateContent|streamGenerateContent)(\?.*)?$/.exec(
      f.request.path,
    );
    assert.ok(match, `unexpected Gemini path ${f.request.path}`);
    const text = JSON.stringify(body, null, indent) + trailing;
    return {
      path: `/v1beta/models/${ENDPOINT.gemini}:${match[1]}${match[2] ?? ''}`,
      headers: f.request.headers,
      clientBody: text,
      upstreamBody: text,
      upstreamUrl: `/v1beta/models/${UPSTREAM_MODELS.gemini}:${match[1]}${match[2] ?? ''}`,
      injected: null,
      stream,
    };
  }
  assert.equal(typeof body['model'], 'string', `${f.name}: request has a model`);
  const clientBody = JSON.stringify({ ...body, model: ENDPOINT[f.provider] }, null, indent) + trailing;
  let upstreamBody = JSON.stringify({ ...body, model: UPSTREAM_MODELS[f.provider] }, null, indent) + trailing;
  let injected: string | null = null;
  if (f.api === 'chat' && stream && at(body, 'stream_options', 'include_usage') !== true) {
    assert.equal(body['stream_options'], undefined, `${f.name}: stream_options without include_usage`);
    injected = INJECTED_USAGE;
    upstreamBody = `{${INJECTED_USAGE}${upstreamBody.slice(1)}`;
  }
  return {
    path: f.request.path,
    headers: f.request.headers,
    clientBody,
    upstreamBody,
    // Anthropic's beta client marks calls with ?beta=true; the provider gets it as recorded.
    upstreamUrl: f.provider === 'anthropic' ? f.request.path : f.request.path.split('?')[0]!,
    injected,
    stream,
  };
}

const OPERATION: Record<string, string> = {
  chat: 'chat',
  responses: 'responses',
  embeddings: 'embeddings',
  generateContent: 'generate',
  streamGenerateContent: 'stream_generate',
};

function operationOf(f: Fixture): string {
  if (f.provider === 'anthropic')
    return f.request.path.includes('count_tokens') ? 'count_tokens' : 'messages';
  return OPERATION[f.api]!;
}

function isStreamed(f: Fixture): boolean {
  return f.response.status === 200 && (f.response.sse !== undefined || f.response.raw !== undefined);
}

const NAMES = listFixtures();

describe('fixture replay through the gateway, byte for byte', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
  });
  after(async () => {
    await rig.close();
  });

  it('covers every recorded exchange', () => {
    assert.equal(NAMES.length, 98);
    for (const name of NAMES) {
      const f = loadFixture(name);
      assert.ok(OPERATION[f.api] !== undefined || f.api === 'messages', `${name}: api ${f.api} is replayed`);
    }
  });

  for (const [i, name] of NAMES.entries()) {
    it(name, async () => {
      const f = loadFixture(name);
      const ex = exchangeFor(f, i);
      rig.fake.clear();
      rig.fake.enqueue(fixture(name));
      const reply = await post(rig.gw.url, ex.path, ex.clientBody, ex.headers);

      // (a) exactly the provider's status, content type and bytes
      assert.equal(reply.status, f.response.status, reply.text.slice(0, 300));
      assert.equal(reply.headers.get('content-type'), fixtureContentType(name));
      assert.ok(
        reply.bytes.equals(fixtureBytes(name)),
        `client bytes differ from the fixture:\n got  ${JSON.stringify(reply.text.slice(0, 400))}\n want ${JSON.stringify(fixtureBytes(name).toString('utf8').slice(0, 400))}`,
      );
      assertGatewayHeaders(reply.headers, { endpoint: ENDPOINT[f.provider], attempts: '1' });

      // (b) the provider got the client's body, `model` aside (and the usage flag, for chat streams)
      assert.equal(rig.fake.requestCount, 1);
      const upstream = lastUpstream(rig);
      assert.equal(upstream.method, 'POST');
      assert.equal(upstream.url, ex.upstreamUrl);
      assert.equal(upstream.rawBody.toString('utf8'), ex.upstreamBody);
      if (ex.injected !== null) {
        // Precisely one member was added, first, and nothing else changed.
        const withoutInjection = `{${upstream.rawBody.toString('utf8').slice(1 + INJECTED_USAGE.length)}`;
        assert.equal(withoutInjection, exchangeFor(f, i).upstreamBody.replace(INJECTED_USAGE, ''));
        assert.deepEqual(at(upstream.json, 'stream_options'), { include_usage: true });
      }
      assert.equal(upstream.headers['content-type'], 'application/json');
      if (f.provider === 'anthropic') {
        assert.equal(
          upstream.headers['anthropic-version'],
          f.request.headers['anthropic-version'] ?? '2023-06-01',
        );
        assert.equal(upstream.headers['x-api-key'], SECRET_KEYS.anthropic);
      } else if (f.provider === 'openai') {
        assert.equal(upstream.headers['authorization'], `Bearer ${SECRET_KEYS.openai}`);
      } else {
        assert.equal(upstream.headers['x-goog-api-key'], SECRET_KEYS.gemini);
      }

      // (c) the record: status, operation and the usage the response reported
      const record = await recordFor(rig, reply.headers.get('x-request-id'));
      assert.equal(record.status, f.response.status);
      assert.equal(record.operation, operationOf(f));
      assert.equal(record.endpoint, ENDPOINT[f.provider]);
      assert.equal(record.provider, f.provider);
      assert.equal(record.stream, ex.stream);
      assert.equal(record.attempts.length, 1);
      assert.equal(record.attempts[0]!.status, f.response.status);
      assert.deepEqual(record.usage, expectedUsage(f));
      if (f.response.status < 300) assert.equal(record.error, undefined);
    });
  }

  it('usage the gateway asked for itself is taken back out of the client stream but recorded', async () => {
    const name = 'openai/chat-stream-usage.json';
    const f = loadFixture(name);
    const { stream_options: _dropped, ...body } = obj(f.request.body);
    const clientBody = JSON.stringify({ ...body, model: 'oa' });
    rig.fake.clear();
    rig.fake.enqueue(fixture(name));
    const reply = await post(rig.gw.url, '/v1/chat/completions', clientBody);
    assert.equal(reply.status, 200);
    assert.equal(
      lastUpstream(rig).rawBody.toString('utf8'),
      `{${INJECTED_USAGE}${JSON.stringify({ ...body, model: UPSTREAM_MODELS.openai }).slice(1)}`,
    );
    const frames = fixtureBytes(name)
      .toString('utf8')
      .split(/(?<=\n\n)/);
    const usageFrames = frames.filter((frame) => {
      const data = parsed(frame.replace(/^data: /, '').trim());
      return Array.isArray(at(data, 'choices')) && (at(data, 'choices') as unknown[]).length === 0;
    });
    assert.equal(usageFrames.length, 1, 'the fixture has one usage chunk');
    // Without include_usage the provider would send neither the usage chunk nor a
    // `"usage":null` member in every other chunk: the client gets exactly that stream.
    const expected = frames
      .filter((frame) => !usageFrames.includes(frame))
      .map((frame) => frame.replace(',"usage":null', ''))
      .join('');
    assert.ok(frames.filter((frame) => frame.includes(',"usage":null')).length >= 2);
    assert.equal(reply.text, expected);
    assert.ok(!reply.text.includes('"usage"'));
    const record = await recordFor(rig, reply.headers.get('x-request-id'));
    assert.deepEqual(record.usage, expectedUsage(f));
    assert.ok(record.usage && record.usage.outputTokens > 0);
  });
});

describe('streamed fixtures dripped in random small pieces', { concurrency: true }, () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
  });
  after(async () => {
    await rig.close();
  });

  const streamed = NAMES.filter((name) => isStreamed(loadFixture(name)));
  it('there are streamed fixtures to drip', () => {
    assert.ok(streamed.length >= 40, `${streamed.length} streamed fixtures`);
  });

  for (const [i, name] of streamed.entries()) {
    it(`dripped: ${name}`, async () => {
      const f = loadFixture(name);
      const seed = 0x5eed + i;
      const random = prng(seed);
      const text = fixtureBytes(name).toString('utf8');
      // Mostly tiny pieces, capped at about 300 writes so large fixtures stay quick.
      const maxPiece = Math.max(8, Math.ceil(text.length / 150));
      const pieces: string[] = [];
      for (let p = 0; p < text.length; ) {
        const size = random() < 0.5 ? 1 + Math.floor(random() * 4) : 1 + Math.floor(random() * maxPiece);
        pieces.push(text.slice(p, p + size));
        p += size;
      }
      // Unique trailing whitespace tells the concurrent requests apart at the fake.
      const ex = exchangeFor(f, i, ' '.repeat(i + 1));
      const expected = Buffer.from(ex.upstreamBody);
      rig.fake.enqueue(
        sse(pieces, { status: f.response.status, contentType: fixtureContentType(name), frameDelayMs: 1 }),
        (req) => req.rawBody.equals(expected),
      );
      const reply = await post(rig.gw.url, ex.path, ex.clientBody, ex.headers);
      assert.equal(reply.status, 200, reply.text.slice(0, 300));
      assert.equal(reply.headers.get('content-type'), fixtureContentType(name));
      assert.ok(
        reply.bytes.equals(fixtureBytes(name)),
        `seed ${seed}: client bytes differ:\n got  ${JSON.stringify(reply.text.slice(-300))}\n want ${JSON.stringify(text.slice(-300))}`,
      );
      const record = await recordFor(rig, reply.headers.get('x-request-id'));
      assert.deepEqual(record.usage, expectedUsage(f));
      assert.equal(record.error, undefined);
    });
  }
});
