// The official Google GenAI SDK against the gateway, same-dialect passthrough to Gemini.
// @google/genai v3 takes `httpOptions.baseUrl` and defaults to the `v1` API version.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import {
  assertGatewayHeaders,
  assertUpstreamAuth,
  assertUpstreamBody,
  assertUsage,
  CLIENT_KEY,
  collect,
  DEFAULT_STREAM_TEXT,
  DEFAULT_TEXT,
  lastUpstream,
  type Recorder,
  recorder,
  recordFor,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;

function clientFor(options: { apiVersion?: string; base?: string } = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: CLIENT_KEY,
    ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }),
    httpOptions: { baseUrl: rig.gw.url + (options.base ?? ''), fetch: rec.fetch },
  });
}

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const MODEL_PATH = `/models/${UPSTREAM_MODELS.gemini}`;
const request = {
  model: 'gm',
  contents: 'Say hello',
  config: { temperature: 0.2, maxOutputTokens: 100, systemInstruction: 'Be brief.' },
};

for (const apiVersion of [undefined, 'v1beta'] as const) {
  const version = apiVersion ?? 'v1';
  describe(`apiVersion ${apiVersion ?? '(SDK default)'}: /${version}`, () => {
    test('generateContent', async () => {
      const result = await clientFor({ apiVersion }).models.generateContent(request);
      assert.equal(result.text, DEFAULT_TEXT);
      const sent = rec.last();
      assert.equal(sent.url.pathname, `/${version}/models/gm:generateContent`);
      assert.ok(sent.body);

      const up = lastUpstream(rig);
      assert.equal(up.path, `/${version}${MODEL_PATH}:generateContent`);
      assert.equal(up.query, '');
      assertUpstreamBody(up, sent.body);
      assertUpstreamAuth(up, 'gemini', 'x-goog-api-key');
      const headers = rec.lastHeaders();
      assertGatewayHeaders(headers, { endpoint: 'gm', model: 'gemini-model', attempts: 1, streamed: false });

      const record = await recordFor(rig, headers.get('x-request-id'));
      assert.equal(record.operation, 'generate');
      assert.equal(record.status, 200);
      assert.ok(result.usageMetadata);
      assertUsage(record, {
        inputTokens: result.usageMetadata.promptTokenCount ?? -1,
        outputTokens: result.usageMetadata.candidatesTokenCount ?? -1,
      });
    });

    test('generateContentStream (alt=sse)', async () => {
      const chunks = await collect(await clientFor({ apiVersion }).models.generateContentStream(request));
      assert.equal(chunks.map((c) => c.text ?? '').join(''), DEFAULT_STREAM_TEXT);
      assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
      const sent = rec.last();
      assert.equal(sent.url.pathname, `/${version}/models/gm:streamGenerateContent`);
      assert.equal(sent.url.searchParams.get('alt'), 'sse');
      assert.ok(sent.body);

      const up = lastUpstream(rig);
      assert.equal(up.path, `/${version}${MODEL_PATH}:streamGenerateContent`);
      assert.equal(up.query, 'alt=sse');
      assertUpstreamBody(up, sent.body);
      assertUpstreamAuth(up, 'gemini', 'x-goog-api-key');
      const headers = rec.lastHeaders();
      assert.match(headers.get('content-type') ?? '', /^text\/event-stream/);
      assertGatewayHeaders(headers, { endpoint: 'gm', model: 'gemini-model', attempts: 1, streamed: true });

      const record = await recordFor(rig, headers.get('x-request-id'));
      assert.equal(record.operation, 'stream_generate');
      assertUsage(record, { inputTokens: 12, outputTokens: 5 });
    });
  });
}

describe('other base URLs', () => {
  test('/gateway/gemini with v1beta', async () => {
    const client = clientFor({ apiVersion: 'v1beta', base: '/gateway/gemini' });
    const result = await client.models.generateContent(request);
    assert.equal(result.text, DEFAULT_TEXT);
    assert.equal(rec.last().url.pathname, '/gateway/gemini/v1beta/models/gm:generateContent');
    assert.equal(lastUpstream(rig).path, `/v1beta${MODEL_PATH}:generateContent`);
    const chunks = await collect(await client.models.generateContentStream(request));
    assert.equal(chunks.map((c) => c.text ?? '').join(''), DEFAULT_STREAM_TEXT);
    assert.equal(lastUpstream(rig).path, `/v1beta${MODEL_PATH}:streamGenerateContent`);
  });

  test('/gateway/gemini with v1', async () => {
    const result = await clientFor({ base: '/gateway/gemini' }).models.generateContent(request);
    assert.equal(result.text, DEFAULT_TEXT);
    assert.equal(lastUpstream(rig).path, `/v1${MODEL_PATH}:generateContent`);
  });
});

describe('streamGenerateContent without alt=sse', () => {
  test('answers a JSON array that parses, streamed through unchanged', async () => {
    const body = JSON.stringify({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      generationConfig: { temperature: 0.2 },
    });
    const response = await fetch(`${rig.gw.url}/v1beta/models/gm:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_KEY },
      body,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /json/);
    assertGatewayHeaders(response.headers, {
      endpoint: 'gm',
      model: 'gemini-model',
      attempts: 1,
      streamed: true,
    });
    const text = await response.text();
    const parsed: unknown = JSON.parse(text);
    assert.ok(Array.isArray(parsed));
    assert.equal(parsed.length, 5);
    const texts = parsed.map((e: { candidates: { content: { parts: { text: string }[] } }[] }) =>
      e.candidates.map((c) => c.content.parts.map((p) => p.text).join('')).join(''),
    );
    assert.equal(texts.join(''), DEFAULT_STREAM_TEXT);

    const up = lastUpstream(rig);
    assert.equal(up.path, `/v1beta${MODEL_PATH}:streamGenerateContent`);
    assert.equal(up.query, '');
    assertUpstreamBody(up, body);
    assertUpstreamAuth(up, 'gemini', 'x-goog-api-key');
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assertUsage(record, { inputTokens: 12, outputTokens: 5 });
  });

  test('a client key in ?key= is not forwarded; other query parameters are dropped', async () => {
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const response = await fetch(
      `${rig.gw.url}/v1beta/models/gm:streamGenerateContent?alt=sse&key=${CLIENT_KEY}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    );
    assert.equal(response.status, 200);
    await response.text();
    const up = lastUpstream(rig);
    assert.equal(up.query, 'alt=sse');
    assertUpstreamAuth(up, 'gemini', 'x-goog-api-key');
  });
});
