import { findProvider, PROVIDER_NAMES } from '../providers/registry.ts';

/** Everything the process reads from its environment, parsed once and validated. */
export interface Settings {
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string | null;
  masterKey: string | null;
  previousMasterKeys: string[];
  shutdownGraceMs: number;
  adminToken: string | null;
  auth: 'off' | 'keys';
  /** null: every provider is allowed. */
  allowedProviders: ReadonlySet<string> | null;
  logLevel: string;
  maxBodyBytes: number;
  /** Where dev-only files (SQLite database, generated master key) live. */
  dataDir: string;
}

export class SettingsError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'SettingsError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new SettingsError(name, `expected a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new SettingsError(name, `must be between ${min} and ${max}`);
  return value;
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function loadSettings(env: Env = process.env): Settings {
  const auth = nonEmpty(env, 'SWITCHYARD_AUTH') ?? 'off';
  if (auth !== 'off' && auth !== 'keys')
    throw new SettingsError('SWITCHYARD_AUTH', "must be 'off' or 'keys'");
  if (auth === 'keys') {
    // Refusing beats starting with an open data plane that the operator believes is closed.
    throw new SettingsError(
      'SWITCHYARD_AUTH',
      "'keys' is not available in this version yet: the data plane has no API keys, so it cannot require them",
    );
  }

  const logLevel = nonEmpty(env, 'SWITCHYARD_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw new SettingsError('SWITCHYARD_LOG_LEVEL', `must be one of ${[...LOG_LEVELS].join(', ')}`);
  }

  const allowedRaw = nonEmpty(env, 'SWITCHYARD_ALLOWED_PROVIDERS');
  let allowedProviders: Set<string> | null = null;
  if (allowedRaw !== null) {
    allowedProviders = new Set(
      allowedRaw
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    );
    for (const name of allowedProviders) {
      if (!findProvider(name)) {
        throw new SettingsError(
          'SWITCHYARD_ALLOWED_PROVIDERS',
          `unknown provider '${name}' (known: ${PROVIDER_NAMES.join(', ')})`,
        );
      }
    }
  }

  const redisUrl = nonEmpty(env, 'SWITCHYARD_REDIS_URL');
  if (redisUrl !== null) {
    let scheme = '';
    try {
      scheme = new URL(redisUrl).protocol;
    } catch {
      throw new SettingsError(
        'SWITCHYARD_REDIS_URL',
        'is not a URL (expected redis://host:port or rediss://...)',
      );
    }
    if (scheme !== 'redis:' && scheme !== 'rediss:') {
      throw new SettingsError('SWITCHYARD_REDIS_URL', `expected redis:// or rediss://, got ${scheme}//`);
    }
  }

  const dataDir = nonEmpty(env, 'SWITCHYARD_DATA_DIR') ?? './.switchyard';
  return {
    host: nonEmpty(env, 'SWITCHYARD_HOST') ?? '127.0.0.1',
    port: integer(env, 'SWITCHYARD_PORT', 8080, 0, 65535),
    databaseUrl: nonEmpty(env, 'SWITCHYARD_DATABASE_URL') ?? `sqlite:${dataDir}/switchyard.db`,
    redisUrl,
    masterKey: nonEmpty(env, 'SWITCHYARD_MASTER_KEY'),
    previousMasterKeys: (nonEmpty(env, 'SWITCHYARD_MASTER_KEY_PREVIOUS') ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
    shutdownGraceMs: integer(env, 'SWITCHYARD_SHUTDOWN_GRACE_MS', 30_000, 0, 3_600_000),
    adminToken: nonEmpty(env, 'SWITCHYARD_ADMIN_TOKEN'),
    auth,
    allowedProviders,
    logLevel,
    maxBodyBytes: integer(env, 'SWITCHYARD_MAX_BODY_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    dataDir,
  };
}

export function isProviderAllowed(settings: Pick<Settings, 'allowedProviders'>, provider: string): boolean {
  return settings.allowedProviders === null || settings.allowedProviders.has(provider);
}
