/**
 * The store's front door: PostgreSQL when a DATABASE_URL is given (several replicas), otherwise an embedded
 * SQLite file in DATA_DIR. Opening does not migrate; start-up calls `store.migrate()` before anything else.
 */

import type { Store } from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';
import { connectPostgres, connectSqlite } from './connect.js';
import { KyselyStore } from './kysely-store.js';
import { raisingUnavailable } from './unavailable.js';

export type * from '../domain/ports/store.js';
export { IN_MEMORY, SQLITE_FILE_NAME } from './connect.js';

export interface CreateStoreOptions {
  /** Folder for the SQLite file (created if missing), or `:memory:`. Ignored when `databaseUrl` is set. */
  dataDir: string;
  /** postgres:// URL; selects PostgreSQL. */
  databaseUrl?: string;
  logger: Logger;
  /** The store's clock (defaults, lease expiry, pruning). Tests pass a controllable one. */
  now?: () => Date;
}

export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const logger = options.logger.child({ component: 'store' });
  const clock = options.now ? { now: options.now } : {};
  if (options.databaseUrl) {
    return raisingUnavailable(
      new KyselyStore({
        db: connectPostgres(options.databaseUrl, logger),
        dialect: 'postgres',
        logger,
        ...clock,
      }),
    );
  }
  return raisingUnavailable(
    new KyselyStore({ db: connectSqlite(options.dataDir, logger), dialect: 'sqlite', logger, ...clock }),
  );
}
