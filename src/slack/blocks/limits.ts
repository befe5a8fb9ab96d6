/**
 * Every Slack limit caseops respects, in one place, with the helpers that enforce them. Block builders never
 * hand Slack a string without passing it through `truncate`/`splitText` here, and every message or view goes
 * through `fitMessage`/`fitView` before it is sent, so an over-long vendor note can never make Slack refuse
 * a card. Values come from Slack's API documentation (Block Kit reference, "Verifying requests from Slack").
 */
import type { types } from '@slack/bolt';

export const SLACK_LIMITS = {
  /** Slack drops an interaction not acknowledged within this. */
  ackMs: 3000,
  /** A trigger_id is good for one views.open/views.push within this. */
  triggerIdMs: 3000,
  request: {
    /**
     * The largest body the HTTP endpoint reads. It rests on no cap of Slack's: the biggest request Slack sends
     * us is a modal submission, which echoes the view (at most 100 blocks) and each input's value (at most
     * 3000 characters), URL-encoded. Our largest, an open-case form with every input full of characters that
     * need escaping, is about 90 KB, so 256 KB is ample and still refuses a flood early.
     */
    bodyBytes: 256 * 1024,
  },
  responseUrl: { uses: 5, lifetimeMs: 30 * 60 * 1000 },
  modal: {
    titleChars: 24,
    submitChars: 24,
    closeChars: 24,
    blocks: 100,
    privateMetadataChars: 3000,
    callbackIdChars: 255,
    stackDepth: 3,
  },
  home: { blocks: 100 },
  message: {
    blocks: 50,
    /** The top-level `text` fallback; Slack truncates at 40k, notifications show far less. */
    fallbackChars: 3000,
    sectionTextChars: 3000,
    fieldCount: 10,
    fieldChars: 2000,
    headerChars: 150,
    /** Slack fails with msg_blocks_too_long around 13k characters of block text; stay clear of it. */
    totalBlockTextChars: 12_000,
  },
  element: {
    actionIdChars: 255,
    blockIdChars: 255,
    buttonTextChars: 75,
    buttonValueChars: 2000,
    urlChars: 3000,
    optionTextChars: 75,
    optionValueChars: 150,
    optionDescriptionChars: 75,
    staticSelectOptions: 100,
    actionsElements: 25,
    contextElements: 10,
    contextTextChars: 2000,
  },
  input: {
    labelChars: 2000,
    hintChars: 2000,
    placeholderChars: 150,
    /** plain_text_input accepts at most this many characters, whatever a vendor allows. */
    plainTextMaxLength: 3000,
  },
} as const;

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` UTF-16 units, ending with an ellipsis, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * Splits `text` into chunks of at most `max` characters, preferring paragraph, line and word boundaries, so a
 * long note becomes several sections instead of being cut.
 */
export function splitText(text: string, max: number): string[] {
  if (max <= 0) return [];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'));
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

const MRKDWN_CONTROL = /[&<>]/;

/** Escapes the three characters Slack's mrkdwn treats as control characters (links, mentions, dates). */
export function escapeMrkdwn(text: string): string {
  // Most text has none of the three: one scan instead of three replacements.
  if (!MRKDWN_CONTROL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A message's fallback `text`, from a template whose literal parts are caseops' own words (they may mention
 * someone on purpose) and whose every interpolated value is escaped. Slack reads the fallback as mrkdwn and
 * notifies from it, so a case titled `<!channel> core down` would ping the channel from there even where the
 * blocks show the title escaped. Every fallback built from data goes through here.
 */
export function fallbackText(
  literals: TemplateStringsArray,
  ...values: ReadonlyArray<string | number>
): string {
  let out = literals[0] ?? '';
  values.forEach((value, index) => {
    out += escapeMrkdwn(String(value)) + (literals[index + 1] ?? '');
  });
  return out;
}

/** Longer vendor URLs are shown as plain ids rather than links. */
export const LINK_URL_CHARS = 1000;

/**
 * A vendor's URL as a link target, or undefined when it is not a plain http(s) address: a `|`, `<`, `>` or
 * space in it would let the rest of the "URL" become the link's label or a mention, and Slack refuses a
 * button whose URL is not one.
 */
export function linkableUrl(url: string | undefined): string | undefined {
  return url && url.length <= LINK_URL_CHARS && /^https?:\/\/[^\s|<>]+$/.test(url) ? url : undefined;
}

/** `label` (escaped) linked to `url` when it is linkable, else as code. */
export function linkOrCode(url: string | undefined, label: string): string {
  const target = linkableUrl(url);
  return target ? `<${target}|${escapeMrkdwn(label)}>` : `\`${escapeMrkdwn(label)}\``;
}

