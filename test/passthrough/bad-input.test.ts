// Bad client input on the data plane: each refusal in the client's dialect, with the right
// status, and nothing sent upstream.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { newMasterKey, startGateway, type TestGateway } from '../support/gateway.ts';
import {
  assertDialectError,
  assertGatewayHeaders,
  DIALECTS,
  type Dialect,
  dialectBody,
  dialectPath,
  ENDPOINT_BY_DIALECT,
  ERROR_TYPES,
  lastUpstream,
  post,
  type RawReply,
} from './helpers.ts';

const MISSING_MODEL = "Missing required 'model' parameter";

function validBody(dialect: Dialect, endpoint = ENDPOINT_BY_DIALECT[dialect]): string {
  return JSON.stringify(dialectBody(dialect, endpoint));
}

describe('bad input on the data plane', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane();
  });
  after(async () => {
    await rig.close();
  });

  /** Sends, checks the dialect error, and that the provider saw nothing. */
  async function refused(
    dialect: Dialect,
    path: string,
    body: string,
    status: number,
    type: string,
    extra: { message?: RegExp | string; code?: string; param?: string | null; endpoint?: string } = {},
  ) {
    const before = rig.fake.requestCount;
    const reply = await post(rig.gw.url, path, body);
    const { endpoint, ...expected } = extra;
    assert.equal(
      rig.fake.requestCount,
      before,
      `nothing may reach the provider, but it got ${JSON.stringify(rig.fake.lastRequest()?.rawBody.toString('utf8'))} (client got ${reply.status})`,
    );
    assertDialectError(dialect, reply, status, { type, ...expected });
    assertGatewayHeaders(
      reply.headers,
      endpoint === undefined ? { attempts: '0' } : { attempts: '0', endpoint },
    );
    return reply;
  }

  for (const dialect of DIALECTS) {
    const path = dialectPath(dialect, 'gm');
    const invalid = ERROR_TYPES.invalid[dialect];
    const code = dialect === 'openai' ? { code: 'invalid_request' } : {};

    describe(`${dialect} dialect`, () => {
      it('a body that is not JSON: 400', async () => {
        await refused(dialect, path, '{not json', 400, invalid, {
          message: /not valid JSON \(syntax error at byte 1\)/,
          ...code,
        });
        await refused(dialect, path, 'model=oa&stream=true', 400, invalid, { message: /JSON/ });
        await refused(dialect, path, '{"model":"oa",', 400, invalid, { message: /JSON/ });
      });

      it('an empty body: 400', async () => {
        await refused(dialect, path, '', 400, invalid, { message: /empty/, ...code });
        // Whitespace only is no object either.
        await refused(dialect, path, ' \n\t', 400, invalid, { message: /JSON/ });
      });

      it('a JSON array or scalar body: 400', async () => {
        await refused(dialect, path, `[${validBody(dialect)}]`, 400, invalid, { message: /JSON object/ });
        await refused(dialect, path, '"oa"', 400, invalid, { message: /JSON object/ });
        await refused(dialect, path, 'null', 400, invalid, { message: /JSON object/ });
        await refused(dialect, path, '42', 400, invalid, { message: /JSON object/ });
      });

      it('JSON with trailing garbage after the object: 400', async () => {
        await refused(dialect, path, `${validBody(dialect)} trailing`, 400, invalid, { message: /JSON/ });
        await refused(dialect, path, `${validBody(dialect)}${validBody(dialect)}`, 400, invalid, {
          message: /JSON/,
        });
      });

      it('malformed JSON inside the object (mismatched brackets, bad literals): 400', async () => {
        const ep = ENDPOINT_BY_DIALECT[dialect];
        const model = dialect === 'gemini' ? '' : `"model":"${ep}",`;
        await refused(dialect, path, `{${model}"messages":[{"role":"user","content":"hi"]}}`, 400, invalid, {
          message: /JSON/,
        });
        await refused(dialect, path, `{${model}"stream":tru}`, 400, invalid, { message: /JSON/ });
      });

      if (dialect !== 'gemini') {
        it(`missing model: 400 ${MISSING_MODEL}`, async () => {
          const { model: _m, ...rest } = dialectBody(dialect, 'x');
          const param = dialect === 'openai' ? { param: 'model', code: 'missing_model' } : {};
          await refused(dialect, path, JSON.stringify(rest), 400, invalid, {
            message: MISSING_MODEL,
            ...param,
          });
          await refused(dialect, path, JSON.stringify({ ...rest, model: '' }), 400, invalid, {
            message: MISSING_MODEL,
          });
          await refused(dialect, path, '{}', 400, invalid, { message: MISSING_MODEL });
        });

        it('model that is not a string: 400', async () => {
          const { model: _m, ...rest } = dialectBody(dialect, 'x');
          for (const model of [42, null, true, ['oa'], { name: 'oa' }]) {
            await refused(dialect, path, JSON.stringify({ ...rest, model }), 400, invalid, {
              message: "'model' must be a string",
              ...(dialect === 'openai' ? { param: 'model' } : {}),
            });
          }
        });
      }

      it('unknown endpoint: 404', async () => {
        const unknownPath = dialectPath(dialect, 'no-such-endpoint');
        const body = validBody(dialect, 'no-such-endpoint');
        await refused(dialect, unknownPath, body, 404, ERROR_TYPES.notFound[dialect], {
          message: /no-such-endpoint/,
          endpoint: 'no-such-endpoint',
        });
      });
    });
  }

  it('unknown endpoint on every route: 404 in that route dialect', async () => {
    const cases: [Dialect, string, unknown][] = [
      ['openai', '/v1/responses', { model: 'nope', input: 'hi' }],
      ['openai', '/v1/embeddings', { model: 'nope', input: 'hi' }],
      ['openai', '/gateway/openai/v1/chat/completions', { model: 'nope', messages: [] }],
      ['anthropic', '/v1/messages/count_tokens', { model: 'nope', messages: [] }],
      ['anthropic', '/gateway/anthropic/v1/messages', { model: 'nope', messages: [] }],
      ['gemini', '/v1/models/nope:generateContent', { contents: [] }],
      ['gemini', '/gateway/gemini/v1beta/models/nope:streamGenerateContent?alt=sse', { contents: [] }],
    ];
    for (const [dialect, path, body] of cases) {
      await refused(dialect, path, JSON.stringify(body), 404, ERROR_TYPES.notFound[dialect], {
        message: /nope/,
        endpoint: 'nope',
      });
    }
  });

  it('unknown Gemini method: 404', async () => {
    const body = validBody('gemini');
    for (const target of ['gm:countTokens', 'gm:embedContent', 'gm:generateContentX', 'gm', 'gm:']) {
      await refused('gemini', `/v1beta/models/${target}`, body, 404, 'NOT_FOUND', {
        message: /generateContent or streamGenerateContent/,
      });
    }
  });

  it('an unknown data-plane route: 404 in the dialect its path belongs to', async () => {
    const openai = await post(rig.gw.url, '/v1/chat/complete', validBody('openai'));
    assertDialectError('openai', openai, 404, { type: 'not_found_error', message: /no route/ });
    const anthropic = await post(rig.gw.url, '/v1/messages/batches', validBody('anthropic'));
    assertDialectError('anthropic', anthropic, 404, { type: 'not_found_error', message: /no route/ });
    const gemini = await post(rig.gw.url, '/v1beta/files/abc:generateContent', validBody('gemini'));
    assertDialectError('gemini', gemini, 404, { type: 'NOT_FOUND', message: /no route/ });
  });

  it('query strings are ignored for routing', async () => {
    rig.fake.clear();
    const anthropic = await post(rig.gw.url, '/v1/messages?beta=true', validBody('anthropic'));
    assert.equal(anthropic.status, 200, anthropic.text);
    assert.equal(lastUpstream(rig).path, '/v1/messages');
    assert.equal(lastUpstream(rig).url, '/v1/messages?beta=true', "the SDK's beta marker is kept");
    const counted = await post(rig.gw.url, '/v1/messages/count_tokens?beta=true&x=1', validBody('anthropic'));
    assert.equal(counted.status, 200, counted.text);
    assert.equal(
      lastUpstream(rig).url,
      '/v1/messages/count_tokens?beta=true',
      'other query keys are dropped',
    );
    const openai = await post(rig.gw.url, '/v1/chat/completions?foo=bar', validBody('openai'));
    assert.equal(openai.status, 200, openai.text);
    assert.equal(lastUpstream(rig).url, '/v1/chat/completions');
    const gemini = await post(
      rig.gw.url,
      '/v1beta/models/gm:streamGenerateContent?foo=1&alt=sse&bar=2',
      validBody('gemini'),
    );
    assert.equal(gemini.status, 200, gemini.text);
    assert.equal(
      lastUpstream(rig).url,
      `/v1beta/models/${UPSTREAM_MODELS.gemini}:streamGenerateContent?alt=sse`,
    );
    assert.equal(rig.fake.requestCount, 4);
  });
});

