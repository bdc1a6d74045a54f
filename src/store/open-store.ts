import { PostgresDriver } from './postgres-driver.ts';
import { SqlStore } from './sql-store.ts';
import { SqliteDriver } from './sqlite-driver.ts';
import type { Store } from './store.ts';

/** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://...` / `postgresql://...`. */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:'))
    return new SqlStore(new SqliteDriver(databaseUrl.slice('sqlite:'.length)));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return new SqlStore(new PostgresDriver(databaseUrl));
  throw new Error(
    `SWITCHYARD_DATABASE_URL: expected sqlite:<path> or postgres://..., got '${databaseUrl.split(':')[0]}:...'`,
  );
}
