/**
 * App Home's contents: the cases a person opened recently and the cases watched in the channels they are in,
 * the latter also as the on-call queue (by whose move it is, with each case's recorded clock and its card's
 * link). Each half is loaded on its own, so one failing still shows the other; what failed is named in
 * `failed` for the surface to word. Every row obeys the policy's `lookup` rules (a watched row as in its
 * channel, a recent one as outside any channel) and where its case lives.
 */

import { type CaseState, caseKey, type VendorId } from '../case.js';
import { onCallQueue, type QueueEntry } from '../on-call-queue.js';
import type { PolicyGate } from '../policy-gate.js';
import type { ChannelMembership } from '../ports/channels.js';
import type { Logger } from '../ports/logger.js';
import type {
  CardPermalinks,
  CardStore,
  CaseSnapshot,
  EventLog,
  PostedCard,
  RecentCase,
  Watch,
  WatchStore,
} from '../ports/store.js';
import { type ClockStore, clockFactsOf } from '../response-clock.js';
import { type FetchPermalink, permalinksOf } from './card-threads.js';
import type { CaseAccess } from './case-access.js';
import { type WatchedCase, withSnapshots } from './case-service.js';

export const HOME_RECENT_CASES = 20;
/** The queue rows App Home has room for (two blocks each, within Slack's 100 blocks with the other parts). */
export const HOME_QUEUE_ROWS = 25;
/** New card permalinks one App Home asks the chat service for at most (the rest on later openings). */
export const HOME_PERMALINKS_ASKED = 10;

/** One watched case in the on-call queue, however many of the person's channels watch it. */
export interface QueueCase {
  vendor: VendorId;
  caseId: string;
  title: string;
  status: string;
  state: CaseState;
  /** The person's channels that watch it. */
  channels: string[];
  /** The case's card in one of those channels, where caseops knows its permalink. */
  cardLink?: string;
}

export interface HomeQueue {
  /** The first HOME_QUEUE_ROWS entries, in queue order. */
  shown: QueueEntry<QueueCase>[];
  /** How many more entries each group has beyond those shown. */
  more: Partial<Record<QueueEntry<QueueCase>['group'], number>>;
  /** Watched cases the poller has not seen yet (no state, so no place in the queue). */
  notSeenYet: number;
}

export interface HomeContents {
  recent: RecentCase[];
  watched: WatchedCase[];
  queue: HomeQueue;
  /** The time the clocks were read at. */
  now: Date;
  failed: Array<'recent' | 'watched'>;
}

export interface HomeOptions {
  store: Pick<CardStore, 'recentCases' | 'cardsFor'> &
    Pick<WatchStore, 'watchesInChannels'> &
    Pick<EventLog, 'getSnapshots'> &
    Pick<CardPermalinks, 'rememberCardPermalink'> &
    ClockStore;
  logger: Logger;
  now?: () => Date;
  /** Which channels the person is in (cached by the chat side); without it, the caller's `channelsOf`. */
  channels?: ChannelMembership;
  /** Where cases live; without it only the policy limits the rows. */
  access?: CaseAccess;
  policy?: Pick<PolicyGate, 'preview'>;
}

const EMPTY_QUEUE: HomeQueue = { shown: [], more: {}, notSeenYet: 0 };

export class Home {
  constructor(private readonly options: HomeOptions) {}