/** A chunked upload (no content-length), so only the running count can catch the size. */
function chunkedPost(base: string, path: string, body: Buffer): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        agent: false,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            chunks,
            body: all,
            text: all.toString('utf8'),
            complete: res.complete,
          });
        });
      },
    );
    // The server may stop reading (and close) once it has refused the body: a write error
    // after its answer arrived is expected.
    req.on('error', (error) => {
      if (!responded) setTimeout(() => reject(error), 200);
    });
    let at = 0;
    const pump = (): void => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 512);
        at += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('body over the limit (SWITCHYARD_MAX_BODY_BYTES=2048)', () => {
  let rig: DataPlaneRig;
  before(async () => {
    rig = await startDataPlane({ SWITCHYARD_MAX_BODY_BYTES: '2048' });
  });
  after(async () => {
    await rig.close();
  });

  function sized(dialect: Dialect, bytes: number): string {
    const base = dialectBody(dialect, ENDPOINT_BY_DIALECT[dialect]);
    const empty = JSON.stringify({ ...base, padding: '' });
    const text = JSON.stringify({ ...base, padding: 'x'.repeat(bytes - empty.length) });
    assert.equal(Buffer.byteLength(text), bytes);
    return text;
  }

  for (const dialect of DIALECTS) {
    it(`${dialect}: 413 with the dialect's type, declared or chunked; a body at the limit passes`, async () => {
      const path = dialectPath(dialect, 'gm');
      const type = ERROR_TYPES.tooLarge[dialect];
      const before = rig.fake.requestCount;

      const declared = await post(rig.gw.url, path, sized(dialect, 4096));
      assertDialectError(dialect, declared, 413, { type, message: /larger than the limit of 2048 bytes/ });
      assertGatewayHeaders(declared.headers, { attempts: '0' });

      const chunked = await chunkedPost(rig.gw.url, path, Buffer.from(sized(dialect, 64 * 1024)));
      assertDialectError(dialect, chunked, 413, { type, message: /2048/ });
      assert.equal(chunked.headers['connection'], 'close');
      assert.equal(rig.fake.requestCount, before, 'nothing reached the provider');

      const body = sized(dialect, 2048);
      const atLimit = await post(rig.gw.url, path, body);
      assert.equal(atLimit.status, 200, atLimit.text);
      assert.equal(rig.fake.requestCount, before + 1);
      const ep = ENDPOINT_BY_DIALECT[dialect];
      assert.equal(
        lastUpstream(rig).rawBody.toString('utf8'),
        dialect === 'gemini'
          ? body
          : body.replace(`"model":"${ep}"`, `"model":"${UPSTREAM_MODELS[dialect]}"`),
      );
    });
  }
});

