/**
 * The Store on Kysely, for SQLite and PostgreSQL alike: one object made of one part per port (./parts/), all
 * sharing a connection, a dialect, a logger and a clock. This file holds the lifecycle (migrations, ping,
 * close) and hands every other call to its part. Row <-> domain conversion happens in the parts' `from*Row`
 * functions and ./parts/context.ts, nowhere else.
 */
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { CaseAging, ClockReadings } from '../domain/ports/clock-readings.js';
import type {
  AuditTrail,
  CardPermalinks,
  CardStore,
  CaseHomes,
  Coordination,
  DigestOutbox,
  DigestSettingsStore,
  EventLog,
  NudgeStore,
  Store,
  SubscriptionStore,
  UpdateDeliveryStore,
  WatchStore,
  WriteLedger,
  WritePostOutbox,
} from '../domain/ports/store.js';
import type { ThreadUpdateStore } from '../domain/ports/thread-updates.js';
import type { Logger } from '../logging/logger.js';
import { SCHEMA_DROP_LOCK } from './connect.js';
import { StaticMigrationProvider } from './migrations/index.js';
import { KyselyAuditTrail } from './parts/audit-trail.js';
import { KyselyCardStore } from './parts/cards.js';
import { KyselyCaseHomes } from './parts/case-homes.js';
import { KyselyClockReadings } from './parts/clock-readings.js';
import { describeError, type StoreContext } from './parts/context.js';
import { KyselyCoordination } from './parts/coordination.js';
import { KyselyDigestOutbox } from './parts/digest-outbox.js';
import { KyselyDigestSettingsStore } from './parts/digest-settings.js';
import { KyselyEventLog } from './parts/event-log.js';
import { KyselyNudgeStore } from './parts/nudges.js';
import { KyselySubscriptionStore } from './parts/subscriptions.js';
import { KyselyThreadUpdates } from './parts/thread-updates.js';
import {
  KyselyCardPermalinks,
  KyselyUpdateDeliveryStore,
  KyselyWritePostOutbox,
} from './parts/updates-and-posts.js';
import { KyselyWatchCounts } from './parts/watch-counts.js';
import { KyselyWatchStore } from './parts/watches.js';
import { KyselyWriteLedger } from './parts/write-ledger.js';
import type { Database, SqlDialect } from './schema.js';

export {
  DEFAULT_AUDIT_FOR_CASE_LIMIT,
  DEFAULT_AUDIT_SINCE_LIMIT,
} from './parts/audit-trail.js';
export { DEFAULT_RECENT_CASES_LIMIT, RECENT_CASES_KEPT_PER_USER } from './parts/cards.js';
export { isoInstant } from './parts/context.js';
export { CLAIM_RETENTION_MS, CLAIM_WINDOW_MS } from './parts/coordination.js';
export { DEFAULT_EVENT_LIMIT } from './parts/event-log.js';

export interface KyselyStoreOptions {
  db: Kysely<Database>;
  dialect: SqlDialect;
  logger: Logger;
  /** The store's clock for defaults and pruning (and lease expiry on SQLite); tests pass a controllable one. */
  now?: () => Date;
}

type Args<P, K extends keyof P> = P[K] extends (...args: infer A) => unknown ? A : never;

export class KyselyStore implements Store {
  readonly dialect: SqlDialect;
  private readonly context: StoreContext;
  private readonly watches: WatchStore;
  private readonly homes: CaseHomes;
  private readonly events: EventLog;
  private readonly digests: DigestSettingsStore;
  private readonly outbox: DigestOutbox;
  private readonly writes: WriteLedger;
  private readonly audit: AuditTrail;
  private readonly cards: CardStore;
  private readonly coordination: Coordination;
  private readonly nudges: NudgeStore;
  private readonly deliveries: UpdateDeliveryStore;
  private readonly permalinks: CardPermalinks;
  private readonly writePosts: WritePostOutbox;
  private readonly watchCounts: KyselyWatchCounts;
  private readonly subscriptions: SubscriptionStore;
  private readonly threads: ThreadUpdateStore;
  private readonly clockReadingsPart: KyselyClockReadings;
  private closed?: Promise<void>;

