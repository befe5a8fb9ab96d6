/**
 * Case cards posted in channels: what a card shows beside the case (who opened it, whether the channel
 * watches it), remembering a posted card so the poller can update it in place, and re-rendering every posted
 * card of a case after a write. The context is read back from the audit trail and the watches, so any later
 * re-render — ours or the poller's — keeps it. Posting and rendering are the caller's (the `publish` and
 * `update` callbacks); this use case knows no chat service.
 */
import type { Actor } from '../actions.js';
import { type Case, type CaseNote, type CaseState, caseKey, type VendorId } from '../case.js';
import type { Logger } from '../ports/logger.js';
import type { AuditTrail, CardStore, EventLog, PostedCard, WatchStore } from '../ports/store.js';
import type { ThreadUpdateStore } from '../ports/thread-updates.js';
import { type ClockStore, type ResponseClock, recordedClockOf } from '../response-clock.js';
import type { CaseAccess } from './case-access.js';
import type { CaseService } from './case-service.js';

export interface CardContext {
  openedBy?: string;
  watchedHere: boolean;
  /** Replies caseops posted in the thread of the case's card in the channel. */
  threadUpdates?: number;
  /** The case's recorded state and clock, where caseops has seen it (see `clockOnCard`). */
  recorded?: { state: CaseState; clock: ResponseClock | undefined };
}

/** Where a posted message landed (the chat service's own channel id and message timestamp). */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** How watching and posting a newly opened case went. */
export type WatchAndPostOutcome =
  | { posted: PostedMessage; watched: boolean }
  /** The card could not be posted; a watch added for it was taken back. */
  | { posted: undefined; error: unknown };

export interface CaseCardsOptions {
  cases: Pick<CaseService, 'watch' | 'unwatch'>;
  store: Pick<AuditTrail, 'auditForCase'> &
    Pick<WatchStore, 'watchesOfCase'> &
    Pick<CardStore, 'rememberCard' | 'cardsFor' | 'cardAt'> &
    Pick<EventLog, 'getSnapshot'> &
    ClockStore &
    Partial<Pick<ThreadUpdateStore, 'threadReplyCount'>>;
  logger: Logger;
  /** Who is in which channel, so a write's text reaches only channels its author is in. */
  access?: CaseAccess;
}

/** How far back the audit trail is read for the person who opened a case. */
const OPENER_LOOKBACK = 50;

export class CaseCards {
  private readonly cases: CaseCardsOptions['cases'];
  private readonly store: CaseCardsOptions['store'];
  private readonly logger: Logger;
  private readonly access?: CaseAccess;

  constructor(options: CaseCardsOptions) {
    this.cases = options.cases;
    this.store = options.store;
    this.logger = options.logger;
    this.access = options.access;
  }

  /** Who opened the case through caseops (if anyone did) and whether `channelId` watches it. */
  async context(vendor: VendorId, caseId: string, channelId?: string): Promise<CardContext> {
    const [audit, watches, recorded] = await Promise.all([
      this.store.auditForCase(vendor, caseId, OPENER_LOOKBACK),
      channelId ? this.store.watchesOfCase(vendor, caseId) : Promise.resolve([]),
      // A clock that cannot be read leaves the card with the vendor's own times, not without a card.
      recordedClockOf(this.store, vendor, caseId).catch((error: unknown) => {
        this.logger.warn({ err: error, case: caseKey(vendor, caseId) }, 'could not read the case clock');
        return undefined;
      }),
    ]);
    const opened = audit.find((a) => a.action === 'open' && a.outcome === 'ok');
    const threadUpdates = channelId ? await this.threadUpdates(vendor, caseId, channelId) : 0;
    return {
      openedBy: opened?.actorUserId,
      watchedHere: watches.some((w) => w.channelId === channelId),
      ...(recorded ? { recorded } : {}),
      ...(threadUpdates > 0 ? { threadUpdates } : {}),
    };
  }

  /** How many replies the card's thread holds; 0 (and logged) when the store cannot say. */
  private async threadUpdates(vendor: VendorId, caseId: string, channelId: string): Promise<number> {
    try {
      return (await this.store.threadReplyCount?.(channelId, vendor, caseId)) ?? 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read how many replies a card thread holds');
      return 0;
    }
  }

