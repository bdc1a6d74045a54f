// The official Anthropic SDK against the gateway, same-dialect passthrough to Anthropic.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { type DataPlaneRig, ENDPOINTS, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import {
  assertGatewayHeaders,
  assertUpstreamAuth,
  assertUpstreamBody,
  assertUsage,
  CLIENT_KEY,
  collect,
  DEFAULT_STREAM_TEXT,
  DEFAULT_TEXT,
  expectedBody,
  lastUpstream,
  type Recorder,
  recorder,
  recordFor,
  withModel,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let client: Anthropic;

function clientAt(path: string): Anthropic {
  return new Anthropic({ baseURL: rig.gw.url + path, apiKey: CLIENT_KEY, fetch: rec.fetch, maxRetries: 0 });
}

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  client = clientAt('');
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const params = {
  model: 'an',
  max_tokens: 256,
  system: 'Be brief.',
  temperature: 0.3,
  messages: [{ role: 'user' as const, content: 'Say hello' }],
};
const toUpstream = withModel(UPSTREAM_MODELS.anthropic);

function streamedText(events: RawMessageStreamEvent[]): string {
  return events
    .map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : ''))
    .join('');
}

describe('messages', () => {
  test('create, non-streamed', async () => {
    const { data, response } = await client.messages.create(params).withResponse();
    assert.equal(data.content[0]?.type, 'text');
    assert.equal(data.content[0]?.type === 'text' ? data.content[0].text : '', DEFAULT_TEXT);
    assert.equal(data.model, UPSTREAM_MODELS.anthropic);

    const up = lastUpstream(rig);
    assert.equal(up.path, '/v1/messages');
    assertUpstreamBody(up, expectedBody(rec.last().body, toUpstream));
    assertUpstreamAuth(up, 'anthropic', 'x-api-key');
    const sentVersion = rec.last().headers.get('anthropic-version');
    assert.ok(sentVersion);
    assert.equal(
      up.headers['anthropic-version'],
      sentVersion,
      'the client’s anthropic-version reaches the provider',
    );
    assertGatewayHeaders(response.headers, {
      endpoint: 'an',
      model: 'anthropic-model',
      attempts: 1,
      streamed: false,
    });
    assert.equal(response.headers.get('request-id'), 'req_fake0000000000000000000000');

    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.operation, 'messages');
    assertUsage(record, { inputTokens: data.usage.input_tokens, outputTokens: data.usage.output_tokens });
  });

  test('create with stream: true', async () => {
    const { data: stream, response } = await client.messages
      .create({ ...params, stream: true })
      .withResponse();
    const events = await collect(stream);
    assert.equal(streamedText(events), DEFAULT_STREAM_TEXT);
    assert.equal(events[0]?.type, 'message_start');
    assert.equal(events.at(-1)?.type, 'message_stop');
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, toUpstream));
    assertGatewayHeaders(response.headers, {
      endpoint: 'an',
      model: 'anthropic-model',
      attempts: 1,
      streamed: true,
    });
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.stream, true);
    assertUsage(record, { inputTokens: 12, outputTokens: 5 });
  });

  test('messages.stream(): finalMessage() and finalText() equal the streamed text', async () => {
    const stream = client.messages.stream(params);
    const pieces: string[] = [];
    stream.on('text', (delta) => pieces.push(delta));
    const message = await stream.finalMessage();
    const block = message.content[0];
    assert.equal(block?.type, 'text');
    assert.equal(block?.type === 'text' ? block.text : '', DEFAULT_STREAM_TEXT);
    assert.equal(pieces.join(''), DEFAULT_STREAM_TEXT);
    assert.equal(await stream.finalText(), DEFAULT_STREAM_TEXT);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, 5);
    assertUpstreamBody(
      lastUpstream(rig),
      expectedBody(rec.last().body, (b) => toUpstream(b)),
    );
    const { response } = await stream.withResponse();
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assertUsage(record, { inputTokens: 12, outputTokens: 5 });
  });

  test('anthropic-beta from `betas` reaches the provider', async () => {
    const result = await client.beta.messages.create({
      ...params,
      betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'],
    });
    assert.equal(result.content[0]?.type, 'text');
    const up = lastUpstream(rig);
    assert.equal(up.path, '/v1/messages');
    assert.equal(up.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14,context-1m-2025-08-07');
    assertUpstreamBody(up, expectedBody(rec.last().body, toUpstream));
  });

  test('anthropic-beta and anthropic-version as explicit headers; other headers stay behind', async () => {
    await client.messages.create(params, {
      headers: {
        'anthropic-beta': 'prompt-caching-2024-07-31',
        'anthropic-version': '2023-06-01',
        'x-custom-thing': 'nope',
        cookie: 'session=secret',
      },
    });
    const up = lastUpstream(rig);
    assert.equal(up.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(up.headers['anthropic-version'], '2023-06-01');
    assert.equal(up.headers['x-custom-thing'], undefined);
    assert.equal(up.headers['cookie'], undefined);
  });

  test('countTokens', async () => {
    const { data, response } = await client.messages
      .countTokens({ model: 'an', system: 'Be brief.', messages: params.messages })
      .withResponse();
    const up = lastUpstream(rig);
    assert.equal(up.path, '/v1/messages/count_tokens');
    assertUpstreamBody(up, expectedBody(rec.last().body, toUpstream));
    assertUpstreamAuth(up, 'anthropic', 'x-api-key');
    assert.equal(data.input_tokens, Math.ceil(up.rawBody.length / 4));
    assertGatewayHeaders(response.headers, {
      endpoint: 'an',
      model: 'anthropic-model',
      attempts: 1,
      streamed: false,
    });
    const record = await recordFor(rig, response.headers.get('x-request-id'));
    assert.equal(record.operation, 'count_tokens');
    assert.equal(record.status, 200);
  });
});

