/**
 * The Slack side of the messages caseops posts after a write (the card of a case opened from a channel, the
 * "sent to the vendor" confirmation in a thread): each tagged with Slack message metadata naming the write's
 * idempotency key, the vendor and the case, and found again by reading the channel (conversations.history)
 * or the thread (conversations.replies) with include_all_metadata. The write-posts use case decides when.
 */
import type { WritePostChannel, WritePostTag } from '../domain/use-cases/write-posts.js';
import type { SlackMessage } from './blocks/limits.js';
import type { OutgoingMetadata, SlackGateway } from './gateway.js';
import { readSlackApiFailure } from './web-api-errors.js';

/** `event_type` of the card posted in the channel after a case is opened there. */
export const CARD_EVENT_TYPE = 'caseops_card';
/** `event_type` of the thread reply saying a message was sent to the vendor as a note. */
export const NOTE_SENT_EVENT_TYPE = 'caseops_note_sent';

export function writePostMetadata(tag: WritePostTag): OutgoingMetadata {
  return {
    event_type: tag.eventType,
    event_payload: {
      channel: tag.channelId,
      vendor: tag.vendor,
      case_id: tag.caseId,
      write_key: tag.writeKey,
    },
  };
}

/** Whether `metadata` (as conversations.history returns it) is the tag of this very message. */
export function isTaggedWith(
  metadata: { event_type?: string; event_payload?: unknown } | undefined,
  tag: WritePostTag,
) {
  if (metadata?.event_type !== tag.eventType) return false;
  const payload = metadata.event_payload as Record<string, unknown> | undefined;
  return payload?.write_key === tag.writeKey && payload.channel === tag.channelId;
}

/** `message` as one write's post, through the gateway. */
export function slackWritePost(slack: SlackGateway, message: SlackMessage): WritePostChannel {
  return {
    async post(tag) {
      const metadata = writePostMetadata(tag);
      try {
        const { ts } = tag.threadTs
          ? await slack.postInThread(tag.channelId, tag.threadTs, message, metadata)
          : await slack.postMessage(tag.channelId, message, metadata);
        if (!ts) throw new Error('Slack accepted the message but returned no ts');
        return { ts };
      } catch (error) {
        // Slack's own answer (refused, or rate limited to the end of the budget): the message is not there.
        const failure = readSlackApiFailure(error);
        if (failure?.kind === 'platform' || failure?.kind === 'rate-limited') return { refused: error };
        throw error;
      }
    },
    async find(tag, since) {
      // A thread is read whole (it starts at its parent); a channel from a little before the first attempt.
      const oldest = tag.threadTs ?? (Date.parse(since) / 1000).toFixed(6);
      const messages = await slack.readBack(tag.channelId, { oldest, threadTs: tag.threadTs });
      return messages.find((m) => isTaggedWith(m.metadata, tag))?.ts;
    },
  };
}
