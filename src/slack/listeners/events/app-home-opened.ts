/**
 * App Home: the on-call queue of the cases watched in the person's channels and their recently opened cases
 * (card links asked of Slack where caseops does not know them yet). Bolt acks
 * events before listeners run; a re-delivered event (X-Slack-Retry-Num) is answered once per event id.
 */
import type { App } from '@slack/bolt';
import { buildHome } from '../../blocks/home.js';
import { buildHomeSubscriptions } from '../../blocks/home-subscriptions.js';
import type { SlackDeps } from '../../deps.js';
import { openVendors } from '../../open-flow.js';

const PROBLEM_WORDS = {
  recent: 'Your recent cases could not be loaded just now.',
  watched: 'The watched cases could not be loaded just now.',
  subscriptions: 'The cases caseops notifies you about could not be loaded just now.',
} as const;

export async function publishHome(deps: SlackDeps, userId: string): Promise<void> {
  const [contents, subscriptions] = await Promise.all([
    deps.home.contents(
      userId,
      () => deps.slack.channelsOf(userId),
      (channel, ts) => deps.slack.permalink(channel, ts),
    ),
    deps.subscriptions.view(userId).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'App Home: subscriptions failed');
      return undefined;
    }),
  ]);
  const failed = [...contents.failed, ...(subscriptions ? [] : (['subscriptions'] as const))];
  await deps.slack.publishHome(
    userId,
    buildHome({
      recent: contents.recent,
      queue: contents.queue,
      now: contents.now,
      canOpen: openVendors(deps).length > 0,
      ...(subscriptions ? { subscriptions: buildHomeSubscriptions(subscriptions) } : {}),
      problem: failed.map((part) => PROBLEM_WORDS[part]).join(' ') || undefined,
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
