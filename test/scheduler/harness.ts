/**
 * An app instance for status-tracking and digest tests: the real store (SQLite in a temp folder, or a
 * PostgreSQL URL), real vendor adapters pointed at simulators, the real tracker, digest runner, notifier
 * and scheduler, and a Slack Web API stand-in that records every call with the (controllable) clock's time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import type { Case } from '../../src/domain/case.js';
import type { DigestDefaults } from '../../src/domain/digest.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import type { VendorAdapter } from '../../src/domain/ports/vendor.js';
import { StatusTracker } from '../../src/domain/status-tracking.js';
import { updateDeliveryQuestions } from '../../src/domain/use-cases/update-delivery.js';
import { type Logger, silentLogger } from '../../src/logging/logger.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import {
  SlackCardUpdater,
  type SlackChatClient,
  SlackDigestPublisher,
  SlackNotifier,
} from '../../src/slack/notifier.js';
import { createStore, type Store } from '../../src/store/index.js';
import { ciscoFromEnv } from '../../src/vendors/cisco/index.js';
import { type CiscoSimulator, createCiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import { VendorRegistry } from '../../src/vendors/registry.js';

export interface RecordedSlackCall {
  method: 'chat.postMessage' | 'chat.update';
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** Message metadata it was posted with. */
  metadata?: unknown;
  /** The clock's time when the call reached "Slack". */
  at: number;
}

type Failure =
  | { kind: 'error'; error: string }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  /** Slack posts the message, but its answer never reaches caseops (a timeout). */
  | { kind: 'lost-answer' };

/**
 * Answers like Slack's Web API client does: a platform error is thrown with `data.error`, a 429 (the
 * client set to reject rate-limited calls) as WebAPIRateLimitedError's code and `retryAfter`.
 */
export class RecordingSlack implements SlackChatClient {
  /** Calls Slack accepted. */
  readonly accepted: RecordedSlackCall[] = [];
  /** Every call, accepted or not. */
  readonly attempts: Array<{ method: string; channel: string; at: number; outcome: string }> = [];
  private readonly failures: Failure[] = [];
  /** chat.postMessage attempt number (1-based, counted over the instance's life) → its failure. */
  private readonly postFailures = new Map<number, Failure>();
  private postAttempts = 0;
  private nextTs = 1;

  /** Called after each accepted call (tests use it to act "between two messages"). */
  onAccepted: ((call: RecordedSlackCall) => void) | undefined;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** The next calls fail, in order, one failure each. */
  failNext(...failures: Failure[]): void {
    this.failures.push(...failures);
  }

  /** The `n`th chat.postMessage attempt from now (1 = the next one) fails. */
  failPostAttempt(n: number, failure: Failure): void {
    this.postFailures.set(this.postAttempts + n, failure);
  }

  readonly chat = {
    postMessage: async (args: { channel: string; text: string; blocks?: unknown[]; metadata?: unknown }) => {
      this.postAttempts++;
      const planned = this.postFailures.get(this.postAttempts);
      if (planned) {
        this.postFailures.delete(this.postAttempts);
        this.failures.unshift(planned);
      }
      const loseAnswer = this.failures[0]?.kind === 'lost-answer';
      if (loseAnswer) this.failures.shift();
      else this.answer('chat.postMessage', args.channel);
      // Slack's ts: seconds on (this) clock, then a counter that keeps them increasing.
      const ts = `${Math.floor(this.clock.now() / 1000)}.${String(this.nextTs++).padStart(6, '0')}`;
      const call: RecordedSlackCall = {
        method: 'chat.postMessage',
        channel: args.channel,
        ts,
        text: args.text,
        blocks: args.blocks ?? [],
        ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
        at: this.clock.now(),
      };
      this.accepted.push(call);
      this.onAccepted?.(call);
      if (loseAnswer) {
        this.attempts.push({
          method: 'chat.postMessage',
          channel: args.channel,
          at: call.at,
          outcome: 'answer lost',
        });
        throw Object.assign(new Error('A request error occurred: timeout'), {
          code: webApi.ErrorCode.RequestError,
        });
      }
      return { ok: true, ts };
    },
    update: async (args: { channel: string; ts: string; text: string; blocks?: unknown[] }) => {
      this.answer('chat.update', args.channel);
      this.accepted.push({
        method: 'chat.update',
        channel: args.channel,
        ts: args.ts,
        text: args.text,
        blocks: args.blocks ?? [],
        at: this.clock.now(),
      });
      return { ok: true };
    },
  };

  /** Newest first, after `oldest`, with metadata: as conversations.history with include_all_metadata. */
  readonly conversations = {
    history: async (args: { channel: string; oldest?: string; include_all_metadata?: boolean }) => {
      this.answer('conversations.history', args.channel);
      const oldest = Number(args.oldest ?? 0);
      const messages = this.posts(args.channel)
        .filter((c) => Number(c.ts) > oldest)
        .reverse()
        .map((c) => ({
          ts: c.ts,
          ...(args.include_all_metadata ? { metadata: c.metadata as { event_type?: string } } : {}),
        }));
      return { ok: true, messages, has_more: false };
    },
  };

  posts(channel?: string): RecordedSlackCall[] {
    return this.accepted.filter(
      (c) => c.method === 'chat.postMessage' && (!channel || c.channel === channel),
    );
  }

