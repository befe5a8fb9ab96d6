/** The store's part for how each channel hears about its cases. */

/** How a channel hears about its watched cases: replies in each card's thread, the scheduled digest, or both. */
export type UpdateDeliveryMode = 'thread' | 'digest' | 'both';

export interface UpdateDelivery {
  channelId: string;
  mode: UpdateDeliveryMode;
  updatedBy: string;
  updatedAt: string;
}

export interface UpdateDeliveryStore {
  /** Undefined: the channel never chose (it gets both). */
  getUpdateDelivery(channelId: string): Promise<UpdateDelivery | undefined>;
  saveUpdateDelivery(setting: UpdateDelivery): Promise<UpdateDelivery>;
  /** Every channel's choice, in one query (a digest fire asks once for all its channels). */
  updateDeliveryChoices(): Promise<UpdateDelivery[]>;
}
