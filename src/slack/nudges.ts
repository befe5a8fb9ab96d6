/**
 * Nudges as Slack messages: posted through the notifier (paced, 429s waited out) in the case card's thread,
 * tagged with message metadata carrying the nudge's key, so a later run can find in the thread (or the
 * channel) a nudge Slack accepted when caseops never heard back.
 */
import { type DueNudge, NudgeNotPostedError, type NudgePublisher } from '../scheduler/nudge-runner.js';
import { buildNudgeMessage } from './blocks/nudge.js';
import { type MessageMetadata, SlackDeliveryError, type SlackNotifier } from './notifier.js';

/** `event_type` of the metadata on every nudge caseops posts. */
export const NUDGE_EVENT_TYPE = 'caseops_nudge';

export class SlackNudgePublisher implements NudgePublisher {
  constructor(private readonly notifier: SlackNotifier) {}

  async post(nudge: DueNudge, threadTs: string | undefined, signal?: AbortSignal): Promise<string> {
    const metadata: MessageMetadata = {
      event_type: NUDGE_EVENT_TYPE,
      event_payload: { channel: nudge.stay.channelId, key: nudge.key },
    };
    try {
      return await this.notifier.post(
        nudge.stay.channelId,
        { ...buildNudgeMessage(nudge), metadata, ...(threadTs ? { threadTs } : {}) },
        signal,
      );
    } catch (error) {
      // An error code is Slack's own answer (refused, or rate limited to the end): the nudge is not there.
      if (error instanceof SlackDeliveryError && error.slackError !== undefined) {
        throw new NudgeNotPostedError(error.message, { cause: error });
      }
      throw error;
    }
  }

  async findPosted(
    channelId: string,
    threadTs: string | undefined,
    since: string,
    signal?: AbortSignal,
  ): Promise<Array<{ key: string; ts: string }>> {
    // A thread is read whole (it is small, and its own start bounds it: no clock skew to allow for).
    const oldest = threadTs ?? (Date.parse(since) / 1000).toFixed(6);
    const found: Array<{ key: string; ts: string }> = [];
    for (const message of await this.notifier.history(channelId, oldest, signal, threadTs)) {
      if (message.metadata?.event_type !== NUDGE_EVENT_TYPE) continue;
      const payload = message.metadata.event_payload as Record<string, unknown> | undefined;
      if (payload?.channel === channelId && typeof payload.key === 'string') {
        found.push({ key: payload.key, ts: message.ts });
      }
    }
    return found;
  }
}
