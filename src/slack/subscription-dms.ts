/**
 * Direct messages to subscribers as Slack messages: the channel from conversations.open (scope im:write),
 * posted through the notifier (paced, 429s waited out), tagged with message metadata carrying the message's
 * key, so a later run can find in the direct-message history (scope im:history) a message Slack accepted when
 * caseops never heard back. The person's time zone comes from users.info.
 */
import {
  type DueSubscriptionDm,
  SubscriptionDmNotPostedError,
  type SubscriptionDmPublisher,
} from '../scheduler/subscription-dm-runner.js';
import { fitMessage } from './blocks/limits.js';
import { buildSubscriptionDm } from './blocks/subscription-dm.js';
import { type MessageMetadata, SlackDeliveryError, type SlackNotifier } from './notifier.js';

/** `event_type` of the metadata on every direct message caseops sends a subscriber. */
export const SUBSCRIPTION_DM_EVENT_TYPE = 'caseops_dm';

/** The Web API calls this needs beyond the notifier's; `WebClient` satisfies it. */
export interface SlackDmClient {
  conversations: {
    open(args: { users: string }): Promise<{ ok?: boolean; error?: string; channel?: { id?: string } }>;
  };
  users: {
    info(args: { user: string }): Promise<{ ok?: boolean; error?: string; user?: { tz?: string } }>;
  };
}

export class SlackSubscriptionDmPublisher implements SubscriptionDmPublisher {
  constructor(
    private readonly notifier: SlackNotifier,
    private readonly client: Partial<SlackDmClient>,
  ) {}

  async openDm(userId: string): Promise<string> {
    const open = this.client.conversations?.open;
    if (!open) throw new SlackDeliveryError('this Slack client cannot open direct messages');
    const answer = await open.call(this.client.conversations, { users: userId });
    const id = answer.channel?.id;
    if (answer.ok === false || !id) {
      throw new SlackDeliveryError(
        `conversations.open failed: ${answer.error ?? 'no channel'}`,
        answer.error,
      );
    }
    return id;
  }

  async timezoneOf(userId: string): Promise<string | undefined> {
    const info = this.client.users?.info;
    if (!info) throw new SlackDeliveryError('this Slack client cannot read users (users.info)');
    const answer = await info.call(this.client.users, { user: userId });
    if (answer.ok === false) throw new SlackDeliveryError(`users.info failed: ${answer.error}`, answer.error);
    return answer.user?.tz || undefined;
  }

  async post(channelId: string, dm: DueSubscriptionDm, signal?: AbortSignal): Promise<string> {
    const metadata: MessageMetadata = {
      event_type: SUBSCRIPTION_DM_EVENT_TYPE,
      event_payload: {
        key: dm.key,
        user: dm.userId,
        vendor: dm.vendor,
        case_id: dm.caseId,
        from_event_id: dm.fromEventId,
        to_event_id: dm.toEventId,
      },
    };
    try {
      return await this.notifier.post(
        channelId,
        { ...fitMessage(buildSubscriptionDm(dm)), metadata },
        signal,
      );
    } catch (error) {
      // An error code is Slack's own answer (refused, or rate limited to the end): the message is not there.
      if (error instanceof SlackDeliveryError && error.slackError !== undefined) {
        throw new SubscriptionDmNotPostedError(error.message, { cause: error });
      }
      throw error;
    }
  }

  async findPosted(
    channelId: string,
    since: string,
    signal?: AbortSignal,
  ): Promise<Array<{ key: string; ts: string }>> {
    const oldest = (Date.parse(since) / 1000).toFixed(6);
    const found: Array<{ key: string; ts: string }> = [];
    for (const message of await this.notifier.history(channelId, oldest, signal)) {
      if (message.metadata?.event_type !== SUBSCRIPTION_DM_EVENT_TYPE) continue;
      const payload = message.metadata.event_payload as Record<string, unknown> | undefined;
      if (typeof payload?.key === 'string') found.push({ key: payload.key, ts: message.ts });
    }
    return found;
  }
}
