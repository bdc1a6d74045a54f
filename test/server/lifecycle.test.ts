import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/cli.ts';
import { newMasterKey } from '../support/gateway.ts';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const dirs: string[] = [];

async function startProcess(env: Record<string, string> = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-proc-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      SWITCHYARD_PORT: '0',
      SWITCHYARD_DATA_DIR: dir,
      SWITCHYARD_MASTER_KEY: newMasterKey(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in time:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', () => reject(new Error(`exited before listening:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Starts a POST whose body is only half sent, so the request stays in flight. */
function halfSentRequest(url: string, body: string) {
  const cut = Math.floor(body.length / 2);
  const started: { req?: ReturnType<typeof request> } = {};
  const response = new Promise<{ status: number; body: string; connection: string | undefined }>(
    (resolve, reject) => {
      const req = request(
        `${url}/api/v1/secrets`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, cut));
      started.req = req;
    },
  );
  return {
    response,
    finish: () => started.req!.end(body.slice(cut)),
    abandon: () => started.req!.destroy(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the server process', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz and, on SIGTERM, finishes in-flight requests, refuses new ones and exits 0', async () => {
    const proc = await startProcess();
    const health = await fetch(`${proc.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const inflight = halfSentRequest(
      proc.url,
      JSON.stringify({
        name: 'during-shutdown',
        provider: 'openai',
        value: { api_key: 'sk-inflight-1234567890' },
      }),
    );
    await sleep(100);
    proc.child.kill('SIGTERM');
    await sleep(200);
    await assert.rejects(fetch(`${proc.url}/healthz`), 'a new connection after SIGTERM must be refused');
    assert.equal(proc.child.exitCode, null, 'the process must wait for the in-flight request');

    inflight.finish();
    const reply = await inflight.response;
    assert.equal(reply.status, 201, reply.body);
    assert.equal(
      reply.connection,
      'close',
      'a request in flight at SIGTERM is answered with connection: close',
    );
    assert.equal(await proc.exited, 0);
    assert.match(proc.output(), /"drained":true/);
  });

  it('exits 0 when the grace period runs out with a request still in flight', async () => {
    const proc = await startProcess({ SWITCHYARD_SHUTDOWN_GRACE_MS: '300' });
    const stuck = halfSentRequest(proc.url, JSON.stringify({ name: 'never-finished', provider: 'openai' }));
    stuck.response.catch(() => undefined);
    await sleep(100);
    const signalledAt = Date.now();
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    const took = Date.now() - signalledAt;
    assert.ok(took >= 250 && took < 5000, `took ${took} ms`);
    assert.match(proc.output(), /"drained":false/);
    stuck.abandon();
  });

  it('refuses to start with a broken setting and says which', async () => {
    await assert.rejects(
      startProcess({ SWITCHYARD_PORT: 'eighty' }),
      /SWITCHYARD_PORT: expected a whole number/,
    );
  });
});
