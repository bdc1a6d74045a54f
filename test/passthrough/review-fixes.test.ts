// Behaviours added after an independent review: large bodies, per-provider stream options,
// client-chosen names in headers, uploads cut short and clients that stop reading.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FULL_VALIDATION_BYTES } from '../../src/inbound/request-shape.ts';
import { sse } from '../fake-provider/index.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { post } from './helpers.ts';

describe('after the review', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
    const { gw, fake } = rig;
    const ok = (reply: { status: number; text: string }) => assert.ok(reply.status < 300, reply.text);
    ok(
      await gw.call('POST', '/api/v1/secrets', {
        name: 'mistral-secret',
        provider: 'mistral',
        value: { api_key: 'mistral-key-0000000001' },
        auth_config: { api_base: `${fake.url}/v1` },
      }),
    );
    ok(
      await gw.call('POST', '/api/v1/models', {
        name: 'mistral-model',
        provider: 'mistral',
        model_name: 'mistral-large-latest',
        secret: 'mistral-secret',
      }),
    );
    ok(await gw.call('POST', '/api/v1/endpoints', { name: 'mi', models: [{ model: 'mistral-model' }] }));
    ok(
      await gw.call('POST', '/api/v1/endpoints', {
        name: 'oa-short-idle',
        models: [{ model: 'openai-model' }],
        timeouts: { idle_ms: 400 },
      }),
    );
  });
  after(async () => {
    await rig.close();
  });

  it('does not add stream_options for a provider that rejects it (Mistral)', async () => {
    rig.fake.clear();
    const body = '{"model":"mi","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const reply = await post(rig.gw.url, '/v1/chat/completions', body);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(
      rig.fake.lastRequest()!.rawBody.toString('utf8'),
      '{"model":"mistral-large-latest","stream":true,"messages":[{"role":"user","content":"hi"}]}',
    );
  });

  it('passes a body over the full-validation size through byte for byte', async () => {
    rig.fake.clear();
    const filler = 'x'.repeat(1024 * 1024 + 10);
    const body = `{"messages":[{"role":"user","content":"${filler}"}], "model" : "oa","temperature":0.5}`;
    const reply = await post(rig.gw.url, '/v1/chat/completions', body);
    assert.equal(reply.status, 200, reply.text.slice(0, 200));
    assert.equal(
      rig.fake.lastRequest()!.rawBody.toString('utf8'),
      body.replace('"model" : "oa"', '"model" : "gpt-4o-mini"'),
    );
  });

  it('leaves malformed JSON inside a body past the full-validation size to the provider', async () => {
    rig.fake.clear();
    const filler = 'x'.repeat(FULL_VALIDATION_BYTES + 10);
    const body = `{"model":"oa","messages":[{"role":"user","content":"${filler}"}],"metadata":[1,,2]}`;
    const reply = await post(rig.gw.url, '/v1/chat/completions', body);
    assert.notEqual(reply.status, 500, reply.text.slice(0, 200));
    assert.equal(
      rig.fake.lastRequest()!.rawBody.toString('utf8'),
      body.replace('"model":"oa"', '"model":"gpt-4o-mini"'),
      'the bytes reach the provider as sent, model swapped, for it to judge',
    );
  });

  it('still refuses a large body whose top level is not a JSON object', async () => {
    const reply = await post(
      rig.gw.url,
      '/v1/chat/completions',
      `{"model":"oa","a":"${'x'.repeat(1024 * 1024 + 10)}"`,
    );
    assert.equal(reply.status, 400);
    assert.match(reply.text, /not a valid JSON object/);
  });

  it('answers a model name outside ASCII with 404, not a crash', async () => {
    const reply = await post(rig.gw.url, '/v1/chat/completions', '{"model":"模型","messages":[]}');
    assert.equal(reply.status, 404, reply.text);
    assert.equal(reply.headers.get('x-switchyard-endpoint'), encodeURIComponent('模型'));
    const gemini = await post(rig.gw.url, '/v1beta/models/%E6%A8%A1:generateContent', '{"contents":[]}');
    assert.equal(gemini.status, 404, gemini.text);
    assert.ok(!rig.gw.logs.some((line) => line.includes('unhandled')));
  });

  it('does not log an upload the client abandons as an internal error', async () => {
    const url = new URL(rig.gw.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"oa",',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(
      !rig.gw.logs.some((line) => line.includes('unhandled')),
      'an abandoned upload was logged as a bug',
    );
    assert.equal((await rig.gw.call('GET', '/healthz')).status, 200);
  });

  it('drops a client that stops reading a stream after the idle timeout, and aborts upstream', async () => {
    rig.fake.clear();
    const frame = `data: {"choices":[{"index":0,"delta":{"content":"${'y'.repeat(64 * 1024)}"}}]}\n\n`;
    rig.fake.enqueue(
      sse(
        Array.from({ length: 400 }, () => frame),
        { frameDelayMs: 1 },
      ),
    );
    const url = new URL(rig.gw.url);
    const body = '{"model":"oa-short-idle","stream":true,"messages":[]}';
    const socket = connect(Number(url.port), url.hostname);
    socket.pause();
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    try {
      await rig.fake.waitForAborts(1, 10_000);
      const deadline = Date.now() + 5000;
      let record = rig.sink.records.find((r) => r.endpoint === 'oa-short-idle');
      while (!record && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        record = rig.sink.records.find((r) => r.endpoint === 'oa-short-idle');
      }
      assert.equal(record?.status, 499);
    } finally {
      socket.destroy();
    }
  });
});