  /**
   * Posts a card through `publish` and remembers where it landed. A card that was posted but could not be
   * remembered is still a posted card: the failure is logged, not thrown (it only misses in-place updates).
   */
  async post(
    c: Case,
    context: CardContext,
    publish: (context: CardContext) => Promise<PostedMessage>,
  ): Promise<PostedMessage> {
    const posted = await publish(context);
    try {
      await this.store.rememberCard({
        vendor: c.vendor,
        caseId: c.id,
        channelId: posted.channel,
        ts: posted.ts,
      });
    } catch (error) {
      this.logger.error({ err: error, vendor: c.vendor, caseId: c.id }, 'card posted but not remembered');
    }
    return posted;
  }

  /** The cards posted for a case; empty (and logged) when the store cannot say. */
  async posted(vendor: VendorId, caseId: string): Promise<PostedCard[]> {
    try {
      return await this.store.cardsFor(vendor, caseId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read posted cards');
      return [];
    }
  }

  /** The case whose card is message `ts` in `channelId` (a thread's root), if caseops posted one there. */
  async cardAt(channelId: string, ts: string): Promise<PostedCard | undefined> {
    return this.store.cardAt(channelId, ts);
  }

  /**
   * Re-renders every posted card of a case through `update`, each with its own channel's context; a card that
   * fails (a deleted message, an archived channel) is logged and does not stop the others. Returns how many
   * were updated.
   *
   * After a write (`writer` given), a channel the writer is neither in nor acted from gets the case as it may
   * see it: the new status and fields, but only the notes caseops had already seen before the write (the
   * stored snapshot's; none without one). So a note or cancel reason written in a DM is not carried into
   * channels its author is not in; the channel hears of the change without its text.
   */
  async refresh(
    c: Case,
    update: (card: PostedCard, context: CardContext, shown: Case) => Promise<void>,
    writer?: Actor,
  ): Promise<number> {
    let updated = 0;
    let withheld: Case | undefined;
    for (const card of await this.posted(c.vendor, c.id)) {
      try {
        let shown = c;
        if (writer && this.access && !(await this.access.mayCarryInto(writer, card.channelId))) {
          withheld ??= await this.withoutNewNotes(c);
          shown = withheld;
        }
        await update(card, await this.context(c.vendor, c.id, card.channelId), shown);
        updated += 1;
      } catch (error) {
        this.logger.warn(
          { err: error, case: caseKey(c.vendor, c.id), channel: card.channelId, ts: card.ts },
          'could not update a posted card',
        );
      }
    }
    return updated;
  }

  /**
   * Re-renders the case's card in `channelId` alone (its thread got a reply, and the card counts them). False
   * when the channel has no card of the case.
   */
  async refreshIn(
    c: Case,
    channelId: string,
    update: (card: PostedCard, context: CardContext) => Promise<void>,
  ): Promise<boolean> {
    const card = (await this.posted(c.vendor, c.id)).find((posted) => posted.channelId === channelId);
    if (!card) return false;
    await update(card, await this.context(c.vendor, c.id, channelId));
    return true;
  }

  /** The case with only the notes the stored snapshot already held. */
  private async withoutNewNotes(c: Case): Promise<Case> {
    const before = await this.store.getSnapshot(c.vendor, c.id);
    const seen = new Set((before?.case.notes ?? []).map(noteKey));
    return { ...c, notes: c.notes.filter((note) => seen.has(noteKey(note))) };
  }

  /**
   * Watches a case in `channelId` and posts its card there (saying whether it is watched). A card that cannot
   * be posted takes the watch with it: nobody would hear about the changes. A watch that fails still posts
   * the card, marked as not watched.
   */
  async watchAndPost(
    actor: Actor,
    c: Case,
    channelId: string,
    publish: (context: CardContext) => Promise<PostedMessage>,
  ): Promise<WatchAndPostOutcome> {
    let watched = false;
    let addedWatch = false;
    try {
      addedWatch = (await this.cases.watch(actor, c.vendor, c.id, channelId, c)).added;
      watched = true;
    } catch (error) {
      this.logger.error({ err: error }, 'case opened but could not be watched');
    }
    try {
      const posted = await this.post(c, { openedBy: actor.userId, watchedHere: watched }, publish);
      return { posted, watched };
    } catch (error) {
      if (addedWatch) {
        await this.cases
          .unwatch(actor, c.vendor, c.id, channelId)
          .catch((unwatchError: unknown) =>
            this.logger.warn({ err: unwatchError }, 'could not undo the watch'),
          );
      }
      return { posted: undefined, error };
    }
  }
}

function noteKey(note: CaseNote): string {
  return `${note.author ?? ''}\u0000${note.createdAt ?? ''}\u0000${note.text}`;
}
