import { conflict } from '../core/errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type {
  EndpointPolicy,
  EndpointRecord,
  EndpointTarget,
  ModelRecord,
  PageRequest,
  Pricing,
  SecretRecord,
  TargetRole,
} from './records.ts';
import type { SqlDriver, SqlExecutor, SqlRow } from './sql-driver.ts';
import type { Store, StoreReader, StoreWriter } from './store.ts';

const str = (row: SqlRow, column: string): string => String(row[column]);
const json = <T>(row: SqlRow, column: string): T => JSON.parse(str(row, column)) as T;
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function toSecret(row: SqlRow): SecretRecord {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    provider: str(row, 'provider'),
    sealed: {
      ciphertext: str(row, 'ciphertext'),
      wrappedKey: str(row, 'wrapped_key'),
      keyId: str(row, 'key_id'),
    },
    maskedValue: str(row, 'masked_value'),
    authConfig: json<Record<string, string>>(row, 'auth_config'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

function toModel(row: SqlRow): ModelRecord {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    provider: str(row, 'provider'),
    modelName: str(row, 'model_name'),
    secretId: str(row, 'secret_id'),
    pricing: row['pricing'] === null ? null : json<Pricing>(row, 'pricing'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

function toTarget(row: SqlRow): EndpointTarget {
  return {
    modelId: str(row, 'model_id'),
    role: str(row, 'role') as TargetRole,
    weight: numOrNull(row['weight']),
    order: numOrNull(row['sort_order']),
  };
}

const SECRET_COLUMNS =
  'id, name, provider, ciphertext, wrapped_key, key_id, masked_value, auth_config, created_at, updated_at';
const MODEL_COLUMNS = 'id, name, provider, model_name, secret_id, pricing, created_at, updated_at';
const ENDPOINT_COLUMNS = 'id, name, policy, created_at, updated_at';
const TARGET_COLUMNS = 'endpoint_id, position, model_id, role, weight, sort_order';

/** Keyset pagination over time-ordered ids: `after` is the last id of the previous page. */
function pageClause(page: PageRequest): { where: string; params: (string | number)[] } {
  return page.after === null
    ? { where: '', params: [page.limit] }
    : { where: 'WHERE id > ?', params: [page.after, page.limit] };
}

class SqlQueries implements StoreWriter {
  readonly #db: SqlExecutor;
  readonly #driver: SqlDriver;

  constructor(db: SqlExecutor, driver: SqlDriver) {
    this.#db = db;
    this.#driver = driver;
  }

  async #findBy<T>(table: string, columns: string, ref: string, map: (row: SqlRow) => T): Promise<T | null> {
    const byId = await this.#db.all(`SELECT ${columns} FROM ${table} WHERE id = ?`, [ref]);
    if (byId[0]) return map(byId[0]);
    const byName = await this.#db.all(`SELECT ${columns} FROM ${table} WHERE name = ?`, [ref]);
    return byName[0] ? map(byName[0]) : null;
  }

  async #list<T>(table: string, columns: string, page: PageRequest, map: (row: SqlRow) => T): Promise<T[]> {
    const { where, params } = pageClause(page);
    const rows = await this.#db.all(`SELECT ${columns} FROM ${table} ${where} ORDER BY id LIMIT ?`, params);
    return rows.map(map);
  }

  async #guardUnique(kind: string, name: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (this.#driver.isUniqueViolation(error)) throw conflict(`${kind} name '${name}' is already taken`);
      throw error;
    }
  }

  listSecrets(page: PageRequest): Promise<SecretRecord[]> {
    return this.#list('secrets', SECRET_COLUMNS, page, toSecret);
  }

  findSecret(ref: string): Promise<SecretRecord | null> {
    return this.#findBy('secrets', SECRET_COLUMNS, ref, toSecret);
  }

  allSecrets(): Promise<SecretRecord[]> {
    return this.#db
      .all(`SELECT ${SECRET_COLUMNS} FROM secrets ORDER BY id`)
      .then((rows) => rows.map(toSecret));
  }

  async insertSecret(s: SecretRecord): Promise<void> {
    await this.#guardUnique('secret', s.name, () =>
      this.#db.run(`INSERT INTO secrets (${SECRET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        s.id,
        s.name,
        s.provider,
        s.sealed.ciphertext,
        s.sealed.wrappedKey,
        s.sealed.keyId,
        s.maskedValue,
        JSON.stringify(s.authConfig),
        s.createdAt,
        s.updatedAt,
      ]),
    );
  }

  async updateSecret(s: SecretRecord): Promise<void> {
    await this.#guardUnique('secret', s.name, () =>
      this.#db.run(
        'UPDATE secrets SET name = ?, provider = ?, ciphertext = ?, wrapped_key = ?, key_id = ?, masked_value = ?, auth_config = ?, updated_at = ? WHERE id = ?',
        [
          s.name,
          s.provider,
          s.sealed.ciphertext,
          s.sealed.wrappedKey,
          s.sealed.keyId,
          s.maskedValue,
          JSON.stringify(s.authConfig),
          s.updatedAt,
          s.id,
        ],
      ),
    );
  }

  async deleteSecret(id: string): Promise<void> {
    await this.#db.run('DELETE FROM secrets WHERE id = ?', [id]);
  }

  async modelsUsingSecret(secretId: string): Promise<string[]> {
    const rows = await this.#db.all('SELECT name FROM models WHERE secret_id = ? ORDER BY name', [secretId]);
    return rows.map((row) => str(row, 'name'));
  }

  listModels(page: PageRequest): Promise<ModelRecord[]> {
    return this.#list('models', MODEL_COLUMNS, page, toModel);
  }

  findModel(ref: string): Promise<ModelRecord | null> {
    return this.#findBy('models', MODEL_COLUMNS, ref, toModel);
  }

  allModels(): Promise<ModelRecord[]> {
    return this.#db.all(`SELECT ${MODEL_COLUMNS} FROM models ORDER BY id`).then((rows) => rows.map(toModel));
  }

  async insertModel(m: ModelRecord): Promise<void> {
    await this.#guardUnique('model', m.name, () =>
      this.#db.run(`INSERT INTO models (${MODEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
        m.id,
        m.name,
        m.provider,
        m.modelName,
        m.secretId,
        m.pricing === null ? null : JSON.stringify(m.pricing),
        m.createdAt,
        m.updatedAt,
      ]),
    );
  }

  async updateModel(m: ModelRecord): Promise<void> {
    await this.#guardUnique('model', m.name, () =>
      this.#db.run(
        'UPDATE models SET name = ?, provider = ?, model_name = ?, secret_id = ?, pricing = ?, updated_at = ? WHERE id = ?',
        [
          m.name,
          m.provider,
          m.modelName,
          m.secretId,
          m.pricing === null ? null : JSON.stringify(m.pricing),
          m.updatedAt,
          m.id,
        ],
      ),
    );
  }

  async deleteModel(id: string): Promise<void> {
    await this.#db.run('DELETE FROM models WHERE id = ?', [id]);
  }

  async endpointsUsingModel(modelId: string): Promise<string[]> {
    const rows = await this.#db.all(
      'SELECT DISTINCT e.name AS name FROM endpoints e JOIN endpoint_models t ON t.endpoint_id = e.id WHERE t.model_id = ? ORDER BY e.name',
      [modelId],
    );
    return rows.map((row) => str(row, 'name'));
  }

  #withTargets(rows: SqlRow[], targetRows: SqlRow[]): EndpointRecord[] {
    const byEndpoint = new Map<string, EndpointTarget[]>();
    for (const row of targetRows) {
      const id = str(row, 'endpoint_id');
      const list = byEndpoint.get(id);
      if (list) list.push(toTarget(row));
      else byEndpoint.set(id, [toTarget(row)]);
    }
    return rows.map((row) => ({
      id: str(row, 'id'),
      name: str(row, 'name'),
      policy: json<EndpointPolicy>(row, 'policy'),
      targets: byEndpoint.get(str(row, 'id')) ?? [],
      createdAt: str(row, 'created_at'),
      updatedAt: str(row, 'updated_at'),
    }));
  }

  async listEndpoints(page: PageRequest): Promise<EndpointRecord[]> {
    const { where, params } = pageClause(page);
    const rows = await this.#db.all(
      `SELECT ${ENDPOINT_COLUMNS} FROM endpoints ${where} ORDER BY id LIMIT ?`,
      params,
    );
    if (rows.length === 0) return [];
    // Pages are id ranges, so one range query fetches every target of the page.
    const targets = await this.#db.all(
      `SELECT ${TARGET_COLUMNS} FROM endpoint_models WHERE endpoint_id >= ? AND endpoint_id <= ? ORDER BY endpoint_id, position`,
      [str(rows[0]!, 'id'), str(rows[rows.length - 1]!, 'id')],
    );
    return this.#withTargets(rows, targets);
  }

  async findEndpoint(ref: string): Promise<EndpointRecord | null> {
    const row = await this.#findBy('endpoints', ENDPOINT_COLUMNS, ref, (r) => r);
    if (!row) return null;
    const targets = await this.#db.all(
      `SELECT ${TARGET_COLUMNS} FROM endpoint_models WHERE endpoint_id = ? ORDER BY position`,
      [str(row, 'id')],
    );
    return (await this.#withTargets([row], targets))[0] ?? null;
  }

  async allEndpoints(): Promise<EndpointRecord[]> {
    const rows = await this.#db.all(`SELECT ${ENDPOINT_COLUMNS} FROM endpoints ORDER BY id`);
    const targets = await this.#db.all(
      `SELECT ${TARGET_COLUMNS} FROM endpoint_models ORDER BY endpoint_id, position`,
    );
    return this.#withTargets(rows, targets);
  }

  async #insertTargets(endpoint: EndpointRecord): Promise<void> {
    for (const [position, t] of endpoint.targets.entries()) {
      await this.#db.run(`INSERT INTO endpoint_models (${TARGET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
        endpoint.id,
        position,
        t.modelId,
        t.role,
        t.weight,
        t.order,
      ]);
    }
  }

  async insertEndpoint(e: EndpointRecord): Promise<void> {
    await this.#guardUnique('endpoint', e.name, () =>
      this.#db.run(`INSERT INTO endpoints (${ENDPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?)`, [
        e.id,
        e.name,
        JSON.stringify(e.policy),
        e.createdAt,
        e.updatedAt,
      ]),
    );
    await this.#insertTargets(e);
  }

  async updateEndpoint(e: EndpointRecord): Promise<void> {
    await this.#guardUnique('endpoint', e.name, () =>
      this.#db.run('UPDATE endpoints SET name = ?, policy = ?, updated_at = ? WHERE id = ?', [
        e.name,
        JSON.stringify(e.policy),
        e.updatedAt,
        e.id,
      ]),
    );
    await this.#db.run('DELETE FROM endpoint_models WHERE endpoint_id = ?', [e.id]);
    await this.#insertTargets(e);
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.#db.run('DELETE FROM endpoint_models WHERE endpoint_id = ?', [id]);
    await this.#db.run('DELETE FROM endpoints WHERE id = ?', [id]);
  }
}

