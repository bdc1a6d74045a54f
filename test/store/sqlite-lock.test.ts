import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newId } from '../../src/core/ids.ts';
import { openStore } from '../../src/store/open-store.ts';

/** Another process (say `switchyard apply`) holding SQLite's write lock for `ms`. */
function holdWriteLock(path: string, ms: number): Promise<void> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});
  `;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', reject);
  });
}

describe('SQLite while another process holds the write lock', () => {
  it('waits for it without blocking the event loop, then writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-lock-'));
    const path = join(dir, 'db.sqlite');
    const store = await openStore(`sqlite:${path}`);
    try {
      await store.migrate();
      await holdWriteLock(path, 1500);
      let ticks = 0;
      let longestGap = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const started = performance.now();
      await store.write(async (w) => {
        await w.insertSecret({
          id: newId('sec'),
          name: 'after-the-lock',
          provider: 'openai',
          sealed: { ciphertext: 'c', wrappedKey: 'w', keyId: 'k' },
          maskedValue: '',
          authConfig: {},
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        });
      });
      const waited = performance.now() - started;
      clearInterval(timer);
      assert.ok(waited > 1000, `the write went through while the lock was held (${waited} ms)`);
      assert.ok(ticks > 20, `the event loop turned ${ticks} times while waiting`);
      // A synchronous wait would show one gap as long as the lock (1.5 s).
      assert.ok(longestGap < 1000, `the event loop stalled for ${longestGap.toFixed(0)} ms`);
      assert.notEqual(await store.read((r) => r.findSecret('after-the-lock')), null);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
