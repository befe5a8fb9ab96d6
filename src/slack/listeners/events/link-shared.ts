/**
 * `link_shared`: a link to a configured vendor's case page (the shape its portal template gives) is unfurled
 * with chat.unfurl into a compact card. Links of vendors not configured, cases the vendor does not know, and
 * cases the policy does not let the sharer look up are left alone. "Watch here" on an unfurl watches the case
 * in the message's channel and tells the presser privately (the message is a person's, not caseops').
 */
import type { App, BlockAction } from '@slack/bolt';
import { CaseNotFoundError, DeniedError } from '../../../domain/errors.js';
import { buildCaseUnfurl, UNFURL_WATCH_ACTION } from '../../blocks/case-unfurl.js';
import { notice } from '../../blocks/notices.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { actorOf, afterAckButton, channelOf } from '../actions/context.js';

interface LinkSharedEvent {
  channel: string;
  message_ts: string;
  user: string;
  links: Array<{ url: string; domain?: string }>;
}

/** Each link of a configured vendor's case, as Slack will show it; others are skipped. */
async function unfurlsFor(deps: SlackDeps, event: LinkSharedEvent) {
  const unfurls: Record<string, { blocks: ReturnType<typeof buildCaseUnfurl> }> = {};
  const actor = { userId: event.user, channelId: event.channel };
  for (const { url } of event.links.slice(0, 5)) {
    const ref = deps.cases.caseFromLink(url);
    if (!ref) continue;
    try {
      const c = await deps.cases.lookup(actor, ref.vendor, ref.id);
      unfurls[url] = { blocks: buildCaseUnfurl(c, { now: deps.now(), canWatch: isChannel(event.channel) }) };
    } catch (error) {
      if (error instanceof CaseNotFoundError || error instanceof DeniedError) continue;
      deps.logger.warn({ err: error, vendor: ref.vendor }, 'a shared case link could not be looked up');
    }
  }
  return unfurls;
}

export function register(app: App, deps: SlackDeps): void {
  app.event('link_shared', async ({ event, body }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !deps.once.claim(`event:${eventId}`)) return;
    const shared = event as unknown as LinkSharedEvent;
    try {
      const unfurls = await unfurlsFor(deps, shared);
      if (Object.keys(unfurls).length === 0) return;
      await deps.slack.unfurl(shared.channel, shared.message_ts, unfurls);
    } catch (error) {
      deps.logger.warn({ err: error, channel: shared.channel }, 'shared case links could not be unfurled');
    }
  });

  app.action<BlockAction>(
    UNFURL_WATCH_ACTION,
    afterAckButton(deps, async (press) => {
      const ref = readCaseRef(press.value);
      const channelId = channelOf(press);
      const { added } = await deps.cases.watch(actorOf(press), ref.v, ref.id, channelId);
      await press.tell(
        notice(
          added
            ? `:eyes: This channel now watches this case: status changes will be posted here.`
            : 'This channel already watches this case.',
        ),
      );
    }),
  );
}
