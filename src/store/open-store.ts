import { SqlStore } from './sql-store.ts';
import { SqliteDriver } from './sqlite-driver.ts';
import type { Store } from './store.ts';

/**
 * `sqlite:<path>` (or `sqlite::memory:`) or `postgres://...` / `postgresql://...`. The
 * PostgreSQL driver (and `pg`, ~9 MB of RSS) is loaded only when it is used.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:'))
    return new SqlStore(new SqliteDriver(databaseUrl.slice('sqlite:'.length)));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { PostgresDriver } = await import('./postgres-driver.ts');
    return new SqlStore(new PostgresDriver(databaseUrl));
  }
  throw new Error(
    `SWITCHYARD_DATABASE_URL: expected sqlite:<path> or postgres://..., got '${databaseUrl.split(':')[0]}:...'`,
  );
}
