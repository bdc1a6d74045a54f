// More concurrent streams to one provider than any fixed connection cap would allow: each
// stream holds an upstream connection for as long as it lasts, so a cap of N per origin
// makes stream N+1 wait for another to end (minutes, for a real model). Every stream must
// have its first bytes while all the others are still open.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { closeUpstreamConnections } from '../../src/transport/dispatcher.ts';
import { defaultReply, type FakeProvider, stall, startFakeProvider } from '../fake-provider/index.ts';
import { SECRET_KEYS, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/** Above 1024, the cap the upstream agent once had. */
const STREAMS = 1100;

describe('many concurrent streams to one provider', () => {
  let fake: FakeProvider;
  let gw: TestGateway;

  before(async () => {
    fake = await startFakeProvider({ record: false });
    // The role chunk, then nothing until the client goes away: every stream stays open.
    fake.setDefault(stall({ afterFrames: 1 }, defaultReply()));
    gw = await startGateway({ SWITCHYARD_LOG_LEVEL: 'warn' });
    const created = [
      await gw.call('POST', '/api/v1/secrets', {
        name: 'many-secret',
        provider: 'openai',
        value: { api_key: SECRET_KEYS.openai },
        auth_config: { api_base: `${fake.url}/v1` },
      }),
      await gw.call('POST', '/api/v1/models', {
        name: 'many-model',
        provider: 'openai',
        model_name: UPSTREAM_MODELS.openai,
        secret: 'many-secret',
      }),
      await gw.call('POST', '/api/v1/endpoints', {
        name: 'many',
        models: [{ model: 'many-model', role: 'primary' }],
      }),
    ];
    for (const reply of created) assert.equal(reply.status, 201, reply.text);
  });

  after(async () => {
    await gw.close();
    await closeUpstreamConnections({ force: true });
    await fake.close();
  });

  it(`opens ${STREAMS} streams at once, each with its first bytes while the others are open`, async () => {
    const pool = new Pool(gw.url, { connections: null, pipelining: 1 });
    const body = JSON.stringify({
      model: 'many',
      stream: true,
      messages: [{ role: 'user', content: 'Hold this line open.' }],
    });
    const firstBytes = Array.from({ length: STREAMS }, () =>
      pool
        .request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          headersTimeout: 20_000,
        })
        .then(
          (res) =>
            new Promise<string>((resolve, reject) => {
              res.body.once('data', (chunk: Buffer) =>
                resolve(`${res.statusCode} ${chunk.toString('utf8')}`),
              );
              res.body.once('error', reject);
              res.body.once('end', () => reject(new Error('the stream ended early')));
            }),
        ),
    );
    try {
      const firsts = await Promise.all(firstBytes);
      assert.equal(firsts.length, STREAMS);
      for (const first of firsts) assert.match(first, /^200 data: \{.*"role":"assistant"/);
      assert.equal(fake.inFlight, STREAMS, 'every stream holds its own upstream response');
    } finally {
      await pool.destroy();
    }
  });
});