/** Undoes Slack's escaping of slash-command text so a note reaches the vendor as typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

type Block = types.KnownBlock;

/** The characters of text a block carries, as Slack counts them towards msg_blocks_too_long. */
export function blockTextLength(block: Block): number {
  let total = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const record = value as Record<string, unknown>;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') {
      total += record.text.length;
      return;
    }
    for (const inner of Object.values(record)) visit(inner);
  };
  visit(block);
  return total;
}

/** Shortens the longest text object inside `block` by `excess` characters (never below `floor`). */
function shortenLongestText(block: Block, excess: number, floor: number): number {
  let longest: { holder: Record<string, unknown>; length: number } | undefined;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const record = value as Record<string, unknown>;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') {
      if (!longest || record.text.length > longest.length)
        longest = { holder: record, length: record.text.length };
      return;
    }
    for (const inner of Object.values(record)) visit(inner);
  };
  visit(block);
  if (!longest || longest.length <= floor) return 0;
  const target = Math.max(floor, longest.length - excess);
  longest.holder.text = truncate(longest.holder.text as string, target);
  return longest.length - (longest.holder.text as string).length;
}

function moreNotShown(count: number): Block {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `_${count} more not shown._` }],
  };
}

/**
 * Makes a block list fit a message (or view) budget: at most `maxBlocks` blocks (the rest replaced by a
 * "n more not shown" line, keeping a trailing actions block so buttons survive) and at most `maxTextChars`
 * characters of text, shortening the longest texts first.
 */
export function fitBlocks(blocks: readonly Block[], maxBlocks: number, maxTextChars: number): Block[] {
  // Blocks are copied only when a text in them must be shortened (most messages fit as they are).
  let out = blocks.slice();
  const copied = new Set<Block>();
  if (out.length > maxBlocks) {
    const last = out[out.length - 1];
    const keepLast = last?.type === 'actions';
    const room = maxBlocks - 1 - (keepLast ? 1 : 0);
    const dropped = out.length - room - (keepLast ? 1 : 0);
    out = [...out.slice(0, room), moreNotShown(dropped), ...(keepLast && last ? [last] : [])];
  }
  let total = out.reduce((sum, b) => sum + blockTextLength(b), 0);
  let guard = 0;
  while (total > maxTextChars && guard < 1000) {
    guard += 1;
    const biggest = out.reduce(
      (best, b, i) => {
        const len = blockTextLength(b);
        return len > best.len ? { i, len } : best;
      },
      { i: -1, len: -1 },
    );
    let target = out[biggest.i];
    if (!target) break;
    if (!copied.has(target)) {
      target = structuredClone(target);
      copied.add(target);
      out[biggest.i] = target;
    }
    const saved = shortenLongestText(target, total - maxTextChars, 40);
    if (saved === 0) break;
    total -= saved;
  }
  return out;
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Applies every message limit: a fallback text that is never empty, ≤ 50 blocks, ≤ ~12k block characters. */
export function fitMessage(message: SlackMessage): SlackMessage {
  const text = truncate(message.text.trim() || 'caseops', SLACK_LIMITS.message.fallbackChars);
  return {
    text,
    blocks: fitBlocks(message.blocks, SLACK_LIMITS.message.blocks, SLACK_LIMITS.message.totalBlockTextChars),
  };
}

/** Applies every modal limit: title/submit/close lengths, ≤ 100 blocks, metadata and callback id lengths. */
export function fitModal(view: types.ModalView): types.ModalView {
  const out: types.ModalView = {
    ...view,
    title: { ...view.title, text: truncate(view.title.text, SLACK_LIMITS.modal.titleChars) },
    blocks: fitBlocks(view.blocks as Block[], SLACK_LIMITS.modal.blocks, Number.POSITIVE_INFINITY),
  };
  if (view.submit)
    out.submit = { ...view.submit, text: truncate(view.submit.text, SLACK_LIMITS.modal.submitChars) };
  if (view.close)
    out.close = { ...view.close, text: truncate(view.close.text, SLACK_LIMITS.modal.closeChars) };
  if (view.private_metadata && view.private_metadata.length > SLACK_LIMITS.modal.privateMetadataChars) {
    // Metadata is JSON we parse back: cutting it would corrupt it, so this is a programming error.
    throw new Error(`private_metadata is ${view.private_metadata.length} characters; Slack allows 3000`);
  }
  if (view.callback_id) out.callback_id = truncate(view.callback_id, SLACK_LIMITS.modal.callbackIdChars);
  return out;
}

/** Applies the App Home limit of 100 blocks. */
export function fitHome(view: types.HomeView): types.HomeView {
  return {
    ...view,
    blocks: fitBlocks(view.blocks as Block[], SLACK_LIMITS.home.blocks, Number.POSITIVE_INFINITY),
  };
}
