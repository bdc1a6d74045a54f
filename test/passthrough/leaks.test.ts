// Hundreds of streams abandoned by their clients: every upstream call is aborted, and sockets,
// handles, timers and memory come back to where they were.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../../src/app.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { listen, type RunningServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { MemoryRecordSink } from '../../src/pipeline/request-record.ts';
import { openRuntime } from '../../src/runtime.ts';
import { closeUpstreamConnections } from '../../src/transport/dispatcher.ts';
import { defaultReply, drip, type FakeProvider, startFakeProvider } from '../fake-provider/index.ts';
import { SECRET_KEYS, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { newMasterKey } from '../support/gateway.ts';
import { type Dialect, dialectBody, dialectPath, ENDPOINT_BY_DIALECT, rawPost, sleep } from './helpers.ts';

const PER_DIALECT = 100;
const ROUNDS = 3;
const DIALECTS: readonly Dialect[] = ['openai', 'anthropic', 'gemini'];

function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => gc() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A gateway like test/support/gateway.ts builds, but keeping its http.Server so its open
 * connections can be counted.
 */
interface ExposedGateway {
  url: string;
  running: RunningServer;
  sink: MemoryRecordSink;
  close(): Promise<void>;
}

async function startExposedGateway(fake: FakeProvider): Promise<ExposedGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-leaks-'));
  const settings = loadSettings({
    SWITCHYARD_DATA_DIR: dir,
    SWITCHYARD_MASTER_KEY: newMasterKey(),
    SWITCHYARD_LOG_LEVEL: 'warn',
  });
  const log = createLogger(settings.logLevel, new Writable({ write: (_c, _e, done) => done() }));
  const { store, vault } = await openRuntime(settings, log);
  const sink = new MemoryRecordSink(5000);
  const app = await buildApp({ settings, store, vault, log, sink, keepaliveMs: 200 });
  const running = await listen(app, '127.0.0.1', 0, log);
  const bases = { openai: `${fake.url}/v1`, anthropic: fake.url, gemini: fake.url };
  // One connection per call (no keep-alive), so none is left open to count later.
  const call = async (path: string, body: unknown) => {
    const res = await rawPost(running.url, path, JSON.stringify(body));
    assert.equal(res.status, 201, res.text);
  };
  for (const provider of DIALECTS) {
    await call('/api/v1/secrets', {
      name: `${provider}-secret`,
      provider,
      value: { api_key: SECRET_KEYS[provider] },
      auth_config: { api_base: bases[provider] },
    });
    await call('/api/v1/models', {
      name: `${provider}-model`,
      provider,
      model_name: UPSTREAM_MODELS[provider],
      secret: `${provider}-secret`,
    });
    await call('/api/v1/endpoints', {
      name: ENDPOINT_BY_DIALECT[provider],
      models: [{ model: `${provider}-model`, role: 'primary' }],
    });
  }
  return {
    url: running.url,
    running,
    sink,
    async close() {
      await running.shutdown(1000);
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a stream on a fresh connection and destroys it after `afterChunks` body chunks. */
function openThenAbort(base: string, dialect: Dialect, afterChunks: number): Promise<string> {
  const url = new URL(base);
  const endpoint = ENDPOINT_BY_DIALECT[dialect];
  const body = JSON.stringify(dialectBody(dialect, endpoint, true));
  return new Promise((resolve, reject) => {
    let done = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: dialectPath(dialect, endpoint, true),
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const requestId = String(res.headers['x-request-id']);
        if (res.statusCode !== 200) {
          done = true;
          req.destroy();
          reject(new Error(`${dialect} stream answered ${res.statusCode}`));
          return;
        }
        let chunks = 0;
        res.on('error', () => {});
        res.on('data', () => {
          if (++chunks === afterChunks && !done) {
            done = true;
            req.destroy();
            resolve(requestId);
          }
        });
      },
    );
    req.on('error', (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
    req.end(body);
  });
}

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function connections(running: RunningServer): Promise<number> {
  return new Promise((resolve, reject) =>
    running.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

/** Types whose count is above the baseline (after waiting up to `ms` for them to settle). */
async function settledExcess(baseline: Map<string, number>, ms: number): Promise<Record<string, string>> {
  let excess: Record<string, string> = {};
  for (const deadline = performance.now() + ms; ; ) {
    excess = {};
    for (const [type, count] of resourceCounts()) {
      const base = baseline.get(type) ?? 0;
      if (count > base) excess[type] = `${count} > baseline ${base}`;
    }
    if (Object.keys(excess).length === 0 || performance.now() > deadline) return excess;
    await sleep(50);
  }
}

describe('client aborts do not leak', () => {
  let fake: FakeProvider;
  let gw: ExposedGateway;
  before(async () => {
    fake = await startFakeProvider();
    gw = await startExposedGateway(fake);
    // Long, slow streams: open for 20 s unless someone goes away.
    fake.setDefault(drip(50, defaultReply({ chunks: 400 })));
  });
  after(async () => {
    await gw.close();
    await fake.close();
  });

  async function round(perDialect: number): Promise<string[]> {
    fake.clear();
    const opened: Promise<string>[] = [];
    for (let i = 0; i < perDialect; i++) {
      for (const dialect of DIALECTS) opened.push(openThenAbort(gw.url, dialect, 1 + (i % 3)));
    }
    const ids = await Promise.all(opened);
    const total = perDialect * DIALECTS.length;
    // The fake provider saw every one of its clients (the gateway) go away mid-stream.
    await fake.waitForAborts(total, 10_000);
    assert.equal(fake.requestCount, total);
    assert.equal(fake.abortedStreams, total);
    // Every exchange was recorded as abandoned by the client.
    for (let i = 0; i < 100; i++) {
      if (ids.every((id) => gw.sink.records.some((r) => r.requestId === id))) break;
      await sleep(20);
    }
    const statuses = ids.map((id) => gw.sink.records.find((r) => r.requestId === id)?.status);
    assert.deepEqual(
      statuses.filter((s) => s !== 499),
      [],
      'every aborted stream is recorded with status 499',
    );
    return ids;
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await connections(gw.running)) === 0 && fake.inFlight === 0) return;
      await sleep(50);
    }
    assert.equal(await connections(gw.running), 0, 'gateway connections after the round');
    assert.equal(fake.inFlight, 0, 'fake provider responses still being written');
  }

  it(`aborting ${PER_DIALECT * DIALECTS.length} streams per round aborts every upstream call and leaks nothing`, async (t) => {
    const gc = gcFunction();
    // Warm-up: the same kind of traffic once, so lazily created things (agents, caches) exist.
    await round(10);
    await settle();
    gc?.();
    await sleep(100);
    const baseline = resourceCounts();
    const baseConnections = await connections(gw.running);
    assert.equal(baseConnections, 0);

    const heap: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      await round(PER_DIALECT);
      await settle();
      const excess = await settledExcess(baseline, 3000);
      assert.deepEqual(excess, {}, `round ${r + 1}: active resources above the baseline`);
      gc?.();
      heap.push(process.memoryUsage().heapUsed);
      t.diagnostic(`round ${r + 1}: heapUsed ${(heap[r]! / 1048576).toFixed(1)} MiB`);
    }
    t.diagnostic(
      `baseline resources: ${JSON.stringify(Object.fromEntries(baseline))}; gc ${gc ? 'forced' : 'unavailable'}`,
    );

    // Memory does not grow round after round (records of 900 requests are kept by the sink).
    const growth = heap[heap.length - 1]! - heap[0]!;
    const limit = gc ? 16 * 1024 * 1024 : 64 * 1024 * 1024;
    assert.ok(
      growth < limit,
      `heap grew ${(growth / 1048576).toFixed(1)} MiB over ${ROUNDS} rounds: ${heap.join(', ')}`,
    );

    // Nothing is still in flight upstream: closing the pool completes at once.
    const closed = await Promise.race([
      closeUpstreamConnections().then(() => true),
      sleep(2000).then(() => false),
    ]);
    assert.ok(closed, 'closing the upstream pool waited on requests still in flight');

    // The gateway is healthy and still serves.
    const health = await fetch(`${gw.url}/healthz`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    fake.setDefault(undefined);
    for (const dialect of DIALECTS) {
      const ep = ENDPOINT_BY_DIALECT[dialect];
      const reply = await fetch(gw.url + dialectPath(dialect, ep, true), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(dialectBody(dialect, ep, true)),
      });
      assert.equal(reply.status, 200);
      const text = await reply.text();
      assert.ok(text.length > 0);
      assert.doesNotMatch(text, /"error"/);
    }
  });
});