describe('provider not allowed (SWITCHYARD_ALLOWED_PROVIDERS)', () => {
  let rig: DataPlaneRig;
  let restricted: TestGateway;
  before(async () => {
    // The endpoints are created while every provider is allowed; a second gateway over the
    // same database then allows only OpenAI.
    const key = newMasterKey();
    rig = await startDataPlane({ SWITCHYARD_MASTER_KEY: key });
    restricted = await startGateway({
      SWITCHYARD_MASTER_KEY: key,
      SWITCHYARD_DATABASE_URL: `sqlite:${join(rig.gw.dir, 'switchyard.db')}`,
      SWITCHYARD_ALLOWED_PROVIDERS: 'openai',
    });
  });
  after(async () => {
    await restricted.close();
    await rig.close();
  });

  it('endpoints of other providers answer 403 in the dialect; allowed ones still work', async () => {
    const before = rig.fake.requestCount;
    for (const dialect of ['anthropic', 'gemini'] as const) {
      const reply = await post(restricted.url, dialectPath(dialect, 'gm'), validBody(dialect));
      assertDialectError(dialect, reply, 403, {
        type: ERROR_TYPES.forbidden[dialect],
        message: /not allowed/,
      });
      assertGatewayHeaders(reply.headers, { endpoint: ENDPOINT_BY_DIALECT[dialect] });
    }
    assert.equal(rig.fake.requestCount, before, 'nothing reached the provider');
    const allowed = await post(restricted.url, dialectPath('openai', 'oa'), validBody('openai'));
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(rig.fake.requestCount, before + 1);
  });
});
