/**
 * chat.getPermalink for the digest's links to card threads: one call per card, whose answer the card-threads
 * use case keeps. Not paced per channel like posts (it posts nothing, and Slack rates it far higher); a 429 or
 * any other failure is thrown, and that card goes unlinked this time.
 */
import * as z from 'zod';
import type { FetchPermalink } from '../domain/use-cases/card-threads.js';
import { SLACK_LIMITS } from './blocks/limits.js';
import type { SlackChatClient } from './notifier.js';

const PermalinkAnswer = z.object({
  ok: z.boolean().optional(),
  error: z.string().optional(),
  permalink: z.string().max(SLACK_LIMITS.element.urlChars).optional(),
});

/** Permalinks through `client`; answers undefined when the client cannot ask for them. */
export function permalinkFetcher(client: SlackChatClient): FetchPermalink {
  return async (channel, ts) => {
    if (!client.chat.getPermalink) return undefined;
    const answer = PermalinkAnswer.parse(await client.chat.getPermalink({ channel, message_ts: ts }));
    if (answer.ok === false) throw new Error(`chat.getPermalink refused: ${answer.error ?? 'unknown error'}`);
    const permalink = answer.permalink;
    return permalink && /^https:\/\/[^\s|<>]+$/.test(permalink) ? permalink : undefined;
  };
}
