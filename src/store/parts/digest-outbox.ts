/** The digest outbox: each digest message's attempt, recorded before the post (see DigestOutbox). */
import type { DigestAttempt, DigestAttemptState, DigestOutbox } from '../../domain/ports/store.js';
import type { DigestAttemptsTable } from '../schema.js';
import { nowIso, type StoreContext } from './context.js';

/** Settled attempts are kept this long (for looking into what a digest did), then pruned. */
export const SETTLED_ATTEMPTS_KEPT_MS = 30 * 24 * 60 * 60 * 1000;

export class KyselyDigestOutbox implements DigestOutbox {
  constructor(private readonly context: StoreContext) {}

  async beginDigestAttempt(
    attempt: Pick<DigestAttempt, 'channelId' | 'fromEventId' | 'toEventId' | 'part'>,
  ): Promise<DigestAttempt> {
    const startedAt = nowIso(this.context);
    const row = await this.context.db
      .insertInto('digest_attempts')
      .values({
        channel_id: attempt.channelId,
        from_event_id: attempt.fromEventId,
        to_event_id: attempt.toEventId,
        part: attempt.part,
        started_at: startedAt,
        state: 'pending',
        ts: null,
        settled_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromAttemptRow(row);
  }

  async pruneSettledDigestAttempts(): Promise<void> {
    await this.context.db
      .deleteFrom('digest_attempts')
      .where('state', '!=', 'pending')
      .where(
        'settled_at',
        '<',
        new Date(this.context.now().getTime() - SETTLED_ATTEMPTS_KEPT_MS).toISOString(),
      )
      .execute();
  }

  async pendingDigestAttempts(channelId: string): Promise<DigestAttempt[]> {
    const rows = await this.context.db
      .selectFrom('digest_attempts')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('state', '=', 'pending')
      .orderBy('id')
      .execute();
    return rows.map(fromAttemptRow);
  }

  async settleDigestAttempt(
    id: number,
    state: Exclude<DigestAttemptState, 'pending'>,
    ts?: string,
  ): Promise<void> {
    await this.context.db
      .updateTable('digest_attempts')
      .set({ state, ts: ts ?? null, settled_at: nowIso(this.context) })
      .where('id', '=', id)
      .execute();
  }
}

function fromAttemptRow(row: Omit<DigestAttemptsTable, 'id'> & { id: number }): DigestAttempt {
  return {
    id: Number(row.id),
    channelId: row.channel_id,
    fromEventId: Number(row.from_event_id),
    toEventId: Number(row.to_event_id),
    part: Number(row.part),
    startedAt: row.started_at,
    state: row.state,
    ...(row.ts === null ? {} : { ts: row.ts }),
  };
}
