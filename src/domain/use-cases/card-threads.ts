/**
 * Links from a digest to the threads of the cases' cards: the permalink of each card posted in the channel,
 * asked of the chat service once per card and then kept in the store, so a digest of 500 cases makes no call
 * for the cards it has linked before. A card whose permalink cannot be had is simply not linked this time
 * (the next digest asks again); after a few such failures in one digest, no more are asked for in it: the
 * chat service is refusing or slow, and the digest must not wait on it. A digest asks for a bounded number.
 */
import { caseKey, type VendorId } from '../case.js';
import type { Logger } from '../ports/logger.js';
import type { CardPermalinks, PostedCard } from '../ports/store.js';

/** The permalink of message `ts` in `channelId`; throws or answers undefined when there is none to be had. */
export type FetchPermalink = (channelId: string, ts: string) => Promise<string | undefined>;

/** Failed permalink requests after which a digest asks for no more. */
export const PERMALINK_FAILURES_PER_DIGEST = 3;
/**
 * New permalinks one digest asks for at most (within Slack's rate for chat.getPermalink, and so a first digest
 * of hundreds of cards is not held up by them); the rest are asked for by the next digests, once each.
 */
export const PERMALINKS_ASKED_PER_DIGEST = 100;

export interface CardThreadLinksOptions {
  store: Pick<CardPermalinks, 'cardsInChannel' | 'cardsInChannels' | 'rememberCardPermalink'>;
  fetchPermalink: FetchPermalink;
  logger: Logger;
}

/** The thread links of `cases` in `channelId`, as `CardThreadLinks.linksFor` gives them. */
export type ThreadLinksOf = (
  channelId: string,
  cases: ReadonlyArray<{ vendor: VendorId; caseId: string }>,
) => Promise<Map<string, string>>;

export class CardThreadLinks {
  constructor(private readonly options: CardThreadLinksOptions) {}

  /**
   * The thread link of each of `cases` that has a card in `channelId`, keyed by `caseKey(vendor, id)`.
   * Never throws: without links the digest is still the digest.
   */
  async linksFor(
    channelId: string,
    cases: ReadonlyArray<{ vendor: VendorId; caseId: string }>,
  ): Promise<Map<string, string>> {
    const wanted = new Set(cases.map((c) => caseKey(c.vendor, c.caseId)));
    if (wanted.size === 0) return new Map();
    let cards: PostedCard[];
    try {
      cards = await this.options.store.cardsInChannel(channelId);
    } catch (error) {
      this.options.logger.warn(
        { err: error, channel: channelId },
        'could not read the posted cards; no thread links',
      );
      return new Map();
    }
    return this.linksAmong(cards, wanted);
  }

  /**
   * `linksFor` for many channels, their cards read in one query up front (a digest fire reads them once
   * rather than once per channel). A card posted after that read is linked by the next digest.
   */
  async forChannels(channelIds: readonly string[]): Promise<ThreadLinksOf> {
    const byChannel = new Map<string, PostedCard[]>();
    try {
      for (const card of await this.options.store.cardsInChannels(channelIds)) {
        const cards = byChannel.get(card.channelId) ?? [];
        cards.push(card);
        byChannel.set(card.channelId, cards);
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read the posted cards; no thread links');
    }
    return async (channelId, cases) =>
      this.linksAmong(byChannel.get(channelId) ?? [], new Set(cases.map((c) => caseKey(c.vendor, c.caseId))));
  }

  private async linksAmong(
    cards: readonly PostedCard[],
    wanted: ReadonlySet<string>,
  ): Promise<Map<string, string>> {
    const links = new Map<string, string>();
    if (wanted.size === 0) return links;
    const { store, fetchPermalink, logger } = this.options;
    const linked = await permalinksOf(
      cards.filter((card) => wanted.has(caseKey(card.vendor, card.caseId))),
      { store, fetchPermalink, logger },
      PERMALINKS_ASKED_PER_DIGEST,
    );
    for (const [card, permalink] of linked) links.set(caseKey(card.vendor, card.caseId), permalink);
    return links;
  }
}

/**
 * The permalink of each of `cards`: the one kept, or else asked of the chat service (at most `maxAsked` new
 * ones, and none after PERMALINK_FAILURES_PER_DIGEST failures) and kept. Cards without one are left out.
 */
export async function permalinksOf(
  cards: readonly PostedCard[],
  deps: {
    store: Pick<CardPermalinks, 'rememberCardPermalink'>;
    fetchPermalink: FetchPermalink;
    logger: Logger;
  },
  maxAsked: number,
): Promise<Map<PostedCard, string>> {
  const { store, fetchPermalink, logger } = deps;
  const links = new Map<PostedCard, string>();
  let failures = 0;
  let asked = 0;
  for (const card of cards) {
    if (card.permalink) {
      links.set(card, card.permalink);
      continue;
    }
    if (failures >= PERMALINK_FAILURES_PER_DIGEST || asked >= maxAsked) continue;
    asked += 1;
    let permalink: string | undefined;
    try {
      permalink = await fetchPermalink(card.channelId, card.ts);
    } catch (error) {
      logger.warn({ err: error, channel: card.channelId, ts: card.ts }, 'no permalink for a card');
    }
    if (!permalink) {
      failures += 1;
      continue;
    }
    links.set(card, permalink);
    await store
      .rememberCardPermalink(card.channelId, card.ts, permalink)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not keep a card permalink'));
  }
  return links;
}
