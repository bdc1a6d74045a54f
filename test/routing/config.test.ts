// Routing configuration refused at config time by the admin API (400 naming the field, nothing
// changed): the cases test/admin/endpoints.test.ts does not already cover, and `value.api_keys`.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertRefused, create, createModel, createSecret, uniqueName } from '../admin/admin-helpers.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
const m1 = 'cfg-model-1';
const m2 = 'cfg-model-2';
const m3 = 'cfg-model-3';

before(async () => {
  gw = await startGateway();
  await createSecret(gw, 'cfg-secret', 'openai', 'sk-cfg-0123456789abcdef');
  for (const m of [m1, m2, m3]) await createModel(gw, m, 'cfg-secret');
});
after(() => gw.close());

const postEndpoint = (body: unknown) => () => gw.call('POST', '/api/v1/endpoints', body);
const endpoint = (overrides: Record<string, unknown> = {}) => ({
  name: uniqueName('cfg-ep'),
  models: [{ model: m1, role: 'primary' }],
  ...overrides,
});
const withFallback = (overrides: Record<string, unknown> = {}) =>
  endpoint({
    models: [
      { model: m1, role: 'primary' },
      { model: m2, role: 'fallback' },
    ],
    ...overrides,
  });

describe('endpoint routing policy refused at config time', () => {
  it('traffic_split with every primary at weight 0', async () => {
    await assertRefused(
      gw,
      postEndpoint(
        endpoint({
          routing: 'traffic_split',
          models: [
            { model: m1, weight: 0 },
            { model: m2, weight: 0 },
            { model: m3, role: 'fallback' },
          ],
        }),
      ),
      400,
      'models[0].weight',
    );
  });

  it('a PATCH to traffic_split over primaries that are all weight 0', async () => {
    const created = await create(
      gw,
      'endpoints',
      endpoint({
        models: [
          { model: m1, weight: 0 },
          { model: m2, weight: 0 },
        ],
      }),
    );
    await assertRefused(
      gw,
      () => gw.call('PATCH', `/api/v1/endpoints/${String(created['name'])}`, { routing: 'traffic_split' }),
      400,
      'models[0].weight',
    );
  });

  for (const fallback of [{}, { on: ['5xx'] }, { max_attempts: 1 }]) {
    it(`fallback ${JSON.stringify(fallback)} with no fallback model`, async () => {
      await assertRefused(gw, postEndpoint(endpoint({ fallback })), 400, 'fallback');
    });
  }

  for (const value of [-1, 1.5, 101, null, true]) {
    it(`fallback.max_attempts ${JSON.stringify(value)}`, async () => {
      await assertRefused(
        gw,
        postEndpoint(withFallback({ fallback: { max_attempts: value } })),
        400,
        'fallback.max_attempts',
      );
    });
  }

  it('fallback.max_attempts at its bounds (1 and 100) is accepted', async () => {
    for (const max of [1, 100]) {
      const created = await create(gw, 'endpoints', withFallback({ fallback: { max_attempts: max } }));
      assert.deepEqual(created['fallback'], { max_attempts: max });
    }
  });

  it('a PATCH to fallback.max_attempts 0', async () => {
    const created = await create(gw, 'endpoints', withFallback({ fallback: { max_attempts: 2 } }));
    await assertRefused(
      gw,
      () =>
        gw.call('PATCH', `/api/v1/endpoints/${String(created['name'])}`, { fallback: { max_attempts: 0 } }),
      400,
      'fallback.max_attempts',
    );
  });

  for (const field of ['connect_ms', 'first_byte_ms', 'idle_ms', 'total_ms']) {
    for (const value of [1.5, 3_600_001, '1000']) {
      it(`timeouts.${field} ${JSON.stringify(value)}`, async () => {
        await assertRefused(
          gw,
          postEndpoint(endpoint({ timeouts: { [field]: value } })),
          400,
          `timeouts.${field}`,
        );
      });
    }
  }

  it('timeouts as a number', async () => {
    await assertRefused(gw, postEndpoint(endpoint({ timeouts: 5000 })), 400, 'timeouts');
  });

  for (const [field, value] of [
    ['attempts', 11],
    ['attempts', 1.5],
    ['backoff_ms', 60_001],
    ['backoff_ms', 2.5],
    ['backoff_ms', '100'],
  ] as const) {
    it(`retry.${field} ${JSON.stringify(value)}`, async () => {
      await assertRefused(gw, postEndpoint(endpoint({ retry: { [field]: value } })), 400, `retry.${field}`);
    });
  }

  it('an unknown field in retry, and retry that is not an object', async () => {
    await assertRefused(gw, postEndpoint(endpoint({ retry: { jitter: true } })), 400, 'retry.jitter');
    await assertRefused(gw, postEndpoint(endpoint({ retry: 3 })), 400, 'retry');
  });

  it('a PATCH to retry.attempts 1.5 or timeouts.idle_ms -1', async () => {
    const created = await create(gw, 'endpoints', endpoint());
    const path = `/api/v1/endpoints/${String(created['name'])}`;
    await assertRefused(
      gw,
      () => gw.call('PATCH', path, { retry: { attempts: 1.5 } }),
      400,
      'retry.attempts',
    );
    await assertRefused(
      gw,
      () => gw.call('PATCH', path, { timeouts: { idle_ms: -1 } }),
      400,
      'timeouts.idle_ms',
    );
  });

  it('the limits themselves are accepted: retry.attempts 0 and 10, backoff_ms 0, timeouts of 1 ms and an hour', async () => {
    const created = await create(
      gw,
      'endpoints',
      endpoint({
        retry: { attempts: 0, backoff_ms: 0 },
        timeouts: { connect_ms: 1, first_byte_ms: 3_600_000, idle_ms: 1, total_ms: 3_600_000 },
      }),
    );
    assert.deepEqual(created['retry'], { attempts: 0, backoff_ms: 0 });
    const top = await create(gw, 'endpoints', endpoint({ retry: { attempts: 10 } }));
    assert.deepEqual(top['retry'], { attempts: 10 });
  });

  it('traffic_split without weights is accepted: each primary weighs 1', async () => {
    const created = await create(
      gw,
      'endpoints',
      endpoint({ routing: 'traffic_split', models: [{ model: m1 }, { model: m2 }] }),
    );
    const routed = gw.app.snapshots.current.endpoints.get(String(created['name']));
    assert.deepEqual(
      routed?.primaries.map((p) => p.weight),
      [1, 1],
    );
  });

  it('traffic_split with a weight-0 fallback is accepted (weights split the primaries only)', async () => {
    await create(
      gw,
      'endpoints',
      endpoint({
        routing: 'traffic_split',
        models: [
          { model: m1, weight: 2 },
          { model: m2, role: 'fallback', weight: 0 },
        ],
        fallback: {},
      }),
    );
  });
});

