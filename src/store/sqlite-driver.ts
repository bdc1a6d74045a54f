import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

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
    // First, so that another process holding the database (a migrator) is waited for.
    this.#db.exec('PRAGMA busy_timeout = 5000');
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec('PRAGMA foreign_keys = ON');
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
      this.#db.exec('BEGIN IMMEDIATE');
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