  /**
   * `channelsOf` says which channels the person is in when no ChannelMembership is configured; asked once.
   * `fetchPermalink` asks the chat service for a card's link caseops does not know yet.
   */
  async contents(
    userId: string,
    channelsOf?: () => Promise<ReadonlySet<string>>,
    fetchPermalink?: FetchPermalink,
  ): Promise<HomeContents> {
    const { store, logger } = this.options;
    const now = this.options.now?.() ?? new Date();
    const failed: HomeContents['failed'] = [];
    const [recent, watched] = await Promise.all([
      store
        .recentCases(userId, HOME_RECENT_CASES)
        .then((rows) => this.readable(userId, rows, () => undefined))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'App Home: recent cases failed');
          failed.push('recent');
          return [];
        }),
      this.watchedInChannels(userId, now, channelsOf, fetchPermalink).catch((error: unknown) => {
        logger.error({ err: error }, 'App Home: watched cases failed');
        failed.push('watched');
        return { watched: [], queue: EMPTY_QUEUE };
      }),
    ]);
    return { recent, ...watched, now, failed };
  }

  private async watchedInChannels(
    userId: string,
    now: Date,
    channelsOf?: () => Promise<ReadonlySet<string>>,
    fetchPermalink?: FetchPermalink,
  ): Promise<{ watched: WatchedCase[]; queue: HomeQueue }> {
    const { store, channels } = this.options;
    const mine = channels ? await channels.channelsOf(userId) : await (channelsOf?.() ?? new Set<string>());
    if (mine.size === 0) return { watched: [], queue: EMPTY_QUEUE };
    const watches = await store.watchesInChannels([...mine]);
    const readable = await this.readable(userId, watches, (w) => w.channelId);
    const [watched, queue] = await Promise.all([
      withSnapshots(store, readable),
      this.queueOf(readable, now, fetchPermalink),
    ]);
    return { watched, queue };
  }

  /** The readable watches as the on-call queue: one row per case, in order, the shown rows with card links. */
  private async queueOf(watches: readonly Watch[], now: Date, fetchPermalink?: FetchPermalink) {
    const { store, logger } = this.options;
    const channelsByCase = new Map<string, string[]>();
    const keys: Array<{ vendor: VendorId; caseId: string }> = [];
    for (const w of watches) {
      const key = caseKey(w.vendor, w.caseId);
      const channels = channelsByCase.get(key);
      if (channels) channels.push(w.channelId);
      else {
        channelsByCase.set(key, [w.channelId]);
        keys.push({ vendor: w.vendor, caseId: w.caseId });
      }
    }
    const snapshots = keys.length === 0 ? [] : await store.getSnapshots(keys);
    const readings = snapshots.length === 0 ? [] : await store.clockReadings(snapshots);
    const readingOf = new Map(readings.map((r) => [caseKey(r.vendor, r.caseId), r]));
    const ordered = onCallQueue(
      snapshots,
      (s) => clockFactsOf(s, readingOf.get(caseKey(s.vendor, s.caseId))),
      now,
    );
    const shown = ordered.slice(0, HOME_QUEUE_ROWS);
    const more: HomeQueue['more'] = {};
    for (const entry of ordered.slice(HOME_QUEUE_ROWS)) more[entry.group] = (more[entry.group] ?? 0) + 1;
    const cards = new Map<string, PostedCard>();
    await Promise.all(
      shown.map(async ({ item }) => {
        const key = caseKey(item.vendor, item.caseId);
        const here = new Set(channelsByCase.get(key));
        const posted = await store.cardsFor(item.vendor, item.caseId).catch(() => []);
        const card = posted.find((c) => here.has(c.channelId));
        if (card) cards.set(key, card);
      }),
    );
    const links = await permalinksOf(
      [...cards.values()],
      { store, fetchPermalink: fetchPermalink ?? (async () => undefined), logger },
      HOME_PERMALINKS_ASKED,
    );
    const linkOf = new Map([...links].map(([card, link]) => [caseKey(card.vendor, card.caseId), link]));
    const asRow = (s: CaseSnapshot): QueueCase => {
      const key = caseKey(s.vendor, s.caseId);
      const cardLink = linkOf.get(key);
      return {
        vendor: s.vendor,
        caseId: s.caseId,
        title: s.title,
        status: s.status,
        state: s.state,
        channels: channelsByCase.get(key) ?? [],
        ...(cardLink ? { cardLink } : {}),
      };
    };
    return {
      shown: shown.map((entry) => ({ ...entry, item: asRow(entry.item) })),
      more,
      notSeenYet: keys.length - snapshots.length,
    };
  }

  /** The rows the person may read: `lookup` allowed at the row's vendor (and channel), and the case visible. */
  private async readable<R extends { vendor: VendorId; caseId: string }>(
    userId: string,
    rows: readonly R[],
    channelOf: (row: R) => string | undefined,
  ): Promise<R[]> {
    const { policy, access } = this.options;
    let allowed = [...rows];
    if (policy) {
      const decisions = new Map<string, Promise<boolean>>();
      const mayLookup = (row: R) => {
        const channelId = channelOf(row);
        const key = `${row.vendor}\u0000${channelId ?? ''}`;
        let decided = decisions.get(key);
        if (!decided) {
          decided = policy
            .preview('lookup', { vendor: row.vendor, userId, channelId })
            .then((decision) => decision.allowed);
          decisions.set(key, decided);
        }
        return decided;
      };
      const verdicts = await Promise.all(allowed.map(mayLookup));
      allowed = allowed.filter((_, index) => verdicts[index]);
    }
    return access ? access.visibleOf(userId, allowed) : allowed;
  }
}
