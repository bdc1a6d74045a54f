// Upstream faults (dead port, timeouts, HTML pages, broken and stalled streams), the headers
// that reach the provider, stream keepalives, !PASSTHRU keys and the gateway's own headers.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  anthropicError,
  anthropicErrorBody,
  fixture,
  fixtureBytes,
  fixtureContentType,
  fixtureFrames,
  geminiError,
  geminiErrorBody,
  html,
  loadFixture,
  openaiError,
  openaiErrorBody,
  type ReplyOptions,
  raw,
  reset,
  slowFirstByte,
  sse,
} from '../fake-provider/index.ts';
import { type DataPlaneRig, SECRET_KEYS, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import {
  ANTHROPIC_PING,
  assertDialectError,
  assertErrorBody,
  assertGatewayHeaders,
  closedPort,
  createEndpoint,
  DIALECTS,
  type Dialect,
  dialectBody,
  dialectPath,
  ENDPOINT_BY_DIALECT,
  ERROR_TYPES,
  lastUpstream,
  matchFramesWithKeepalives,
  OPENAI_KEEPALIVE,
  obj,
  parseSse,
  post,
  rawPost,
  recordFor,
} from './helpers.ts';

const PROVIDER_OF: Record<Dialect, 'openai' | 'anthropic' | 'gemini'> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
};

/** Streams used for mid-stream faults, one per stream dialect (Responses has its own error event). */
interface StreamCase {
  label: string;
  dialect: Dialect;
  responses: boolean;
  fixture: string;
  path: (endpoint: string) => string;
  /** The endpoint of this dialect with the given suffix ('' for the rig's own). */
  endpoint: (suffix: string) => string;
}

const STREAM_CASES: readonly StreamCase[] = [
  {
    label: 'OpenAI chat',
    dialect: 'openai',
    responses: false,
    fixture: 'openai/chat-stream-tool-call.json',
    path: () => '/v1/chat/completions',
    endpoint: (s) => `oa${s}`,
  },
  {
    label: 'OpenAI Responses',
    dialect: 'openai',
    responses: true,
    fixture: 'openai/responses-stream-text.json',
    path: () => '/v1/responses',
    endpoint: (s) => `oa${s}`,
  },
  {
    label: 'Anthropic',
    dialect: 'anthropic',
    responses: false,
    fixture: 'anthropic/messages-stream-tool-use.json',
    path: () => '/v1/messages',
    endpoint: (s) => `an${s}`,
  },
  {
    label: 'Gemini SSE',
    dialect: 'gemini',
    responses: false,
    fixture: 'gemini/stream-sse-text.json',
    path: (ep) => `/v1beta/models/${ep}:streamGenerateContent?alt=sse`,
    endpoint: (s) => `gm${s}`,
  },
];

const GEMINI_ARRAY = 'gemini/stream-json-array-text.json';

/** Where the gateway sends a client path on the rig's endpoints. */
function upstreamPathOf(path: string): string {
  return path.replace('/models/gm:', `/models/${UPSTREAM_MODELS.gemini}:`);
}

function clientBody(name: string, endpoint: string): string {
  const f = loadFixture(name);
  const body = obj(f.request.body);
  return JSON.stringify(f.provider === 'gemini' ? body : { ...body, model: endpoint });
}

function framesOf(name: string): string[] {
  return fixtureFrames(name).map((frame) => frame.toString('utf8'));
}

/** The single error event after the upstream frames, in the dialect's stream form. */
function assertStreamErrorFrame(
  c: StreamCase,
  rest: string,
  requestId: string,
  kind: 'timeout' | 'unreachable',
  message: RegExp,
): void {
  const events = parseSse(rest);
  assert.equal(events.length, 1, `one error frame after the upstream frames, got ${JSON.stringify(rest)}`);
  const event = events[0]!;
  assert.ok(rest.endsWith('\n\n'));
  const data: unknown = JSON.parse(event.data);
  const status = kind === 'timeout' ? 504 : 502;
  if (c.dialect === 'anthropic') {
    assert.equal(rest, `event: error\ndata: ${event.data}\n\n`);
    assertErrorBody('anthropic', data, status, { type: ERROR_TYPES[kind].anthropic, message }, requestId);
  } else if (c.responses) {
    assert.equal(rest, `event: error\ndata: ${event.data}\n\n`);
    const body = obj(data);
    assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body['type'], 'error');
    assert.equal(body['code'], ERROR_TYPES[kind].openai);
    assert.match(String(body['message']), message);
  } else {
    assert.equal(rest, `data: ${event.data}\n\n`);
    assertErrorBody(c.dialect, data, status, {
      type: ERROR_TYPES[kind][c.dialect],
      message,
      ...(c.dialect === 'openai'
        ? { code: kind === 'timeout' ? 'upstream_timeout' : 'upstream_unreachable' }
        : {}),
    });
  }
}