  constructor(options: KyselyStoreOptions) {
    this.dialect = options.dialect;
    this.context = {
      db: options.db,
      dialect: options.dialect,
      logger: options.logger,
      now: options.now ?? (() => new Date()),
    };
    this.watches = new KyselyWatchStore(this.context);
    this.homes = new KyselyCaseHomes(this.context);
    this.events = new KyselyEventLog(this.context);
    this.digests = new KyselyDigestSettingsStore(this.context);
    this.outbox = new KyselyDigestOutbox(this.context);
    this.writes = new KyselyWriteLedger(this.context);
    this.audit = new KyselyAuditTrail(this.context);
    this.cards = new KyselyCardStore(this.context);
    this.coordination = new KyselyCoordination(this.context);
    this.nudges = new KyselyNudgeStore(this.context);
    this.deliveries = new KyselyUpdateDeliveryStore(this.context);
    this.permalinks = new KyselyCardPermalinks(this.context);
    this.writePosts = new KyselyWritePostOutbox(this.context);
    this.watchCounts = new KyselyWatchCounts(this.context);
    this.subscriptions = new KyselySubscriptionStore(this.context);
    this.threads = new KyselyThreadUpdates(this.context);
    this.clockReadingsPart = new KyselyClockReadings(this.context);
  }

  // Lifecycle ----------------------------------------------------------------

  async migrate(): Promise<void> {
    if (this.dialect !== 'postgres') return this.migrateOn(this.context.db);
    // Kysely finds its bookkeeping tables by reading every schema's tables; a schema dropped meanwhile by
    // another session makes that read fail. Migrating holds this lock shared, and whoever drops a caseops
    // schema (a removed tenant, a finished test run) holds it exclusively, so the two never overlap.
    return this.context.db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock_shared(${SCHEMA_DROP_LOCK})`.execute(connection);
      try {
        await this.migrateOn(connection);
      } finally {
        await sql`select pg_advisory_unlock_shared(${SCHEMA_DROP_LOCK})`.execute(connection);
      }
    });
  }

  private async migrateOn(db: Kysely<Database>): Promise<void> {
    const { logger } = this.context;
    const migrator = new Migrator({
      db,
      provider: new StaticMigrationProvider(this.dialect),
      // Kysely looks for its bookkeeping tables in every schema unless told which one; name ours so
      // databases holding several caseops schemas (test runs, tenants) keep separate histories.
      ...(this.dialect === 'postgres' ? { migrationTableSchema: await this.currentPostgresSchema(db) } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'store: migrated');
      if (result.status === 'Error')
        logger.error({ migration: result.migrationName }, 'store: migration failed');
    }
    if (error) {
      throw new Error(`store: migrating the ${this.dialect} database failed: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  private async currentPostgresSchema(db: Kysely<Database>): Promise<string> {
    const { rows } = await sql<{
      schema: string | null;
    }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (!schema) {
      throw new Error(
        'store: PostgreSQL has no current schema (does the search_path name an existing schema?)',
      );
    }
    return schema;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.context.db);
  }

  close(): Promise<void> {
    this.closed ??= this.context.db.destroy();
    return this.closed;
  }

  // Watches ------------------------------------------------------------------

  addWatch(...args: Args<WatchStore, 'addWatch'>) {
    return this.watches.addWatch(...args);
  }
  removeWatch(...args: Args<WatchStore, 'removeWatch'>) {
    return this.watches.removeWatch(...args);
  }
  watchesInChannel(...args: Args<WatchStore, 'watchesInChannel'>) {
    return this.watches.watchesInChannel(...args);
  }
  watchesInChannels(...args: Args<WatchStore, 'watchesInChannels'>) {
    return this.watches.watchesInChannels(...args);
  }
  watchesOfCase(...args: Args<WatchStore, 'watchesOfCase'>) {
    return this.watches.watchesOfCase(...args);
  }
  watchedCases() {
    return this.watches.watchedCases();
  }
  watchCountsByChannel() {
    return this.watchCounts.watchCountsByChannel();
  }

