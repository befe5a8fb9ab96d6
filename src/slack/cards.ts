/**
 * Posting and updating case cards in channels. A posted card is remembered (store.rememberCard) so the poller
 * can update it in place; the context a card shows (who opened it, whether the channel watches it) is read
 * back from the audit trail and the watches, so any later re-render — ours or the poller's — keeps it.
 */
import type { Case, VendorId } from '../domain/case.js';
import type { Store } from '../domain/ports/store.js';
import type { Capability } from '../domain/ports/vendor.js';
import { buildCaseCard, type CardOptions } from './blocks/case-card.js';
import type { SlackMessage } from './blocks/limits.js';
import { isChannel } from './conversation.js';
import type { SlackDeps } from './deps.js';

export interface CardContext {
  openedBy?: string;
  watchedHere: boolean;
}

/** Who opened the case from Slack (if anyone did) and whether `channelId` watches it. */
export async function cardContext(
  store: Store,
  vendor: VendorId,
  caseId: string,
  channelId?: string,
): Promise<CardContext> {
  const [audit, watches] = await Promise.all([
    store.auditForCase(vendor, caseId, 50),
    channelId && isChannel(channelId) ? store.watchesOfCase(vendor, caseId) : Promise.resolve([]),
  ]);
  const opened = audit.find((a) => a.action === 'open' && a.outcome === 'ok');
  return { openedBy: opened?.actorUserId, watchedHere: watches.some((w) => w.channelId === channelId) };
}

export function capabilitiesOf(deps: SlackDeps, vendor: VendorId): ReadonlySet<Capability> {
  return deps.cases.enabledVendors().find((a) => a.vendor === vendor)?.capabilities ?? new Set<Capability>();
}

/** The card for a channel (or an ephemeral reply in it), with its context read from the store. */
export async function channelCard(
  deps: SlackDeps,
  c: Case,
  channelId: string | undefined,
  surface: CardOptions['surface'],
  notice?: string,
): Promise<SlackMessage> {
  const ctx = await cardContext(deps.store, c.vendor, c.id, channelId);
  return buildCaseCard(c, {
    surface,
    capabilities: capabilitiesOf(deps, c.vendor),
    openedBy: ctx.openedBy,
    watchedHere: ctx.watchedHere,
    inChannel: isChannel(channelId),
    notice,
  });
}

/** Posts a card in a channel and remembers it for in-place updates. */
export async function postCard(
  deps: SlackDeps,
  channelId: string,
  c: Case,
  options: { openedBy?: string; watchedHere: boolean },
): Promise<{ ts: string }> {
  const message = buildCaseCard(c, {
    surface: 'channel',
    capabilities: capabilitiesOf(deps, c.vendor),
    openedBy: options.openedBy,
    watchedHere: options.watchedHere,
  });
  const posted = await deps.slack.postMessage(channelId, message);
  try {
    await deps.store.rememberCard({
      vendor: c.vendor,
      caseId: c.id,
      channelId: posted.channel,
      ts: posted.ts,
    });
  } catch (error) {
    deps.logger.error({ err: error, vendor: c.vendor, caseId: c.id }, 'card posted but not remembered');
  }
  return { ts: posted.ts };
}

/** Re-renders every remembered card of a case (after a note or a cancel), quietly skipping failures. */
export async function refreshPostedCards(deps: SlackDeps, c: Case): Promise<number> {
  let updated = 0;
  let cards: Awaited<ReturnType<Store['cardsFor']>> = [];
  try {
    cards = await deps.store.cardsFor(c.vendor, c.id);
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not read posted cards');
    return 0;
  }
  for (const card of cards) {
    try {
      const message = await channelCard(deps, c, card.channelId, 'channel');
      await deps.slack.updateMessage(card.channelId, card.ts, message);
      updated += 1;
    } catch (error) {
      deps.logger.warn(
        { err: error, channel: card.channelId, ts: card.ts },
        'could not update a posted card',
      );
    }
  }
  return updated;
}

/**
 * Tells a person something when the surface they used is gone (a closed modal): an ephemeral message in the
 * channel they acted from, or else a message from the app (its Messages tab). Never throws.
 */
export async function notifyUser(
  deps: SlackDeps,
  userId: string,
  channelId: string | undefined,
  message: SlackMessage,
): Promise<void> {
  if (channelId && isChannel(channelId)) {
    try {
      await deps.slack.postEphemeral(channelId, userId, message);
      return;
    } catch (error) {
      deps.logger.warn({ err: error }, 'ephemeral fallback failed; sending a direct message');
    }
  }
  try {
    await deps.slack.postMessage(userId, message);
  } catch (error) {
    deps.logger.error({ err: error, userId }, 'could not reach the user at all');
  }
}
