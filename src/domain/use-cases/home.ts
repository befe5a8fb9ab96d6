/**
 * App Home's contents: the cases a person opened recently and the cases watched in the channels they are in.
 * Each half is loaded on its own, so one failing still shows the other; what failed is named in `failed` for
 * the surface to word. Every row obeys the policy's `lookup` rules (a watched row as in its channel, a recent
 * one as outside any channel) and where its case lives.
 */

import type { VendorId } from '../case.js';
import type { PolicyGate } from '../policy-gate.js';
import type { ChannelMembership } from '../ports/channels.js';
import type { Logger } from '../ports/logger.js';
import type { CardStore, EventLog, RecentCase, WatchStore } from '../ports/store.js';
import type { CaseAccess } from './case-access.js';
import { type WatchedCase, withSnapshots } from './case-service.js';

export const HOME_RECENT_CASES = 20;

export interface HomeContents {
  recent: RecentCase[];
  watched: WatchedCase[];
  failed: Array<'recent' | 'watched'>;
}

export interface HomeOptions {
  store: Pick<CardStore, 'recentCases'> &
    Pick<WatchStore, 'watchesInChannels'> &
    Pick<EventLog, 'getSnapshots'>;
  logger: Logger;
  /** Which channels the person is in (cached by the chat side); without it, the caller's `channelsOf`. */
  channels?: ChannelMembership;
  /** Where cases live; without it only the policy limits the rows. */
  access?: CaseAccess;
  policy?: Pick<PolicyGate, 'preview'>;
}

export class Home {
  constructor(private readonly options: HomeOptions) {}

  /**
   * `channelsOf` says which channels the person is in when no ChannelMembership is configured; asked once.
   */
  async contents(userId: string, channelsOf?: () => Promise<ReadonlySet<string>>): Promise<HomeContents> {
    const { store, logger } = this.options;
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
      this.watchedInChannels(userId, channelsOf).catch((error: unknown) => {
        logger.error({ err: error }, 'App Home: watched cases failed');
        failed.push('watched');
        return [];
      }),
    ]);
    return { recent, watched, failed };
  }

  private async watchedInChannels(
    userId: string,
    channelsOf?: () => Promise<ReadonlySet<string>>,
  ): Promise<WatchedCase[]> {
    const { store, channels } = this.options;
    const mine = channels ? await channels.channelsOf(userId) : await (channelsOf?.() ?? new Set<string>());
    if (mine.size === 0) return [];
    const watches = await store.watchesInChannels([...mine]);
    const readable = await this.readable(userId, watches, (w) => w.channelId);
    return withSnapshots(store, readable);
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
