/** Facts about Slack ids and text that several listeners need. */
import { unescapeSlackText } from './blocks/limits.js';

/** Public or private channels (not DMs or group DMs): cases opened there are posted and watched there. */
export function isChannel(channelId: string | undefined): channelId is string {
  return typeof channelId === 'string' && /^[CG][A-Z0-9]+$/.test(channelId);
}

/**
 * A Slack message's text as a person would read it, for pre-filling a vendor form: links become
 * "label (url)", mentions keep their readable part, and Slack's escaping is undone.
 */
export function slackTextToPlain(text: string): string {
  return unescapeSlackText(
    text
      .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
      .replace(/<(https?:[^>]+)>/g, '$1')
      .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
      .replace(/<@([A-Z0-9]+)>/g, '@$1')
      .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, '#$2')
      .replace(/<!([a-z]+)(\^[^|>]*)?(\|[^>]*)?>/g, '@$1'),
  );
}
