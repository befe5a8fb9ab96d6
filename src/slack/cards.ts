/**
 * Case cards in channels, as Slack messages: the card a channel (or an ephemeral reply in it) shows, posted and
 * re-rendered through the case-cards use case, which remembers posted cards and reads their context.
 */
import type { Actor } from '../domain/actions.js';
import type { Case, VendorId } from '../domain/case.js';
import type { Capability } from '../domain/ports/vendor.js';
import { clockOnCard } from '../domain/response-clock.js';
import type { CardContext } from '../domain/use-cases/case-cards.js';
import { buildCaseCard, type CardOptions } from './blocks/case-card.js';
import type { SlackMessage } from './blocks/limits.js';
import { isChannel } from './conversation.js';
import type { SlackDeps } from './deps.js';

export type { CardContext };

export function capabilitiesOf(deps: Pick<SlackDeps, 'cases'>, vendor: VendorId): ReadonlySet<Capability> {
  return deps.cases.enabledVendors().find((a) => a.vendor === vendor)?.capabilities ?? new Set<Capability>();
}

/** A card's context for `channelId`: whether it watches the case is asked only of real channels. */
export function cardContext(
  deps: Pick<SlackDeps, 'cards'>,
  c: Case,
  channelId?: string,
): Promise<CardContext> {
  return deps.cards.context(c.vendor, c.id, channelId && isChannel(channelId) ? channelId : undefined);
}

/** The card as posted in a channel, for the case as it now stands (also the poller's in-place update). */
export function renderChannelCard(
  c: Case,
  context: CardContext,
  capabilities: ReadonlySet<Capability>,
): SlackMessage {
  return buildCaseCard(c, {
    surface: 'channel',
    capabilities,
    openedBy: context.openedBy,
    watchedHere: context.watchedHere,
    threadUpdates: context.threadUpdates,
    clock: clockOnCard(c, context.recorded),
  });
}

/**
 * The card for a channel (or an ephemeral reply in it), with its context. With `viewer` (the one person who
 * sees an ephemeral card), it offers "Stop notifying" where they already get direct messages about the case.
 */
export async function channelCard(
  deps: Pick<SlackDeps, 'cases' | 'cards'> & Partial<Pick<SlackDeps, 'subscriptions'>>,
  c: Case,
  channelId: string | undefined,
  surface: CardOptions['surface'],
  notice?: string,
  viewer?: string,
): Promise<SlackMessage> {
  const ctx = await cardContext(deps, c, channelId);
  const subscribed =
    viewer !== undefined && surface === 'ephemeral' && deps.subscriptions
      ? await deps.subscriptions.isSubscribed(viewer, c.vendor, c.id).catch(() => false)
      : false;
  return buildCaseCard(c, {
    surface,
    capabilities: capabilitiesOf(deps, c.vendor),
    openedBy: ctx.openedBy,
    watchedHere: ctx.watchedHere,
    clock: clockOnCard(c, ctx.recorded),
    inChannel: isChannel(channelId),
    notice,
    subscribed,
  });
}

/** Posts a card in a channel; the use case remembers it for in-place updates. */
export async function postCard(
  deps: SlackDeps,
  channelId: string,
  c: Case,
  context: CardContext,
): Promise<{ ts: string }> {
  const posted = await deps.cards.post(c, context, (ctx) =>
    deps.slack.postMessage(channelId, renderChannelCard(c, ctx, capabilitiesOf(deps, c.vendor))),
  );
  return { ts: posted.ts };
}

/**
 * Re-renders every remembered card of a case after `writer`'s note or cancel, quietly skipping failures; each
 * channel gets the case as it may see it (the use case withholds the new text where the writer is not).
 */
export function refreshPostedCards(deps: SlackDeps, c: Case, writer: Actor): Promise<number> {
  const capabilities = capabilitiesOf(deps, c.vendor);
  return deps.cards.refresh(
    c,
    (card, context, shown) =>
      deps.slack.updateMessage(card.channelId, card.ts, renderChannelCard(shown, context, capabilities)),
    writer,
  );
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