/** The store over any SQL driver; SQLite and PostgreSQL differ only in their drivers. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #driver: SqlDriver;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
    this.kind = driver.kind;
  }

  async migrate(): Promise<number[]> {
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      const done = await this.#driver.transaction(async (tx) => {
        // Under the lock: concurrent CREATE TABLE IF NOT EXISTS races in PostgreSQL's catalog.
        await this.#driver.lockForMigration(tx);
        await tx.run(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
        );
        const existing = await tx.all('SELECT version FROM schema_migrations WHERE version = ?', [
          migration.version,
        ]);
        if (existing.length > 0) return false;
        await this.#driver.exec(tx, migration.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
        return true;
      });
      if (done) applied.push(migration.version);
    }
    return applied;
  }

  async ping(): Promise<void> {
    await this.#driver.all('SELECT 1 AS ok');
  }

  async configVersion(): Promise<number> {
    const rows = await this.#driver.all('SELECT version FROM config_state WHERE id = 1');
    return Number(rows[0]?.['version'] ?? 0);
  }

  read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T> {
    return work(new SqlQueries(this.#driver, this.#driver));
  }

  /**
   * Bumping the version first takes that row's lock, so writes run one after another: two
   * PATCHes to one endpoint cannot both read the old row and lose one change (PostgreSQL's
   * default isolation would allow it).
   */
  async write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    try {
      return await this.#driver.transaction(async (tx) => {
        await tx.run('UPDATE config_state SET version = version + 1 WHERE id = 1');
        return work(new SqlQueries(tx, this.#driver));
      });
    } catch (error) {
      if (this.#driver.isForeignKeyViolation(error)) {
        throw conflict('the change refers to, or removes, something another resource still uses');
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#driver.close();
  }
}
