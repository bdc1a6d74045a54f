export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** `sql` uses `?` placeholders; drivers translate them to their own. */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** What the SQL store needs from a database: the two implementations are SQLite and PostgreSQL. */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'sqlite' | 'postgres';
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(tx: SqlExecutor, script: string): Promise<void>;
  /** Serialises migrators across processes inside a migration transaction. */
  lockForMigration(tx: SqlExecutor): Promise<void>;
  isUniqueViolation(error: unknown): boolean;
  isForeignKeyViolation(error: unknown): boolean;
  close(): Promise<void>;
}
