import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

const OPEN_BUSY_TIMEOUT_MS = 5000;
const RUNTIME_BUSY_TIMEOUT_MS = 20;
const WRITE_LOCK_WAIT_MS = 10_000;

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return (
    code === 5 || code === 6 || (error instanceof Error && /database is (locked|busy)/.test(error.message))
  );
}

/** Only at open: a busy database can answer SQLITE_BUSY at once (while another process switches it to WAL). */
function retryWhileBusySync(action: () => void): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      action();
      return;
    } catch (error) {
      if (!isBusy(error) || attempt >= 100) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

/**
 * SQLite through the built-in `node:sqlite`: WAL journal, foreign keys on, every statement
 * prepared once. The database is synchronous, but the store interface is async, so a
 * transaction's awaits could let another caller's statements slip into it: a queue runs
 * one unit of work at a time.
 */
export class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #direct: SqlExecutor;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#db = new DatabaseSync(path);
    // Opening happens once, at start: waiting here for another process (a migrator) is fine.
    this.#db.exec(`PRAGMA busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    retryWhileBusySync(() => this.#db.exec('PRAGMA journal_mode = WAL'));
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA foreign_keys = ON');
    // From now on the event loop must not block on another process's lock: wait briefly
    // inside SQLite, and retry asynchronously (see transaction).
    this.#db.exec(`PRAGMA busy_timeout = ${RUNTIME_BUSY_TIMEOUT_MS}`);
    this.#direct = {
      all: async (sql, params = []) => this.#prepare(sql).all(...params) as SqlRow[],
      run: async (sql, params = []) => Number(this.#prepare(sql).run(...params).changes),
    };
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #serialise<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.#serialise(() => this.#direct.all(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#serialise(() => this.#direct.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serialise(async () => {
      await this.#beginImmediate();
      try {
        const result = await work(this.#direct);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Takes the write lock, retrying without blocking the event loop while another process holds it. */
  async #beginImmediate(): Promise<void> {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      try {
        this.#db.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async exec(_tx: SqlExecutor, script: string): Promise<void> {
    this.#db.exec(script);
  }

  async lockForMigration(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's write lock.
  }

  isUniqueViolation(error: unknown): boolean {
    return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
  }

  isForeignKeyViolation(error: unknown): boolean {
    return error instanceof Error && /FOREIGN KEY constraint failed/.test(error.message);
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}