  private answer(method: string, channel: string): void {
    const failure = this.failures.shift();
    const at = this.clock.now();
    if (!failure || failure.kind === 'lost-answer') {
      if (failure) this.failures.unshift(failure); // only a post can lose its answer
      this.attempts.push({ method, channel, at, outcome: 'ok' });
      return;
    }
    if (failure.kind === 'rate-limited') {
      this.attempts.push({ method, channel, at, outcome: `429 retry-after ${failure.retryAfterSeconds}` });
      throw Object.assign(new Error('A rate-limit has been reached'), {
        code: webApi.ErrorCode.RateLimitedError,
        retryAfter: failure.retryAfterSeconds,
      });
    }
    this.attempts.push({ method, channel, at, outcome: failure.error });
    throw Object.assign(new Error(`An API error occurred: ${failure.error}`), {
      code: webApi.ErrorCode.PlatformError,
      data: { ok: false, error: failure.error },
    });
  }
}

/** Every text a digest post shows, joined, for "is this case in it" assertions. */
export function postText(call: RecordedSlackCall): string {
  return JSON.stringify(call.blocks);
}

/** The case ids (of `ids`) a digest post lists, as a link label or as a plain id. */
export function casesListed(call: RecordedSlackCall, ids: readonly string[]): string[] {
  const text = postText(call);
  return ids.filter((id) => text.includes(`|${id}>`) || text.includes(`\`${id}\``));
}

export const DEFAULT_DIGEST: DigestDefaults = { cron: '0 9 * * 1-5', timezone: 'UTC' };

export interface TestInstanceOptions {
  /** SQLite folder shared by "restarts"; ignored when databaseUrl is set. */
  dataDir: string;
  databaseUrl?: string;
  clock: Clock;
  slack: RecordingSlack;
  adapters: VendorAdapter[];
  holder?: string;
  pollCron?: string;
  defaults?: DigestDefaults;
  logger?: Logger;
  renderCard?: (current: Case) => Promise<{ text: string; blocks: [] }>;
}

export interface TestInstance {
  store: Store;
  tracker: StatusTracker;
  digests: DigestRunner;
  notifier: SlackNotifier;
  scheduler: Scheduler;
  /** Stops the scheduler and closes the store, as SIGTERM would. */
  close(): Promise<void>;
}

export async function startInstance(options: TestInstanceOptions): Promise<TestInstance> {
  const logger = options.logger ?? silentLogger;
  const holder = options.holder ?? 'test-instance';
  const store = await createStore({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    logger,
    now: () => new Date(options.clock.now()),
  });
  await store.migrate();
  const notifier = new SlackNotifier({ client: options.slack, logger, clock: options.clock });
  const vendors = new VendorRegistry(options.adapters);
  const tracker = new StatusTracker({
    store,
    vendors,
    logger,
    clock: options.clock,
    cards: new SlackCardUpdater({
      cards: createUseCases({ store, vendors, logger }).cards,
      notifier,
      renderCard: options.renderCard ?? (async (c) => ({ text: `${c.id}: ${c.status}`, blocks: [] })),
    }),
  });
  const defaults = options.defaults ?? DEFAULT_DIGEST;
  const digests = new DigestRunner({
    store,
    publisher: new SlackDigestPublisher({ notifier }),
    defaults,
    holder,
    logger,
    clock: options.clock,
    channelsWithoutScheduledDigest: updateDeliveryQuestions(store).channelsWithoutScheduledDigest,
  });
  const scheduler = new Scheduler({
    store,
    tracker,
    digests,
    // Far apart by default: tests drive fires through `scheduler.fire`, not the wall clock.
    pollCron: options.pollCron ?? '0 0 0 1 1 *',
    holder,
    logger,
    clock: options.clock,
    resyncCron: '0 0 0 1 1 *',
  });
  await scheduler.start();
  return {
    store,
    tracker,
    digests,
    notifier,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await store.close();
    },
  };
}

export interface CiscoFixture {
  simulator: CiscoSimulator;
  adapter: VendorAdapter;
  /** Another adapter on the same simulator, as a second replica would have. */
  newAdapter(): VendorAdapter;
  stop(): Promise<void>;
}

/** The Cisco simulator and the real Cisco adapter pointed at it (Cisco: bulk summaries of 30 ids). */
export async function startCisco(): Promise<CiscoFixture> {
  const simulator = createCiscoSimulator();
  await simulator.start();
  const env = loadEnv({ ...simulator.env(), CISCO_RATE_PER_SECOND: '50', CISCO_MAX_CONCURRENT: '4' });
  const adapters: VendorAdapter[] = [];
  const newAdapter = () => {
    const adapter = ciscoFromEnv(env, { logger: silentLogger, retry: { attempts: 1 } });
    if (!adapter) throw new Error('the Cisco adapter was not configured from the simulator environment');
    adapters.push(adapter);
    return adapter;
  };
  return {
    simulator,
    adapter: newAdapter(),
    newAdapter,
    stop: async () => {
      await Promise.all(adapters.map((adapter) => adapter.close()));
      await simulator.stop();
    },
  };
}

export function temporaryDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'caseops-status-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
