/**
 * Thread replies as Slack messages: posted through the notifier (paced per channel, 429s waited out) in the
 * card's thread and never broadcast to the channel, each tagged with message metadata naming its card and event
 * range, so a later run can find in the thread a reply Slack accepted when caseops never heard back.
 */
import {
  type PostedThreadReply,
  type ThreadReply,
  ThreadReplyNotPostedError,
  type ThreadReplyPublisher,
  threadReplyKey,
} from '../scheduler/thread-replies.js';
import { buildThreadUpdate } from './blocks/thread-update.js';
import { type MessageMetadata, SlackDeliveryError, type SlackNotifier } from './notifier.js';

/** `event_type` of the metadata on every thread reply caseops posts. */
export const THREAD_UPDATE_EVENT_TYPE = 'caseops_thread_update';

export class SlackThreadReplyPublisher implements ThreadReplyPublisher {
  constructor(private readonly notifier: SlackNotifier) {}

  async post(reply: ThreadReply, signal?: AbortSignal): Promise<string> {
    const metadata: MessageMetadata = {
      event_type: THREAD_UPDATE_EVENT_TYPE,
      event_payload: {
        channel: reply.channelId,
        card_ts: reply.cardTs,
        after_event_id: reply.afterEventId,
        to_event_id: reply.toEventId,
      },
    };
    try {
      return await this.notifier.post(
        reply.channelId,
        { ...buildThreadUpdate(reply), metadata, threadTs: reply.cardTs },
        signal,
      );
    } catch (error) {
      // An error code is Slack's own answer (refused, or rate limited to the end): the reply is not there.
      if (error instanceof SlackDeliveryError && error.slackError !== undefined) {
        throw new ThreadReplyNotPostedError(error.message, { cause: error });
      }
      throw error;
    }
  }

  async findPosted(channelId: string, cardTs: string, signal?: AbortSignal): Promise<PostedThreadReply[]> {
    // The thread is read whole from its root: its own start bounds it, so no clock skew to allow for.
    const found: PostedThreadReply[] = [];
    for (const message of await this.notifier.history(channelId, cardTs, signal, cardTs)) {
      if (message.metadata?.event_type !== THREAD_UPDATE_EVENT_TYPE) continue;
      const payload = message.metadata.event_payload as Record<string, unknown> | undefined;
      if (!payload || payload.channel !== channelId || payload.card_ts !== cardTs) continue;
      const [after, to] = [payload.after_event_id, payload.to_event_id].map(Number);
      if (!Number.isInteger(after) || !Number.isInteger(to)) continue;
      found.push({ key: threadReplyKey(cardTs, channelId, after!, to!), ts: message.ts });
    }
    return found;
  }
}