describe('value.api_keys refused at config time', () => {
  const postSecret =
    (value: unknown, provider = 'openai') =>
    () =>
      gw.call('POST', '/api/v1/secrets', { name: uniqueName('cfg-keys'), provider, value });

  const cases: [string, unknown, string][] = [
    ['an empty array', { api_keys: [] }, 'value.api_keys'],
    ['a string instead of an array', { api_keys: 'sk-one-0123456789' }, 'value.api_keys'],
    ['an object instead of an array', { api_keys: { a: 'sk-one-0123456789' } }, 'value.api_keys'],
    ['a number among the keys', { api_keys: ['sk-one-0123456789', 42] }, 'value.api_keys[1]'],
    ['null among the keys', { api_keys: [null] }, 'value.api_keys[0]'],
    ['an empty key', { api_keys: ['', 'sk-two-0123456789'] }, 'value.api_keys[0]'],
    ['a blank key', { api_keys: ['sk-one-0123456789', '   '] }, 'value.api_keys[1]'],
    ['the same key twice', { api_keys: ['sk-one-0123456789', 'sk-one-0123456789'] }, 'value.api_keys'],
    [
      'api_keys together with api_key',
      { api_key: 'sk-one-0123456789', api_keys: ['sk-two-0123456789'] },
      'value.api_keys',
    ],
    ["'!PASSTHRU' inside the list", { api_keys: ['sk-one-0123456789', '!PASSTHRU'] }, 'value.api_keys[1]'],
    ["'!PASSTHRU' as the only key of the list", { api_keys: ['!PASSTHRU'] }, 'value.api_keys[0]'],
  ];

  for (const [label, value, field] of cases) {
    it(`POST: ${label}`, async () => {
      await assertRefused(gw, postSecret(value), 400, field);
    });
  }

  it('a provider that needs no key still has its key list checked', async () => {
    await assertRefused(gw, postSecret({ api_keys: [] }, 'ollama'), 400, 'value.api_keys');
  });

  describe('PATCH', () => {
    let name: string;
    before(async () => {
      name = uniqueName('cfg-keys-patch');
      await create(gw, 'secrets', {
        name,
        provider: 'openai',
        value: { api_keys: ['sk-one-0123456789', 'sk-two-0123456789'] },
      });
    });
    for (const [label, value, field] of cases) {
      it(label, async () => {
        await assertRefused(gw, () => gw.call('PATCH', `/api/v1/secrets/${name}`, { value }), 400, field);
      });
    }
  });

  // A key pasted with its trailing newline (`$(cat key.txt)`) would make every request that
  // picks it fail as a 502 "connection was reset" (undici refuses the header), which would
  // also count against the model's circuit.
  it('a key holding a control character (a trailing newline) is refused', async () => {
    await assertRefused(gw, postSecret({ api_keys: ['sk-one-0123456789\n'] }), 400, 'value.api_keys[0]');
    await assertRefused(gw, postSecret({ api_key: 'sk-one-0123456789\n' }), 400, 'value.api_key');
  });

  it('a list of distinct keys is accepted, each key masked', async () => {
    const created = await create(gw, 'secrets', {
      name: uniqueName('cfg-keys-ok'),
      provider: 'openai',
      value: { api_keys: ['sk-one-0123456789', 'sk-two-9876543210'] },
    });
    assert.equal(created['masked_value'], 'sk-...6789, sk-...3210');
  });
});
