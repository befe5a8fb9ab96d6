/**
 * App Home's contents: the cases a person opened recently and the cases watched in the channels they are in.
 * Each half is loaded on its own, so one failing still shows the other; what failed is named in `failed` for
 * the surface to word.
 */
import type { Logger } from '../ports/logger.js';
import type { CardStore, EventLog, RecentCase, WatchStore } from '../ports/store.js';
import { type WatchedCase, withSnapshots } from './case-service.js';

/** Enough for a page a person reads; no more watched cases than this are looked at. */
export const MAX_HOME_WATCHED_CASES = 200;
export const HOME_RECENT_CASES = 20;

export interface HomeContents {
  recent: RecentCase[];
  watched: WatchedCase[];
  failed: Array<'recent' | 'watched'>;
}

export interface HomeOptions {
  store: Pick<CardStore, 'recentCases'> &
    Pick<WatchStore, 'watchedCases' | 'watchesOfCase'> &
    Pick<EventLog, 'getSnapshots'>;
  logger: Logger;
}

export class Home {
  constructor(private readonly options: HomeOptions) {}

  /** `channelsOf` says which channels the person is in (the chat service knows); asked only once. */
  async contents(userId: string, channelsOf: () => Promise<ReadonlySet<string>>): Promise<HomeContents> {
    const { store, logger } = this.options;
    const failed: HomeContents['failed'] = [];
    const [recent, watched] = await Promise.all([
      store.recentCases(userId, HOME_RECENT_CASES).catch((error: unknown) => {
        logger.error({ err: error }, 'App Home: recent cases failed');
        failed.push('recent');
        return [];
      }),
      this.watchedInChannels(channelsOf).catch((error: unknown) => {
        logger.error({ err: error }, 'App Home: watched cases failed');
        failed.push('watched');
        return [];
      }),
    ]);
    return { recent, watched, failed };
  }

  private async watchedInChannels(channelsOf: () => Promise<ReadonlySet<string>>): Promise<WatchedCase[]> {
    const channels = await channelsOf();
    if (channels.size === 0) return [];
    const { store } = this.options;
    const cases = (await store.watchedCases()).slice(0, MAX_HOME_WATCHED_CASES);
    const watches = (await Promise.all(cases.map((c) => store.watchesOfCase(c.vendor, c.caseId))))
      .flat()
      .filter((w) => channels.has(w.channelId));
    return withSnapshots(store, watches);
  }
}
