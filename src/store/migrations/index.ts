/**
 * Every migration, in order, listed by hand: the compiled `dist/` then needs no filesystem globbing and no
 * TS-only paths at run time. Names sort in the order they must run (Kysely applies them sorted by name).
 */
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { SqlDialect } from '../schema.js';
import * as initial from './0001_initial.js';
import * as leaseGeneration from './0002_lease_generation.js';
import * as digestAttempts from './0003_digest_attempts.js';
import * as caseHomes from './0004_case_homes.js';
import * as caseActivity from './0005_case_activity.js';
import * as nudges from './0010_nudges.js';
import * as updatesAndCardPosts from './0012_updates_and_card_posts.js';
import * as threadUpdates from './0013_thread_updates.js';
import * as subscriptions from './0014_subscriptions.js';
import * as writePostClaims from './0016_write_post_claims.js';

interface DialectAwareMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: DialectAwareMigration]> = [
  ['0001_initial', initial],
  ['0002_lease_generation', leaseGeneration],
  ['0003_digest_attempts', digestAttempts],
  ['0004_case_homes', caseHomes],
  ['0005_case_activity', caseActivity],
  ['0010_nudges', nudges],
  ['0012_updates_and_card_posts', updatesAndCardPosts],
  ['0013_thread_updates', threadUpdates],
  ['0014_subscriptions', subscriptions],
  ['0016_write_post_claims', writePostClaims],
];

/** Binds each migration to the dialect it runs on, for Kysely's Migrator. */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const bound: Record<string, Migration> = {};
    for (const [name, migration] of MIGRATIONS) {
      const { down } = migration;
      bound[name] = {
        up: (db) => migration.up(db, this.dialect),
        ...(down ? { down: (db: Kysely<unknown>) => down(db, this.dialect) } : {}),
      };
    }
    return bound;
  }
}
