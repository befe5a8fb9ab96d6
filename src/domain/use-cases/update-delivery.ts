/**
 * How a channel hears about the cases it watches: replies in each case card's thread, the scheduled digest,
 * or both (the default). Anyone may look; changing it needs the policy's `digest` rule, as digest settings do.
 *
 * A channel set to `thread` gets no scheduled digest, but its digest cursor stays where it was: nothing is
 * skipped, so when the channel is set back to `digest` or `both`, its next digest covers every change since
 * its last one (split into as many messages as that takes). Losing those changes silently would be worse than
 * one long digest. `/case digest now` still posts in a `thread` channel: someone asked for it.
 */
import type { Actor } from '../actions.js';
import type { PolicyGate } from '../policy-gate.js';
import type { UpdateDelivery, UpdateDeliveryMode, UpdateDeliveryStore } from '../ports/store.js';

export const DEFAULT_UPDATE_DELIVERY: UpdateDeliveryMode = 'both';
export const UPDATE_DELIVERY_MODES: readonly UpdateDeliveryMode[] = ['thread', 'digest', 'both'];

export interface UpdateDeliveryView {
  mode: UpdateDeliveryMode;
  /** False: the channel never chose, and has the default. */
  chosen: boolean;
  updatedBy?: string;
  updatedAt?: string;
}

/** The questions the runners ask of a channel's choice; each reads the store, so a change applies at once. */
export interface UpdateDeliveryQuestions {
  /** True for `thread` and `both`: the thread replies runner posts in the channel's card threads. */
  wantsThreadReplies: (channelId: string) => Promise<boolean>;
  /** True for `digest` and `both`: the digest runner posts the channel's scheduled digest. */
  wantsScheduledDigest: (channelId: string) => Promise<boolean>;
  /** The channels that chose no scheduled digest (`thread`), read at once: a digest fire asks once. */
  channelsWithoutScheduledDigest: () => Promise<Set<string>>;
}

const getsScheduledDigest = (mode: UpdateDeliveryMode): boolean => mode !== 'thread';

/** The runners' questions over the store alone, for wiring before the use cases exist. */
export function updateDeliveryQuestions(
  store: Pick<UpdateDeliveryStore, 'getUpdateDelivery' | 'updateDeliveryChoices'>,
): UpdateDeliveryQuestions {
  const modeOf = async (channelId: string) =>
    (await store.getUpdateDelivery(channelId))?.mode ?? DEFAULT_UPDATE_DELIVERY;
  return {
    wantsThreadReplies: async (channelId) => (await modeOf(channelId)) !== 'digest',
    wantsScheduledDigest: async (channelId) => getsScheduledDigest(await modeOf(channelId)),
    channelsWithoutScheduledDigest: async () =>
      new Set(
        (await store.updateDeliveryChoices())
          .filter((choice) => !getsScheduledDigest(choice.mode))
          .map((choice) => choice.channelId),
      ),
  };
}

export interface UpdateDeliveryServiceOptions {
  store: Pick<UpdateDeliveryStore, 'getUpdateDelivery' | 'saveUpdateDelivery' | 'updateDeliveryChoices'>;
  policy?: Pick<PolicyGate, 'authorize'>;
  now?: () => Date;
}

export class UpdateDeliveryService implements UpdateDeliveryQuestions {
  readonly wantsThreadReplies: UpdateDeliveryQuestions['wantsThreadReplies'];
  readonly wantsScheduledDigest: UpdateDeliveryQuestions['wantsScheduledDigest'];
  readonly channelsWithoutScheduledDigest: UpdateDeliveryQuestions['channelsWithoutScheduledDigest'];
  private readonly now: () => Date;

  constructor(private readonly options: UpdateDeliveryServiceOptions) {
    this.now = options.now ?? (() => new Date());
    ({
      wantsThreadReplies: this.wantsThreadReplies,
      wantsScheduledDigest: this.wantsScheduledDigest,
      channelsWithoutScheduledDigest: this.channelsWithoutScheduledDigest,
    } = updateDeliveryQuestions(options.store));
  }

  async show(channelId: string): Promise<UpdateDeliveryView> {
    return viewOf(await this.options.store.getUpdateDelivery(channelId));
  }

  async change(actor: Actor, channelId: string, mode: UpdateDeliveryMode): Promise<UpdateDeliveryView> {
    await this.options.policy?.authorize('digest', { userId: actor.userId, channelId });
    const saved = await this.options.store.saveUpdateDelivery({
      channelId,
      mode,
      updatedBy: actor.userId,
      updatedAt: this.now().toISOString(),
    });
    return viewOf(saved);
  }
}

function viewOf(stored: UpdateDelivery | undefined): UpdateDeliveryView {
  if (!stored) return { mode: DEFAULT_UPDATE_DELIVERY, chosen: false };
  return { mode: stored.mode, chosen: true, updatedBy: stored.updatedBy, updatedAt: stored.updatedAt };
}
