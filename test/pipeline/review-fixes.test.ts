// Defects an independent review of routing and translation found, each sent as the input
// that showed it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { headerValue } from '../../src/http/header-value.ts';
import { bodyExcerpt } from '../../src/pipeline/upstream-headers.ts';
import { InProcessCircuitBreaker } from '../../src/routing/circuit-breaker.ts';
import { json, sse } from '../fake-provider/index.ts';
import { parseSse, post, sleep } from '../passthrough/helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';

describe('pure pieces', () => {
  it('an error page of 120 KB of "<" is excerpted without quadratic regex work', () => {
    const started = performance.now();
    const excerpt = bodyExcerpt('<'.repeat(120_000));
    assert.ok(performance.now() - started < 500, 'excerpting took too long');
    assert.ok(excerpt.length <= 203);
  });

  it('a lone surrogate in an endpoint name becomes a valid header value', () => {
    assert.equal(headerValue('a\ud800b'), 'a%EF%BF%BDb');
  });

  it('the circuit map stays bounded when clients make up model names', () => {
    const breaker = new InProcessCircuitBreaker({ threshold: 5, cooldownMs: 1000 });
    for (let i = 0; i < 10_050; i++) breaker.failed(`direct:openai:made-up-${i}`);
    // The oldest entries were evicted: failing them again starts from one failure.
    for (let i = 0; i < 4; i++) breaker.failed('direct:openai:made-up-0');
    assert.equal(breaker.isOpen('direct:openai:made-up-0'), false);
  });
});

