import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { post } from './helpers.ts';

describe('/gateway/{endpoint}/mlflow/invocations', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
  });
  after(async () => {
    await rig.close();
  });

  it('sends `messages` to chat completions, adding the model the body does not name', async () => {
    rig.fake.clear();
    const body = '{"messages":[{"role":"user","content":"hi"}],"temperature":0.2}';
    const reply = await post(rig.gw.url, '/gateway/oa/mlflow/invocations', body);
    assert.equal(reply.status, 200, reply.text);
    assert.equal((reply.json as { object: string }).object, 'chat.completion');
    const upstream = rig.fake.lastRequest()!;
    assert.equal(upstream.path, '/v1/chat/completions');
    assert.equal(
      upstream.rawBody.toString('utf8'),
      `{"model":"${UPSTREAM_MODELS.openai}","messages":[{"role":"user","content":"hi"}],"temperature":0.2}`,
    );
    assert.equal(reply.headers.get('x-switchyard-endpoint'), 'oa');
  });

  it('sends `input` to embeddings', async () => {
    rig.fake.clear();
    const reply = await post(rig.gw.url, '/gateway/vl/mlflow/invocations', '{"input":["a","b"]}');
    assert.equal(reply.status, 200, reply.text);
    assert.equal((reply.json as { object: string }).object, 'list');
    assert.equal(rig.fake.lastRequest()!.path, '/v1/embeddings');
    assert.equal(
      rig.fake.lastRequest()!.rawBody.toString('utf8'),
      `{"model":"${UPSTREAM_MODELS.vllm}","input":["a","b"]}`,
    );
  });

  for (const [label, body] of [
    ['both messages and input', '{"messages":[],"input":"x"}'],
    ['neither', '{"temperature":1}'],
  ] as const) {
    it(`refuses a body with ${label}, in the OpenAI shape`, async () => {
      const reply = await post(rig.gw.url, '/gateway/oa/mlflow/invocations', body);
      assert.equal(reply.status, 400);
      const error = (reply.json as { error: { type: string; message: string } }).error;
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /either 'messages' \(chat\) or 'input' \(embeddings\)/);
    });
  }

  it('answers an unknown endpoint with 404', async () => {
    const reply = await post(rig.gw.url, '/gateway/nope/mlflow/invocations', '{"messages":[]}');
    assert.equal(reply.status, 404);
    assert.equal(reply.headers.get('x-switchyard-endpoint'), 'nope');
  });
});

describe('GET /v1/models', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
  });
  after(async () => {
    await rig.close();
  });

  it('lists the endpoints with the gateway headers every data-plane answer carries', async () => {
    const response = await fetch(`${rig.gw.url}/v1/models`);
    assert.equal(response.status, 200);
    const list = (await response.json()) as { object: string; data: { id: string; object: string }[] };
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((m) => m.id).sort(), ['an', 'az', 'gm', 'oa', 'vl']);
    for (const header of [
      'x-request-id',
      'x-switchyard-attempts',
      'x-switchyard-duration-ms',
      'x-switchyard-overhead-ms',
    ]) {
      assert.ok(response.headers.get(header), header);
    }
    assert.equal(response.headers.get('x-switchyard-attempts'), '0');
  });
});