describe('faults and protocol details', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
    const dead = await closedPort();
    const deadBase = `http://127.0.0.1:${dead}`;
    const fast = { first_byte_ms: 300, idle_ms: 300 };
    for (const dialect of DIALECTS) {
      const provider = PROVIDER_OF[dialect];
      const short = ENDPOINT_BY_DIALECT[dialect];
      const suffix = dialect === 'openai' ? '/v1' : '';
      await createEndpoint(rig, {
        name: `${short}-dead`,
        provider,
        modelName: UPSTREAM_MODELS[provider],
        apiBase: deadBase + suffix,
      });
      await createEndpoint(rig, {
        name: `${short}-fast`,
        provider,
        modelName: '',
        model: `${provider}-model`,
        timeouts: fast,
      });
      await createEndpoint(rig, {
        name: `${short}-pt`,
        provider,
        modelName: UPSTREAM_MODELS[provider],
        apiKey: '!PASSTHRU',
        apiBase: rig.fake.url + suffix,
      });
    }
  });
  after(async () => {
    await rig.close();
  });

  describe('upstream failures before the first byte', () => {
    for (const dialect of DIALECTS) {
      it(`${dialect}: a dead upstream port answers 502`, async () => {
        const ep = `${ENDPOINT_BY_DIALECT[dialect]}-dead`;
        const reply = await post(
          rig.gw.url,
          dialectPath(dialect, ep),
          JSON.stringify(dialectBody(dialect, ep)),
        );
        assertDialectError(dialect, reply, 502, {
          type: ERROR_TYPES.unreachable[dialect],
          message: /could not reach/,
        });
        assertGatewayHeaders(reply.headers, { endpoint: ep, attempts: '1' });
        assert.ok(!/127\.0\.0\.1|ECONNREFUSED/.test(reply.text), `internal detail leaked: ${reply.text}`);
        const record = await recordFor(rig, reply.headers.get('x-request-id'));
        assert.equal(record.status, 502);
        assert.equal(record.attempts[0]!.status, null);
        assert.match(record.attempts[0]!.error ?? '', /could not reach/);
      });

      it(`${dialect}: a connection reset before any byte answers 502`, async () => {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        rig.fake.enqueue(reset());
        const reply = await post(
          rig.gw.url,
          dialectPath(dialect, ep),
          JSON.stringify(dialectBody(dialect, ep)),
        );
        assertDialectError(dialect, reply, 502, { type: ERROR_TYPES.unreachable[dialect] });
      });

      it(`${dialect}: a first byte slower than timeouts.first_byte_ms answers 504`, async () => {
        const ep = `${ENDPOINT_BY_DIALECT[dialect]}-fast`;
        rig.fake.clear();
        rig.fake.enqueue(slowFirstByte(3000));
        const started = performance.now();
        const reply = await post(
          rig.gw.url,
          dialectPath(dialect, ep),
          JSON.stringify(dialectBody(dialect, ep)),
        );
        const elapsed = performance.now() - started;
        assertDialectError(dialect, reply, 504, {
          type: ERROR_TYPES.timeout[dialect],
          message: /did not answer in time \(first_byte timeout\)/,
        });
        assertGatewayHeaders(reply.headers, { endpoint: ep, attempts: '1' });
        assert.ok(elapsed >= 250 && elapsed < 2500, `answered after ${elapsed} ms`);
        await rig.fake.waitForAborts(1, 2000);
      });

      it(`${dialect}: an upstream HTML error page keeps its status, as a dialect error saying it was not JSON`, async () => {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        const body = JSON.stringify(dialectBody(dialect, ep));
        const page =
          '<html><head><title>503</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>';
        rig.fake.enqueue(html(503, page));
        const reply = await post(rig.gw.url, dialectPath(dialect, ep), body);
        assertDialectError(dialect, reply, 503, {
          type: ERROR_TYPES.unavailable[dialect],
          message: /answered 503 with text\/html.*not JSON.*503 Service Temporarily Unavailable/,
        });
        assert.doesNotMatch(reply.text, /<h1>/);
        assertGatewayHeaders(reply.headers, { endpoint: ep, attempts: '1' });

        rig.fake.enqueue(html(502, '<html><body>Bad Gateway</body></html>'));
        const bad = await post(rig.gw.url, dialectPath(dialect, ep), body);
        assertDialectError(dialect, bad, 502, {
          type: ERROR_TYPES.unreachable[dialect],
          message: /not JSON/,
        });

        rig.fake.enqueue(raw(500, 'Internal Server Error', 'text/plain'));
        const plain = await post(rig.gw.url, dialectPath(dialect, ep), body);
        const internal = { openai: 'server_error', anthropic: 'api_error', gemini: 'INTERNAL' }[dialect];
        assertDialectError(dialect, plain, 500, {
          type: internal,
          message: /text\/plain, not JSON: Internal Server Error/,
        });
      });

      it(`${dialect}: an upstream 200 with text/html answers 502`, async () => {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        rig.fake.enqueue(html(200, '<html><body>Please sign in</body></html>'));
        const reply = await post(
          rig.gw.url,
          dialectPath(dialect, ep),
          JSON.stringify(dialectBody(dialect, ep)),
        );
        assertDialectError(dialect, reply, 502, {
          type: ERROR_TYPES.unreachable[dialect],
          message: /answered 200 with text\/html.*not JSON.*Please sign in/,
        });
        const record = await recordFor(rig, reply.headers.get('x-request-id'));
        assert.equal(record.status, 502);
        assert.equal(record.usage, null);
      });
    }

    it('upstream JSON errors come back unchanged, with their status and rate-limit headers', async () => {
      const cases: [Dialect, ReturnType<typeof openaiError>, unknown, number][] = [
        [
          'openai',
          openaiError(429, 'Rate limit reached', {
            type: 'requests',
            code: 'rate_limit_exceeded',
            headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
          }),
          openaiErrorBody(429, 'Rate limit reached', 'requests', 'rate_limit_exceeded'),
          429,
        ],
        [
          'anthropic',
          anthropicError(529, 'Overloaded', {
            headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
          }),
          anthropicErrorBody(529, 'Overloaded'),
          529,
        ],
        [
          'gemini',
          geminiError(429, 'Resource has been exhausted', {
            headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
          }),
          geminiErrorBody(429, 'Resource has been exhausted'),
          429,
        ],
      ];
      for (const [dialect, reply, body, status] of cases) {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        rig.fake.enqueue(reply);
        const got = await post(
          rig.gw.url,
          dialectPath(dialect, ep),
          JSON.stringify(dialectBody(dialect, ep)),
        );
        assert.equal(got.status, status);
        assert.equal(got.text, JSON.stringify(body));
        assert.equal(got.headers.get('retry-after'), '7');
        assert.equal(got.headers.get('x-ratelimit-remaining-requests'), '0');
        assertGatewayHeaders(got.headers, { endpoint: ep, attempts: '1' });
      }
    });
  });

  describe('failures mid-stream', () => {
    for (const c of STREAM_CASES) {
      const frames = framesOf(c.fixture);

      async function run(endpointSuffix: string, options: ReplyOptions) {
        const ep = c.endpoint(endpointSuffix);
        rig.fake.enqueue(fixture(c.fixture, options));
        const reply = await rawPost(rig.gw.url, c.path(ep), clientBody(c.fixture, ep));
        assert.equal(reply.status, 200);
        assert.equal(reply.complete, true, 'the SSE stream ends properly after the error frame');
        const requestId = String(reply.headers['x-request-id']);
        const { rest } = matchFramesWithKeepalives(
          reply.text,
          frames.slice(0, 2),
          c.dialect === 'anthropic' ? ANTHROPIC_PING : OPENAI_KEEPALIVE,
        );
        return { rest, requestId };
      }

      it(`${c.label}: a stall beyond idle_ms ends with the dialect's error frame`, async () => {
        const { rest, requestId } = await run('-fast', { stallAfterFrames: 2, stallMs: 5000 });
        assertStreamErrorFrame(c, rest, requestId, 'timeout', /stopped sending \(idle timeout\)/);
        const record = await recordFor(rig, requestId);
        assert.equal(record.status, 200);
        assert.equal(record.error, 'stream failed');
      });

      it(`${c.label}: a socket failure mid-stream ends with the dialect's error frame`, async () => {
        const { rest, requestId } = await run('', { failAfterFrames: 2 });
        assertStreamErrorFrame(c, rest, requestId, 'unreachable', /connection failed mid-stream/);
        assert.equal((await recordFor(rig, requestId)).error, 'stream failed');
      });

      it(`${c.label}: a socket failure inside an event forwards only whole events, then the error frame`, async () => {
        const cut =
          Buffer.byteLength(frames[0]! + frames[1]!) + Math.floor(Buffer.byteLength(frames[2]!) / 2);
        const { rest, requestId } = await run('', { failAfterBytes: cut });
        assertStreamErrorFrame(c, rest, requestId, 'unreachable', /connection failed mid-stream/);
      });

      it(`${c.label}: a stream that ends without its terminal event gets an error frame appended`, async () => {
        const { rest, requestId } = await run('', { truncateAfterFrames: 2 });
        assertStreamErrorFrame(c, rest, requestId, 'unreachable', /ended the stream before it was complete/);
        assert.equal((await recordFor(rig, requestId)).error, 'stream truncated');
      });

      it(`${c.label}: a stream that ends inside an event drops the partial event, then the error frame`, async () => {
        const cut =
          Buffer.byteLength(frames[0]! + frames[1]!) + Math.floor(Buffer.byteLength(frames[2]!) / 2);
        const { rest, requestId } = await run('', { truncateAfterBytes: cut });
        assertStreamErrorFrame(c, rest, requestId, 'unreachable', /ended the stream before it was complete/);
      });
    }

    const arrayFrames = framesOf(GEMINI_ARRAY);
    const arrayPath = (ep: string) => `/v1beta/models/${ep}:streamGenerateContent`;
    for (const [label, endpoint, options] of [
      ['a socket failure', 'gm', { failAfterFrames: 2 }],
      ['a clean end before the closing bracket', 'gm', { truncateAfterFrames: 2 }],
      ['a stall beyond idle_ms', 'gm-fast', { stallAfterFrames: 2, stallMs: 5000 }],
    ] as const) {
      it(`Gemini JSON-array stream: ${label} mid-array closes the connection`, async () => {
        rig.fake.enqueue(fixture(GEMINI_ARRAY, options));
        const reply = await rawPost(rig.gw.url, arrayPath(endpoint), clientBody(GEMINI_ARRAY, endpoint));
        assert.equal(reply.status, 200);
        assert.equal(reply.headers['content-type'], fixtureContentType(GEMINI_ARRAY));
        assert.equal(reply.complete, false, 'the response is cut off, not ended');
        assert.equal(
          reply.text,
          arrayFrames[0]! + arrayFrames[1]!,
          'the elements before the failure, unchanged',
        );
        const record = await recordFor(rig, String(reply.headers['x-request-id']));
        assert.equal(record.status, 200);
        assert.match(record.error ?? '', /^stream (failed|truncated)$/);
      });
    }
  });

  describe('headers to the provider', () => {
    const foreign = {
      authorization: 'Bearer sk-client-should-not-pass',
      'x-api-key': 'sk-ant-client-should-not-pass',
      'x-goog-api-key': 'AIza-client-should-not-pass',
      'api-key': 'azure-client-should-not-pass',
      cookie: 'session=secret-cookie',
      'x-custom-thing': 'custom',
      'x-forwarded-for': '10.1.2.3',
    };
    const CLIENT_ONLY = ['cookie', 'x-custom-thing', 'x-forwarded-for', 'api-key'];

    it('Anthropic: anthropic-version and anthropic-beta pass; client credentials and other headers do not', async () => {
      const reply = await post(rig.gw.url, '/v1/messages', JSON.stringify(dialectBody('anthropic', 'an')), {
        ...foreign,
        'anthropic-version': '2023-01-01',
        'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14',
        'openai-organization': 'org-not-for-anthropic',
      });
      assert.equal(reply.status, 200, reply.text);
      const headers = lastUpstream(rig).headers;
      assert.equal(headers['anthropic-version'], '2023-01-01');
      assert.equal(headers['anthropic-beta'], 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14');
      assert.equal(headers['x-api-key'], SECRET_KEYS.anthropic);
      for (const name of [...CLIENT_ONLY, 'authorization', 'x-goog-api-key', 'openai-organization']) {
        assert.equal(headers[name], undefined, `${name} must not reach the provider`);
      }
      assert.ok(!JSON.stringify(headers).includes('should-not-pass'));
    });

    it('Anthropic: anthropic-version defaults to 2023-06-01 when the client sends none', async () => {
      const reply = await post(rig.gw.url, '/v1/messages', JSON.stringify(dialectBody('anthropic', 'an')));
      assert.equal(reply.status, 200, reply.text);
      assert.equal(lastUpstream(rig).headers['anthropic-version'], '2023-06-01');
      assert.equal(lastUpstream(rig).headers['anthropic-beta'], undefined);
    });

    it('OpenAI: openai-beta passes; the client may not pick the organization or project billed to the operator key', async () => {
      const reply = await post(
        rig.gw.url,
        '/v1/chat/completions',
        JSON.stringify(dialectBody('openai', 'oa')),
        {
          ...foreign,
          'openai-organization': 'org-123',
          'openai-project': 'proj_456',
          'openai-beta': 'assistants=v2',
          'anthropic-version': '2023-06-01',
        },
      );
      assert.equal(reply.status, 200, reply.text);
      const headers = lastUpstream(rig).headers;
      assert.equal(headers['openai-organization'], undefined);
      assert.equal(headers['openai-project'], undefined);
      assert.equal(headers['openai-beta'], 'assistants=v2');
      assert.equal(headers['authorization'], `Bearer ${SECRET_KEYS.openai}`);
      for (const name of [...CLIENT_ONLY, 'x-api-key', 'x-goog-api-key', 'anthropic-version']) {
        assert.equal(headers[name], undefined, `${name} must not reach the provider`);
      }
      assert.ok(!JSON.stringify(headers).includes('should-not-pass'));
    });

    it('Gemini: the secret key replaces the client key, and a ?key= never reaches the upstream URL', async () => {
      const reply = await post(
        rig.gw.url,
        '/v1beta/models/gm:streamGenerateContent?key=AIza-client-query-should-not-pass&alt=sse',
        JSON.stringify(dialectBody('gemini', 'gm')),
        foreign,
      );
      assert.equal(reply.status, 200, reply.text);
      const upstream = lastUpstream(rig);
      assert.equal(upstream.url, `/v1beta/models/${UPSTREAM_MODELS.gemini}:streamGenerateContent?alt=sse`);
      assert.equal(upstream.headers['x-goog-api-key'], SECRET_KEYS.gemini);
      for (const name of [...CLIENT_ONLY, 'authorization', 'x-api-key']) {
        assert.equal(upstream.headers[name], undefined, `${name} must not reach the provider`);
      }
      assert.ok(!JSON.stringify(upstream.headers).includes('should-not-pass'));
    });
  });

  describe('keepalives during upstream silence', { concurrency: true }, () => {
    /** The fixture's bytes in three writes, cut inside events, with 600 ms of silence between. */
    function withGaps(name: string): { frames: string[]; pieces: string[] } {
      const frames = framesOf(name);
      const text = frames.join('');
      const cuts = [Math.floor(text.length / 3) + 1, Math.floor((2 * text.length) / 3) + 3];
      return { frames, pieces: [text.slice(0, cuts[0]), text.slice(cuts[0], cuts[1]), text.slice(cuts[1])] };
    }

    for (const c of STREAM_CASES) {
      it(`${c.label}: keepalives only between whole events, the stream otherwise unchanged`, async () => {
        const { frames, pieces } = withGaps(c.fixture);
        const ep = c.endpoint('');
        const path = c.path(ep);
        // These run concurrently: each reply goes to its own route.
        rig.fake.enqueue(
          sse(pieces, { contentType: fixtureContentType(c.fixture), frameDelayMs: 600 }),
          (req) => upstreamPathOf(path) === req.url,
        );
        const reply = await rawPost(rig.gw.url, path, clientBody(c.fixture, ep));
        assert.equal(reply.status, 200);
        assert.equal(reply.complete, true);
        const keepalive = c.dialect === 'anthropic' ? ANTHROPIC_PING : OPENAI_KEEPALIVE;
        const { keepalives, rest } = matchFramesWithKeepalives(reply.text, frames, keepalive);
        assert.equal(rest, '', 'nothing after the last upstream event');
        assert.ok(keepalives >= 2, `${keepalives} keepalives in 1.2 s of silence`);
        const other = c.dialect === 'anthropic' ? OPENAI_KEEPALIVE : ANTHROPIC_PING;
        assert.ok(!reply.text.includes(other), 'only the dialect own keepalive');
        assert.equal(
          Buffer.byteLength(reply.text),
          fixtureBytes(c.fixture).length + keepalives * Buffer.byteLength(keepalive),
        );
        if (c.dialect === 'anthropic') {
          // A real ping event, as the Anthropic SDK expects.
          const pings = parseSse(reply.text).filter((e) => e.event === 'ping');
          assert.ok(pings.length >= keepalives);
          assert.deepEqual(JSON.parse(pings[0]!.data), { type: 'ping' });
        }
        const record = await recordFor(rig, String(reply.headers['x-request-id']));
        assert.equal(record.error, undefined);
      });
    }

    it('Gemini JSON-array stream: nothing is added during silence', async () => {
      const { pieces } = withGaps(GEMINI_ARRAY);
      const path = '/v1beta/models/gm:streamGenerateContent';
      rig.fake.enqueue(
        sse(pieces, { contentType: fixtureContentType(GEMINI_ARRAY), frameDelayMs: 600 }),
        (req) => upstreamPathOf(path) === req.url,
      );
      const reply = await rawPost(rig.gw.url, path, clientBody(GEMINI_ARRAY, 'gm'));
      assert.equal(reply.status, 200);
      assert.equal(reply.complete, true);
      assert.ok(reply.body.equals(fixtureBytes(GEMINI_ARRAY)));
    });
  });

  describe('!PASSTHRU: the client own provider key', () => {
    const body = (dialect: Dialect) =>
      JSON.stringify(dialectBody(dialect, `${ENDPOINT_BY_DIALECT[dialect]}-pt`));
    const path = (dialect: Dialect, stream = false) =>
      dialectPath(dialect, `${ENDPOINT_BY_DIALECT[dialect]}-pt`, stream);

    it('OpenAI: Authorization: Bearer is forwarded, and with the client own key its organization and project too', async () => {
      const reply = await post(rig.gw.url, path('openai'), body('openai'), {
        authorization: 'Bearer sk-client-own-1',
        'openai-organization': 'org-client',
        'openai-project': 'proj_client',
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(lastUpstream(rig).headers['authorization'], 'Bearer sk-client-own-1');
      assert.equal(lastUpstream(rig).headers['openai-organization'], 'org-client');
      assert.equal(lastUpstream(rig).headers['openai-project'], 'proj_client');
    });

    it('Anthropic: x-api-key is forwarded (and a Bearer token becomes x-api-key)', async () => {
      const reply = await post(rig.gw.url, path('anthropic'), body('anthropic'), {
        'x-api-key': 'sk-ant-client-own-2',
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(lastUpstream(rig).headers['x-api-key'], 'sk-ant-client-own-2');
      assert.equal(lastUpstream(rig).headers['authorization'], undefined);
      const bearer = await post(rig.gw.url, path('anthropic'), body('anthropic'), {
        authorization: 'Bearer sk-ant-client-own-3',
      });
      assert.equal(bearer.status, 200, bearer.text);
      assert.equal(lastUpstream(rig).headers['x-api-key'], 'sk-ant-client-own-3');
      assert.equal(lastUpstream(rig).headers['authorization'], undefined);
    });

    it('Gemini: x-goog-api-key or ?key= is forwarded as x-goog-api-key, and key never reaches the URL', async () => {
      const header = await post(rig.gw.url, path('gemini'), body('gemini'), {
        'x-goog-api-key': 'AIza-client-own-4',
      });
      assert.equal(header.status, 200, header.text);
      assert.equal(lastUpstream(rig).headers['x-goog-api-key'], 'AIza-client-own-4');

      const query = await post(rig.gw.url, `${path('gemini')}?key=AIza-client-own-5`, body('gemini'));
      assert.equal(query.status, 200, query.text);
      let upstream = lastUpstream(rig);
      assert.equal(upstream.headers['x-goog-api-key'], 'AIza-client-own-5');
      assert.equal(upstream.query, '');
      assert.ok(!upstream.url.includes('AIza'));

      const streamed = await post(
        rig.gw.url,
        `${path('gemini', true)}&key=AIza-client-own-6`,
        body('gemini'),
      );
      assert.equal(streamed.status, 200, streamed.text);
      upstream = lastUpstream(rig);
      assert.equal(upstream.headers['x-goog-api-key'], 'AIza-client-own-6');
      assert.equal(upstream.query, 'alt=sse');
      assert.ok(!upstream.url.includes('key='));
    });

    for (const dialect of DIALECTS) {
      it(`${dialect}: no client key answers 401 in the dialect, and nothing goes upstream`, async () => {
        const before = rig.fake.requestCount;
        const reply = await post(rig.gw.url, path(dialect), body(dialect));
        assertDialectError(dialect, reply, 401, {
          type: ERROR_TYPES.unauthorized[dialect],
          message: /own .* key: send it in/,
        });
        assertGatewayHeaders(reply.headers, { endpoint: `${ENDPOINT_BY_DIALECT[dialect]}-pt` });
        assert.equal(rig.fake.requestCount, before);
      });
    }

    it('OpenAI: a non-Bearer Authorization is no key (401)', async () => {
      const reply = await post(rig.gw.url, path('openai'), body('openai'), {
        authorization: 'Basic dXNlcjpwYXNz',
      });
      assertDialectError('openai', reply, 401, { type: 'authentication_error' });
    });
  });

  describe('gateway headers on every data-plane response', () => {
    it('success, stream, upstream error, 502, 504, 404, 400 and 401 all carry them', async () => {
      const checks: [string, () => Promise<{ headers: Headers; status: number }>, number, string][] = [];
      for (const dialect of DIALECTS) {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        const send =
          (path: string, endpoint = ep, text?: string) =>
          () =>
            post(rig.gw.url, path, text ?? JSON.stringify(dialectBody(dialect, endpoint)));
        checks.push([`${dialect} ok`, send(dialectPath(dialect, ep)), 200, ep]);
        checks.push([
          `${dialect} stream`,
          () =>
            post(rig.gw.url, dialectPath(dialect, ep, true), JSON.stringify(dialectBody(dialect, ep, true))),
          200,
          ep,
        ]);
        checks.push([
          `${dialect} 502`,
          send(dialectPath(dialect, `${ep}-dead`), `${ep}-dead`),
          502,
          `${ep}-dead`,
        ]);
        checks.push([`${dialect} 404`, send(dialectPath(dialect, 'nope'), 'nope'), 404, 'nope']);
        checks.push([`${dialect} 401`, send(dialectPath(dialect, `${ep}-pt`), `${ep}-pt`), 401, `${ep}-pt`]);
      }
      for (const [label, send, status, endpoint] of checks) {
        const reply = await send();
        assert.equal(reply.status, status, label);
        try {
          assertGatewayHeaders(reply.headers, { endpoint });
        } catch (error) {
          assert.fail(`${label}: ${(error as Error).message}`);
        }
      }
      rig.fake.enqueue(openaiError(400, 'bad'));
      const upstreamError = await post(
        rig.gw.url,
        '/v1/chat/completions',
        JSON.stringify(dialectBody('openai', 'oa')),
      );
      assert.equal(upstreamError.status, 400);
      assertGatewayHeaders(upstreamError.headers, { endpoint: 'oa', attempts: '1' });
      rig.fake.enqueue(slowFirstByte(3000));
      const timeout = await post(
        rig.gw.url,
        '/v1/messages',
        JSON.stringify(dialectBody('anthropic', 'an-fast')),
      );
      assert.equal(timeout.status, 504);
      assertGatewayHeaders(timeout.headers, { endpoint: 'an-fast', attempts: '1' });
      assert.equal(timeout.headers.get('x-switchyard-model'), 'anthropic-model');
    });

    it('a refused body carries them too; on Gemini routes the path names the endpoint', async () => {
      const openai = await post(rig.gw.url, '/v1/chat/completions', '{oops');
      assert.equal(openai.status, 400);
      assertGatewayHeaders(openai.headers, { attempts: '0' });
      const gemini = await post(rig.gw.url, dialectPath('gemini', 'gm'), '{oops');
      assert.equal(gemini.status, 400);
      assertGatewayHeaders(gemini.headers, { attempts: '0' });
      assert.equal(
        gemini.headers.get('x-switchyard-endpoint'),
        'gm',
        'x-switchyard-endpoint on a Gemini 400',
      );
    });
  });
});