describe('models.list', () => {
  test('lists the endpoints in the Anthropic shape', async () => {
    const page = await client.models.list();
    assert.deepEqual(page.data.map((m) => m.id).sort(), Object.values(ENDPOINTS).sort());
    for (const m of page.data) {
      assert.equal(m.type, 'model');
      assert.equal(m.display_name, m.id);
      assert.ok(!Number.isNaN(Date.parse(m.created_at)), 'created_at is an RFC 3339 time');
    }
    const body = (await (await client.models.list().asResponse()).json()) as Record<string, unknown>;
    assert.equal(body['has_more'], false);
    assert.equal(body['first_id'], page.data[0]?.id);
    assert.equal(body['last_id'], page.data.at(-1)?.id);
    assert.equal(rig.fake.requests.length, 0, 'listing models does not call a provider');
  });
});

describe('the /gateway/anthropic base URL', () => {
  test('messages (streamed and not) and count_tokens', async () => {
    const c = clientAt('/gateway/anthropic');
    const message = await c.messages.create(params);
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', DEFAULT_TEXT);
    assert.equal(rec.last().url.pathname, '/gateway/anthropic/v1/messages');
    assertUpstreamBody(lastUpstream(rig), expectedBody(rec.last().body, toUpstream));

    assert.equal(await c.messages.stream(params).finalText(), DEFAULT_STREAM_TEXT);

    const count = await c.messages.countTokens({ model: 'an', messages: params.messages });
    assert.equal(typeof count.input_tokens, 'number');
    assert.equal(rec.last().url.pathname, '/gateway/anthropic/v1/messages/count_tokens');
    assert.equal(lastUpstream(rig).path, '/v1/messages/count_tokens');
  });
});

test('/v1/messages?beta=true routes as /v1/messages', async () => {
  const response = await fetch(`${rig.gw.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(params),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(body['type'], 'message');
  assert.equal(lastUpstream(rig).path, '/v1/messages');
});

test('without anthropic-version the provider gets the default 2023-06-01', async () => {
  const response = await fetch(`${rig.gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY },
    body: JSON.stringify(params),
  });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  assert.equal(lastUpstream(rig).headers['anthropic-version'], '2023-06-01');
});
