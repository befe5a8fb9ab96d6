/**
 * The poller and digest side of caseops as its own process, for the SIGKILL tests (crash.faults.ts): the
 * real store (DATA_DIR's SQLite file, or DATABASE_URL), the real vendor adapters from the environment, the
 * real tracker, digest runner, notifier and scheduler on POLL_CRON / DIGEST_CRON, talking to Slack at
 * SLACK_API_URL. It logs JSON lines to stdout (the parent waits on them) and runs until it is killed.
 *
 * Leases are short here (LEASE_TTL_MS, set by the test): a process killed while holding the poller or a
 * digest lease leaves it to lapse, and the restarted process waits for that, as a real restart would (30 s by
 * default).
 */
import { loadEnv } from '../../src/config/env.js';
import { StatusTracker } from '../../src/domain/status-tracking.js';
import { createLogger } from '../../src/logging/logger.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { createNotifierWebClient, SlackDigestPublisher, SlackNotifier } from '../../src/slack/notifier.js';
import { createStore } from '../../src/store/index.js';
import { createVendorRegistry } from '../../src/vendors/index.js';

const env = loadEnv(process.env);
const leaseMs = env.LEASE_TTL_MS;
const logger = createLogger({ level: 'info' });
const holder = `crash-child-${process.pid}`;

const store = await createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
await store.migrate();
const vendors = createVendorRegistry(env, { logger });
const client = createNotifierWebClient({
  token: env.SLACK_BOT_TOKEN ?? '',
  slackApiUrl: env.SLACK_API_URL,
  timeoutMs: 10_000,
});
const notifier = new SlackNotifier({ client, logger, minIntervalMs: 0 });
const tracker = new StatusTracker({ store, vendors, logger });
const digests = new DigestRunner({
  store,
  publisher: new SlackDigestPublisher({ notifier }),
  defaults: { cron: env.DIGEST_CRON, timezone: env.DIGEST_TZ },
  holder,
  logger,
  leaseMs,
});
const scheduler = new Scheduler({
  store,
  tracker,
  digests,
  pollCron: env.POLL_CRON,
  holder,
  logger,
  pollLeaseMs: leaseMs,
  resyncCron: '*/5 * * * * *',
});
await scheduler.start();
logger.info({ holder }, 'crash child ready');