  // Case homes -------------------------------------------------------------------

  claimCaseHome(...args: Args<CaseHomes, 'claimCaseHome'>) {
    return this.homes.claimCaseHome(...args);
  }
  caseHomes(...args: Args<CaseHomes, 'caseHomes'>) {
    return this.homes.caseHomes(...args);
  }

  // Snapshots and status changes -----------------------------------------------

  getSnapshot(...args: Args<EventLog, 'getSnapshot'>) {
    return this.events.getSnapshot(...args);
  }
  getSnapshots(...args: Args<EventLog, 'getSnapshots'>) {
    return this.events.getSnapshots(...args);
  }
  recordObservation(...args: Args<EventLog, 'recordObservation'>) {
    return this.events.recordObservation(...args);
  }
  observeCase(...args: Args<EventLog, 'observeCase'>) {
    return this.events.observeCase(...args);
  }
  recordSlackNote(...args: Args<EventLog, 'recordSlackNote'>) {
    return this.events.recordSlackNote(...args);
  }
  recordSyncFailure(...args: Args<EventLog, 'recordSyncFailure'>) {
    return this.events.recordSyncFailure(...args);
  }
  eventsForChannel(...args: Args<EventLog, 'eventsForChannel'>) {
    return this.events.eventsForChannel(...args);
  }
  caseEventsAfter(...args: Args<EventLog, 'caseEventsAfter'>) {
    return this.events.caseEventsAfter(...args);
  }

  // Digests ------------------------------------------------------------------

  getDigestSettings(...args: Args<DigestSettingsStore, 'getDigestSettings'>) {
    return this.digests.getDigestSettings(...args);
  }
  saveDigestSettings(...args: Args<DigestSettingsStore, 'saveDigestSettings'>) {
    return this.digests.saveDigestSettings(...args);
  }
  digestChannels() {
    return this.digests.digestChannels();
  }
  advanceDigestCursor(...args: Args<DigestSettingsStore, 'advanceDigestCursor'>) {
    return this.digests.advanceDigestCursor(...args);
  }

  beginDigestAttempt(...args: Args<DigestOutbox, 'beginDigestAttempt'>) {
    return this.outbox.beginDigestAttempt(...args);
  }
  pendingDigestAttempts(...args: Args<DigestOutbox, 'pendingDigestAttempts'>) {
    return this.outbox.pendingDigestAttempts(...args);
  }
  settleDigestAttempt(...args: Args<DigestOutbox, 'settleDigestAttempt'>) {
    return this.outbox.settleDigestAttempt(...args);
  }
  pruneSettledDigestAttempts() {
    return this.outbox.pruneSettledDigestAttempts();
  }

  // Idempotent vendor writes ---------------------------------------------------

  beginWrite(...args: Args<WriteLedger, 'beginWrite'>) {
    return this.writes.beginWrite(...args);
  }
  finishWrite(...args: Args<WriteLedger, 'finishWrite'>) {
    return this.writes.finishWrite(...args);
  }
  getWrite(...args: Args<WriteLedger, 'getWrite'>) {
    return this.writes.getWrite(...args);
  }
  staleWrites(...args: Args<WriteLedger, 'staleWrites'>) {
    return this.writes.staleWrites(...args);
  }

  // Audit --------------------------------------------------------------------

  appendAudit(...args: Args<AuditTrail, 'appendAudit'>) {
    return this.audit.appendAudit(...args);
  }
  auditForCase(...args: Args<AuditTrail, 'auditForCase'>) {
    return this.audit.auditForCase(...args);
  }
  auditSince(...args: Args<AuditTrail, 'auditSince'>) {
    return this.audit.auditSince(...args);
  }