describe('through the gateway', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
    for (const [name, primary, fallback] of [
      ['an-then-vl', 'anthropic-model', 'vllm-model'],
      ['an-then-gm', 'anthropic-model', 'gemini-model'],
    ] as const) {
      const created = await rig.gw.call('POST', '/api/v1/endpoints', {
        name,
        models: [
          { model: primary, role: 'primary' },
          { model: fallback, role: 'fallback' },
        ],
      });
      assert.equal(created.status, 201, created.text);
    }
    const own = await rig.gw.call('POST', '/api/v1/secrets', {
      name: 'own-key',
      provider: 'gemini',
      value: { api_key: '!PASSTHRU' },
      auth_config: { api_base: rig.fake.url },
    });
    assert.equal(own.status, 201, own.text);
    await rig.gw.call('POST', '/api/v1/models', {
      name: 'gemini-own',
      provider: 'gemini',
      model_name: 'gemini-2.5-flash',
      secret: 'own-key',
    });
    await rig.gw.call('POST', '/api/v1/endpoints', {
      name: 'gm-own',
      models: [{ model: 'gemini-own', role: 'primary' }],
    });
  });
  after(() => rig.close());

  it('a lone surrogate as the model answers 404, not 500', async () => {
    const reply = await post(rig.gw.url, '/v1/chat/completions', '{"model":"\\ud800","messages":[]}');
    assert.equal(reply.status, 404, reply.text);
  });

  it('a client key with a control character is a 401 and never reaches the provider', async () => {
    const before = rig.fake.requests.length;
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const reply = await post(rig.gw.url, '/v1beta/models/gm-own:generateContent?key=bad%0Akey', body);
    assert.equal(reply.status, 401, reply.text);
    assert.equal(rig.fake.requests.length, before);
  });

  it('a fallback that cannot take the request does not hide the primary error', async () => {
    rig.fake.enqueue(
      json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      '/v1/messages',
    );
    const reply = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({
        model: 'an-then-vl',
        max_tokens: 32,
        messages: [{ role: 'user', content: 'search the web' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(reply.status, 529, reply.text);
    assert.match(reply.text, /overloaded_error/);
    assert.equal(reply.headers.get('x-switchyard-attempts'), '1');
  });

  it('an error inside a 200 from a translated backend is retried on the fallback', async () => {
    rig.fake.enqueue(
      json(200, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      '/v1/messages',
    );
    const reply = await post(
      rig.gw.url,
      '/v1/chat/completions',
      JSON.stringify({ model: 'an-then-gm', messages: [{ role: 'user', content: 'hi' }] }),
    );
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers.get('x-switchyard-model'), 'gemini-model');
    assert.equal(reply.headers.get('x-switchyard-attempts'), '2');
  });

  it('a tool schema nested thousands deep is a 400 to translate, and still countable', async () => {
    // Built as text: the test's own JSON.stringify would overflow on it too.
    const depth = 6000;
    const schema = `${'{"type":"object","properties":{"x":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`;
    const before = rig.fake.requests.length;
    const chat = await post(
      rig.gw.url,
      '/v1/chat/completions',
      `{"model":"an","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"deep","parameters":${schema}}}]}`,
    );
    assert.equal(chat.status, 400, chat.text);
    assert.match(chat.text, /nested too deeply/);
    assert.equal(rig.fake.requests.length, before, 'nothing was sent upstream');
    const count = await post(
      rig.gw.url,
      '/v1/messages/count_tokens',
      `{"model":"vl","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"deep","input_schema":${schema}}]}`,
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(count.status, 200, count.text);
  });

  it('a Gemini answer that gave up (MALFORMED_FUNCTION_CALL) is an error, not a finished answer', async () => {
    const gaveUp = {
      candidates: [
        { content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 },
      ],
      usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 },
      modelVersion: 'gemini-2.5-flash',
    };
    rig.fake.enqueue(json(200, gaveUp), ':generateContent');
    const whole = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({ model: 'gm', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(whole.status, 529, whole.text);
    assert.match(whole.text, /without a usable answer/);

    rig.fake.enqueue(sse([`data: ${JSON.stringify(gaveUp)}\r\n\r\n`]), ':streamGenerateContent');
    const streamed = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({
        model: 'gm',
        max_tokens: 32,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      { 'anthropic-version': '2023-06-01' },
    );
    const events = parseSse(streamed.text).map((e) => e.event);
    assert.equal(events.at(-1), 'error', `events: ${events.join(',')}`);
    assert.ok(!events.includes('message_stop'), 'no normal end before the error');
  });

  it('a backend answering JSON to a streamed request still gives the client a stream', async () => {
    rig.fake.enqueue(
      json(200, {
        id: 'chatcmpl-json',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'Qwen/Qwen3-8B',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Whole answer.' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
      }),
      '/v1/chat/completions',
    );
    const reply = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({
        model: 'vl',
        max_tokens: 32,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = parseSse(reply.text);
    assert.deepEqual(
      events.map((e) => e.event),
      [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    assert.match(events[2]?.data ?? '', /Whole answer\./);
  });

  for (const endpoint of ['vl', 'an']) {
    it(`a Gemini client streaming without alt=sse from ${endpoint} gets a JSON array, element by element`, async () => {
      const reply = await post(
        rig.gw.url,
        `/v1beta/models/${endpoint}:streamGenerateContent`,
        JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      );
      assert.equal(reply.status, 200, reply.text);
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      const chunks = reply.json as {
        candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[];
      }[];
      assert.ok(Array.isArray(chunks) && chunks.length > 1, reply.text);
      const text = chunks
        .flatMap((c) => c.candidates?.[0]?.content?.parts ?? [])
        .map((p) => p.text ?? '')
        .join('');
      assert.match(text, /^Hello! This is a/);
      assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
    });
  }

  it("a Responses client's extra body reaches an OpenAI-compatible backend, not others", async () => {
    const body = (model: string) =>
      JSON.stringify({
        model,
        input: 'hi',
        store: false,
        repetition_penalty: 1.1,
        chat_template_kwargs: { enable_thinking: false },
      });
    const toVllm = await post(rig.gw.url, '/v1/responses', body('vl'));
    assert.equal(toVllm.status, 200, toVllm.text);
    const sent = rig.fake.requests.at(-1)?.json as Record<string, unknown>;
    assert.equal(sent['repetition_penalty'], 1.1);
    assert.deepEqual(sent['chat_template_kwargs'], { enable_thinking: false });
    assert.equal(sent['store'], undefined, 'fields the Responses API defines are not extras');
    const toAnthropic = await post(rig.gw.url, '/v1/responses', body('an'));
    assert.equal(toAnthropic.status, 200, toAnthropic.text);
    const sentToAnthropic = rig.fake.requests.at(-1)?.json as Record<string, unknown>;
    assert.equal(sentToAnthropic['repetition_penalty'], undefined);
  });

  it('upstream comments do not hold back the keepalives of a translated stream', async () => {
    const comments = Array.from({ length: 8 }, () => ': PROCESSING\n\n');
    rig.fake.enqueue(sse(comments, { frameDelayMs: 100 }), '/v1/chat/completions');
    const started = performance.now();
    const reply = await post(
      rig.gw.url,
      '/v1/messages',
      JSON.stringify({
        model: 'vl',
        max_tokens: 32,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.ok(performance.now() - started >= 700);
    const events = parseSse(reply.text).map((e) => e.event);
    // The data plane's test keepalive is 200 ms; ~800 ms of comments must yield pings.
    assert.ok(events.filter((e) => e === 'ping').length >= 2, `events: ${events.join(',')}`);
    assert.equal(events.at(-1), 'error', 'a stream with no content ends in the error event');
    await sleep(0);
  });
});
