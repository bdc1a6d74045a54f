export interface Migration {
  version: number;
  name: string;
  /** Portable SQL: runs unchanged on SQLite and PostgreSQL. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'secrets, models, endpoints',
    sql: `
CREATE TABLE config_state (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
);
INSERT INTO config_state (id, version) VALUES (1, 0);

CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  wrapped_key TEXT NOT NULL,
  key_id TEXT NOT NULL,
  masked_value TEXT NOT NULL,
  auth_config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE models (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  model_name TEXT NOT NULL,
  secret_id TEXT NOT NULL REFERENCES secrets (id) ON DELETE RESTRICT,
  pricing TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX models_secret_id ON models (secret_id);

CREATE TABLE endpoints (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE endpoint_models (
  endpoint_id TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  model_id TEXT NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
  role TEXT NOT NULL,
  weight DOUBLE PRECISION,
  sort_order INTEGER,
  PRIMARY KEY (endpoint_id, position)
);
CREATE INDEX endpoint_models_model_id ON endpoint_models (model_id);
`,
  },
];
