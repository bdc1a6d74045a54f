import { createHash } from 'node:crypto';
import pg from 'pg';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

interface Queryable {
  query(config: {
    name?: string;
    text: string;
    values: SqlValue[];
  }): Promise<{ rows: SqlRow[]; rowCount: number | null }>;
}

interface Translated {
  text: string;
  name: string;
}

const translations = new Map<string, Translated>();

/** `?` placeholders to `$n`, and a statement name so each connection prepares it once. */
function translate(sql: string): Translated {
  let translated = translations.get(sql);
  if (!translated) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    translated = { text, name: `sy_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` };
    translations.set(sql, translated);
  }
  return translated;
}

function executor(client: Queryable): SqlExecutor {
  return {
    all: async (sql, params = []) => (await client.query({ ...translate(sql), values: [...params] })).rows,
    run: async (sql, params = []) =>
      (await client.query({ ...translate(sql), values: [...params] })).rowCount ?? 0,
  };
}

const MIGRATION_LOCK_ID = 7_271_832_511;

export class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #direct: SqlExecutor;

  constructor(connectionString: string, poolSize = 10) {
    this.#pool = new pg.Pool({ connectionString, max: poolSize });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
    this.#direct = executor(this.#pool as unknown as Queryable);
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.#direct.all(sql, params);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(executor(client as unknown as Queryable));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(tx: SqlExecutor, script: string): Promise<void> {
    // Migration scripts hold no `?`, and a multi-statement script cannot be a prepared statement.
    for (const statement of script.split(';').map((s) => s.trim())) {
      if (statement) await tx.run(statement);
    }
  }

  async lockForMigration(tx: SqlExecutor): Promise<void> {
    await tx.all(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID}) AS locked`);
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === '23505';
  }

  isForeignKeyViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === '23503';
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
