/** Nudge rules and quiet hours per channel, the nudge outbox, and snoozes / "done" per stay. */
import type {
  NudgeHold,
  NudgeRecord,
  NudgeSettings,
  NudgeSituation,
  NudgeStay,
  NudgeStore,
} from '../../domain/ports/store.js';
import type { NudgeSettingsTable, NudgesTable } from '../schema.js';
import { countOf, fromFlag, isoInstant, nowIso, type StoreContext, toFlag } from './context.js';

export class KyselyNudgeStore implements NudgeStore {
  constructor(private readonly context: StoreContext) {}

  async getNudgeSettings(channelId: string): Promise<NudgeSettings | undefined> {
    const row = await this.context.db
      .selectFrom('nudge_settings')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row && fromSettingsRow(row);
  }

  async saveNudgeSettings(settings: NudgeSettings): Promise<NudgeSettings> {
    const editable = {
      waiting_on_us_ms: settings.rules['waiting-on-us'] ?? null,
      vendor_silent_ms: settings.rules['vendor-silent'] ?? null,
      quiet_from: settings.quiet?.from ?? null,
      quiet_to: settings.quiet?.to ?? null,
      updated_by: settings.updatedBy,
      updated_at: isoInstant(settings.updatedAt, 'updatedAt'),
    };
    const row = await this.context.db
      .insertInto('nudge_settings')
      .values({ channel_id: settings.channelId, ...editable })
      .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(editable))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromSettingsRow(row);
  }

  async nudgeChannels(): Promise<NudgeSettings[]> {
    const rows = await this.context.db
      .selectFrom('nudge_settings')
      .selectAll()
      .where((eb) => eb.or([eb('waiting_on_us_ms', 'is not', null), eb('vendor_silent_ms', 'is not', null)]))
      .orderBy('channel_id')
      .execute();
    return rows.map(fromSettingsRow);
  }

  async beginNudge(record: Omit<NudgeRecord, 'state' | 'ts' | 'postedAt' | 'createdAt'>): Promise<boolean> {
    const result = await this.context.db
      .insertInto('nudges')
      .values({
        key: record.key,
        channel_id: record.channelId,
        vendor: record.vendor,
        case_id: record.caseId,
        situation: record.situation,
        stay_start: isoInstant(record.stayStart, 'stayStart'),
        sequence: record.sequence,
        state: 'pending',
        thread_ts: record.threadTs ?? null,
        ts: null,
        created_at: nowIso(this.context),
        posted_at: null,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async settleNudge(key: string, ts: string, postedAt: string): Promise<void> {
    await this.context.db
      .updateTable('nudges')
      .set({ state: 'posted', ts, posted_at: isoInstant(postedAt, 'postedAt') })
      .where('key', '=', key)
      .execute();
  }

  async forgetNudge(key: string): Promise<void> {
    await this.context.db
      .deleteFrom('nudges')
      .where('key', '=', key)
      .where('state', '=', 'pending')
      .execute();
  }

  async pendingNudges(): Promise<NudgeRecord[]> {
    const rows = await this.context.db
      .selectFrom('nudges')
      .selectAll()
      .where('state', '=', 'pending')
      .orderBy('created_at')
      .orderBy('key')
      .execute();
    return rows.map(fromNudgeRow);
  }

  async nudgesOfStay(stay: NudgeStay): Promise<NudgeRecord[]> {
    const rows = await this.context.db
      .selectFrom('nudges')
      .selectAll()
      .where('channel_id', '=', stay.channelId)
      .where('vendor', '=', stay.vendor)
      .where('case_id', '=', stay.caseId)
      .where('situation', '=', stay.situation)
      .where('stay_start', '=', isoInstant(stay.stayStart, 'stayStart'))
      .orderBy('sequence')
      .execute();
    return rows.map(fromNudgeRow);
  }

  async holdNudges(stay: NudgeStay, hold: NudgeHold, by: string): Promise<void> {
    const editable = {
      snoozed_until: hold.snoozedUntil ? isoInstant(hold.snoozedUntil, 'snoozedUntil') : null,
      done: toFlag(hold.done),
      updated_by: by,
      updated_at: nowIso(this.context),
    };
    await this.context.db
      .insertInto('nudge_holds')
      .values({
        channel_id: stay.channelId,
        vendor: stay.vendor,
        case_id: stay.caseId,
        situation: stay.situation,
        stay_start: isoInstant(stay.stayStart, 'stayStart'),
        ...editable,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['channel_id', 'vendor', 'case_id', 'situation', 'stay_start'])
          .doUpdateSet(editable),
      )
      .execute();
  }

  async nudgeHold(stay: NudgeStay): Promise<NudgeHold | undefined> {
    const row = await this.context.db
      .selectFrom('nudge_holds')
      .select(['snoozed_until', 'done'])
      .where('channel_id', '=', stay.channelId)
      .where('vendor', '=', stay.vendor)
      .where('case_id', '=', stay.caseId)
      .where('situation', '=', stay.situation)
      .where('stay_start', '=', isoInstant(stay.stayStart, 'stayStart'))
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      done: fromFlag(row.done),
      ...(row.snoozed_until === null ? {} : { snoozedUntil: row.snoozed_until }),
    };
  }
}

function fromSettingsRow(row: NudgeSettingsTable): NudgeSettings {
  const rules: Partial<Record<NudgeSituation, number>> = {};
  if (row.waiting_on_us_ms !== null) rules['waiting-on-us'] = Number(row.waiting_on_us_ms);
  if (row.vendor_silent_ms !== null) rules['vendor-silent'] = Number(row.vendor_silent_ms);
  return {
    channelId: row.channel_id,
    rules,
    ...(row.quiet_from !== null && row.quiet_to !== null
      ? { quiet: { from: row.quiet_from, to: row.quiet_to } }
      : {}),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

function fromNudgeRow(row: NudgesTable): NudgeRecord {
  return {
    key: row.key,
    channelId: row.channel_id,
    vendor: row.vendor,
    caseId: row.case_id,
    situation: row.situation as NudgeSituation,
    stayStart: row.stay_start,
    sequence: Number(row.sequence),
    state: row.state === 'posted' ? 'posted' : 'pending',
    ...(row.thread_ts === null ? {} : { threadTs: row.thread_ts }),
    ...(row.ts === null ? {} : { ts: row.ts }),
    createdAt: row.created_at,
    ...(row.posted_at === null ? {} : { postedAt: row.posted_at }),
  };
}
