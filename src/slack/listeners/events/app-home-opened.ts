/**
 * App Home: the person's recently opened cases and the cases watched in the channels they are in. Bolt acks
 * events before listeners run; a re-delivered event (X-Slack-Retry-Num) is answered once per event id.
 */
import type { App } from '@slack/bolt';
import type { RecentCase, Watch } from '../../../domain/ports/store.js';
import { buildHome, type HomeWatched } from '../../blocks/home.js';
import type { SlackDeps } from '../../deps.js';
import { openVendors } from '../../open-flow.js';

/** Enough for a page a person reads; the store is asked for no more than this many watched cases. */
const MAX_WATCHED_CASES = 200;

async function watchedInChannelsOf(deps: SlackDeps, userId: string): Promise<HomeWatched[]> {
  const channels = await deps.slack.channelsOf(userId);
  if (channels.size === 0) return [];
  const cases = (await deps.store.watchedCases()).slice(0, MAX_WATCHED_CASES);
  const watches: Watch[] = (await Promise.all(cases.map((c) => deps.store.watchesOfCase(c.vendor, c.caseId))))
    .flat()
    .filter((w) => channels.has(w.channelId));
  if (watches.length === 0) return [];
  const snapshots = await deps.store.getSnapshots(
    watches.map((w) => ({ vendor: w.vendor, caseId: w.caseId })),
  );
  const byKey = new Map(snapshots.map((s) => [`${s.vendor}:${s.caseId}`, s]));
  return watches.map((watch) => {
    const snap = byKey.get(`${watch.vendor}:${watch.caseId}`);
    return { watch, title: snap?.title, status: snap?.status };
  });
}

export async function publishHome(deps: SlackDeps, userId: string): Promise<void> {
  const problems: string[] = [];
  let recent: RecentCase[] = [];
  let watched: HomeWatched[] = [];
  await Promise.all([
    deps.store
      .recentCases(userId, 20)
      .then((r) => {
        recent = r;
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'App Home: recent cases failed');
        problems.push('Your recent cases could not be loaded just now.');
      }),
    watchedInChannelsOf(deps, userId)
      .then((w) => {
        watched = w;
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'App Home: watched cases failed');
        problems.push('The watched cases could not be loaded just now.');
      }),
  ]);
  await deps.slack.publishHome(
    userId,
    buildHome({
      recent,
      watched,
      canOpen: openVendors(deps).length > 0,
      problem: problems.join(' ') || undefined,
    }),
  );
}

export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !deps.once.claim(`event:${eventId}`)) return;
    try {
      await publishHome(deps, event.user);
    } catch (error) {
      deps.logger.error({ err: error, user: event.user }, 'App Home could not be published');
    }
  });
}