  // Cards and App Home -----------------------------------------------------------

  rememberCard(...args: Args<CardStore, 'rememberCard'>) {
    return this.cards.rememberCard(...args);
  }
  cardsFor(...args: Args<CardStore, 'cardsFor'>) {
    return this.cards.cardsFor(...args);
  }
  cardAt(...args: Args<CardStore, 'cardAt'>) {
    return this.cards.cardAt(...args);
  }
  recordRecentCase(...args: Args<CardStore, 'recordRecentCase'>) {
    return this.cards.recordRecentCase(...args);
  }
  recentCases(...args: Args<CardStore, 'recentCases'>) {
    return this.cards.recentCases(...args);
  }

  // Coordination across replicas -------------------------------------------------

  claimRun(...args: Args<Coordination, 'claimRun'>) {
    return this.coordination.claimRun(...args);
  }
  acquireLease(...args: Args<Coordination, 'acquireLease'>) {
    return this.coordination.acquireLease(...args);
  }
  renewLease(...args: Args<Coordination, 'renewLease'>) {
    return this.coordination.renewLease(...args);
  }
  tryAcquireLease(...args: Args<Coordination, 'tryAcquireLease'>) {
    return this.coordination.tryAcquireLease(...args);
  }
  releaseLease(...args: Args<Coordination, 'releaseLease'>) {
    return this.coordination.releaseLease(...args);
  }

  // Nudges -------------------------------------------------------------------------

  getNudgeSettings(...args: Args<NudgeStore, 'getNudgeSettings'>) {
    return this.nudges.getNudgeSettings(...args);
  }
  saveNudgeSettings(...args: Args<NudgeStore, 'saveNudgeSettings'>) {
    return this.nudges.saveNudgeSettings(...args);
  }
  nudgeChannels() {
    return this.nudges.nudgeChannels();
  }
  beginNudge(...args: Args<NudgeStore, 'beginNudge'>) {
    return this.nudges.beginNudge(...args);
  }
  settleNudge(...args: Args<NudgeStore, 'settleNudge'>) {
    return this.nudges.settleNudge(...args);
  }
  forgetNudge(...args: Args<NudgeStore, 'forgetNudge'>) {
    return this.nudges.forgetNudge(...args);
  }
  pendingNudges() {
    return this.nudges.pendingNudges();
  }
  nudgesOfStay(...args: Args<NudgeStore, 'nudgesOfStay'>) {
    return this.nudges.nudgesOfStay(...args);
  }
  holdNudges(...args: Args<NudgeStore, 'holdNudges'>) {
    return this.nudges.holdNudges(...args);
  }
  nudgeHold(...args: Args<NudgeStore, 'nudgeHold'>) {
    return this.nudges.nudgeHold(...args);
  }

  // How channels hear about cases, card permalinks, posts after writes (migration 0012) --------------------

  getUpdateDelivery(...args: Args<UpdateDeliveryStore, 'getUpdateDelivery'>) {
    return this.deliveries.getUpdateDelivery(...args);
  }
  saveUpdateDelivery(...args: Args<UpdateDeliveryStore, 'saveUpdateDelivery'>) {
    return this.deliveries.saveUpdateDelivery(...args);
  }
  updateDeliveryChoices() {
    return this.deliveries.updateDeliveryChoices();
  }
  cardsInChannel(...args: Args<CardPermalinks, 'cardsInChannel'>) {
    return this.permalinks.cardsInChannel(...args);
  }
  cardsInChannels(...args: Args<CardPermalinks, 'cardsInChannels'>) {
    return this.permalinks.cardsInChannels(...args);
  }
  rememberCardPermalink(...args: Args<CardPermalinks, 'rememberCardPermalink'>) {
    return this.permalinks.rememberCardPermalink(...args);
  }
  claimWritePost(...args: Args<WritePostOutbox, 'claimWritePost'>) {
    return this.writePosts.claimWritePost(...args);
  }
  getWritePost(...args: Args<WritePostOutbox, 'getWritePost'>) {
    return this.writePosts.getWritePost(...args);
  }
  settleWritePost(...args: Args<WritePostOutbox, 'settleWritePost'>) {
    return this.writePosts.settleWritePost(...args);
  }
  releaseWritePost(...args: Args<WritePostOutbox, 'releaseWritePost'>) {
    return this.writePosts.releaseWritePost(...args);
  }
  forgetWritePost(...args: Args<WritePostOutbox, 'forgetWritePost'>) {
    return this.writePosts.forgetWritePost(...args);
  }

