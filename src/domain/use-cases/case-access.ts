/**
 * Cases stay where they live. A case opened or first watched in a private channel belongs to that channel
 * (its home, recorded once in the store); elsewhere it is shown, watched or posted only for members of that
 * channel, or for people a `lookup` rule names. A case with no home, or a public one, is limited by the policy
 * alone. Membership is the chat service's answer (the ChannelMembership port, cached on its side).
 */
import type { Actor } from '../actions.js';
import type { VendorId } from '../case.js';
import { CaseElsewhereError } from '../errors.js';
import type { ChannelMembership } from '../ports/channels.js';
import type { CaseHome, CaseHomes } from '../ports/store.js';

export interface CaseAccessOptions {
  store: CaseHomes;
  channels: ChannelMembership;
  /** True when a `lookup` rule at `vendor` names the person (such a person may see any case there). */
  namedForLookup?: (vendor: VendorId, userId: string) => boolean;
}

function keyOf(vendor: VendorId, caseId: string): string {
  return `${vendor}\u0000${caseId}`;
}

export class CaseAccess {
  constructor(private readonly options: CaseAccessOptions) {}

  /** Membership, for callers that filter what they show by the viewer's channels. */
  get channels(): ChannelMembership {
    return this.options.channels;
  }

  /**
   * Records `channelId` as the case's home unless the case already has one (a DM homes nothing). Call it
   * when a case is opened or watched in a channel.
   */
  async settleHome(vendor: VendorId, caseId: string, channelId: string | undefined): Promise<void> {
    if (!channelId) return;
    const kind = await this.options.channels.kindOf(channelId);
    if (kind === 'not-a-channel') return;
    await this.options.store.claimCaseHome({ vendor, caseId, channelId, isPrivate: kind === 'private' });
  }

  /** Throws CaseElsewhereError unless `actor` may see the case where they are. */
  async requireVisible(actor: Actor, vendor: VendorId, caseId: string): Promise<void> {
    const [home] = await this.options.store.caseHomes([{ vendor, caseId }]);
    if (home && !(await this.mayAccess(actor, home))) {
      throw new CaseElsewhereError(vendor, caseId, home.channelId);
    }
  }

  /**
   * Of `keys`, the ones `userId` may see (acting outside any channel: App Home, a list): one store query for
   * the homes and at most one membership answer.
   */
  async visibleOf<K extends { vendor: VendorId; caseId: string }>(
    userId: string,
    keys: readonly K[],
  ): Promise<K[]> {
    const homes = await this.options.store.caseHomes(keys);
    const privateHomes = new Map(homes.filter((h) => h.isPrivate).map((h) => [keyOf(h.vendor, h.caseId), h]));
    if (privateHomes.size === 0) return [...keys];
    const mine = await this.options.channels.channelsOf(userId);
    return keys.filter((k) => {
      const home = privateHomes.get(keyOf(k.vendor, k.caseId));
      return !home || mine.has(home.channelId) || this.named(home.vendor, userId);
    });
  }

  /**
   * Whether what `actorUserId` wrote may be shown in `channelId`: they acted there, or they are in it. A
   * write made elsewhere (a DM) must not carry its text into channels its author is not in.
   */
  async mayCarryInto(actor: Actor, channelId: string): Promise<boolean> {
    if (actor.channelId === channelId) return true;
    return this.options.channels.isMember(actor.userId, channelId);
  }

  private async mayAccess(actor: Actor, home: CaseHome): Promise<boolean> {
    if (!home.isPrivate) return true;
    // Acting in the home channel means being in it (Slack only lets members run commands there).
    if (actor.channelId === home.channelId) return true;
    if (this.named(home.vendor, actor.userId)) return true;
    return this.options.channels.isMember(actor.userId, home.channelId);
  }

  private named(vendor: VendorId, userId: string): boolean {
    return this.options.namedForLookup?.(vendor, userId) ?? false;
  }
}