  // Replies in the posted cards' threads (migration 0013) ------------------------------------------------------

  channelsWithThreadNews() {
    return this.threads.channelsWithThreadNews();
  }
  threadsWithNews(...args: Args<ThreadUpdateStore, 'threadsWithNews'>) {
    return this.threads.threadsWithNews(...args);
  }
  beginThreadReply(...args: Args<ThreadUpdateStore, 'beginThreadReply'>) {
    return this.threads.beginThreadReply(...args);
  }
  settleThreadReply(...args: Args<ThreadUpdateStore, 'settleThreadReply'>) {
    return this.threads.settleThreadReply(...args);
  }
  forgetThreadReply(...args: Args<ThreadUpdateStore, 'forgetThreadReply'>) {
    return this.threads.forgetThreadReply(...args);
  }
  pendingThreadReplies() {
    return this.threads.pendingThreadReplies();
  }
  threadReplyCount(...args: Args<ThreadUpdateStore, 'threadReplyCount'>) {
    return this.threads.threadReplyCount(...args);
  }

  // The response clock's readings, and the playground's aging of a case ------------------------------------

  clockReadings(...args: Args<ClockReadings, 'clockReadings'>) {
    return this.clockReadingsPart.clockReadings(...args);
  }
  ageCase(...args: Args<CaseAging, 'ageCase'>) {
    return this.clockReadingsPart.ageCase(...args);
  }

  // Personal subscriptions and their direct messages (migration 0014) ---------------------------------------

  addSubscription(...args: Args<SubscriptionStore, 'addSubscription'>) {
    return this.subscriptions.addSubscription(...args);
  }
  removeSubscription(...args: Args<SubscriptionStore, 'removeSubscription'>) {
    return this.subscriptions.removeSubscription(...args);
  }
  subscriptionsOf(...args: Args<SubscriptionStore, 'subscriptionsOf'>) {
    return this.subscriptions.subscriptionsOf(...args);
  }
  allSubscriptions() {
    return this.subscriptions.allSubscriptions();
  }
  subscribedCases() {
    return this.subscriptions.subscribedCases();
  }
  getSubscriberSettings(...args: Args<SubscriptionStore, 'getSubscriberSettings'>) {
    return this.subscriptions.getSubscriberSettings(...args);
  }
  saveSubscriberSettings(...args: Args<SubscriptionStore, 'saveSubscriberSettings'>) {
    return this.subscriptions.saveSubscriberSettings(...args);
  }
  beginSubscriptionDm(...args: Args<SubscriptionStore, 'beginSubscriptionDm'>) {
    return this.subscriptions.beginSubscriptionDm(...args);
  }
  settleSubscriptionDm(...args: Args<SubscriptionStore, 'settleSubscriptionDm'>) {
    return this.subscriptions.settleSubscriptionDm(...args);
  }
  forgetSubscriptionDm(...args: Args<SubscriptionStore, 'forgetSubscriptionDm'>) {
    return this.subscriptions.forgetSubscriptionDm(...args);
  }
  pendingSubscriptionDms() {
    return this.subscriptions.pendingSubscriptionDms();
  }
}
