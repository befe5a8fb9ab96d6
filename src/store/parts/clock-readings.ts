/**
 * The response clock's readings from the event log (one grouped query per chunk of cases), and the
 * playground's "age a case", which moves every recorded time of one case into the past.
 */
import { sql } from 'kysely';
import type { VendorId } from '../../domain/case.js';
import type { CaseAging, ClockReadings, RecordedClockReading } from '../../domain/ports/clock-readings.js';
import { caseIdsByVendor } from './case-keys.js';
import type { StoreContext } from './context.js';

/** Keys per query, well under both dialects' bound-parameter limits. */
const KEYS_PER_QUERY = 200;
/**
 * A vendor's own note: the detail is JSON.stringify output, where a quote inside the text is always escaped,
 * so this unescaped field can only be the note's source.
 */
const VENDOR_NOTE = '%"source":"vendor"%';

export class KyselyClockReadings implements ClockReadings, CaseAging {
  constructor(private readonly context: StoreContext) {}

  async clockReadings(
    keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>,
  ): Promise<RecordedClockReading[]> {
    const readings: RecordedClockReading[] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const chunk = keys.slice(start, start + KEYS_PER_QUERY);
      const rows = await this.context.db
        .selectFrom('status_events as e')
        .innerJoin('case_snapshots as s', (join) =>
          join.onRef('s.vendor', '=', 'e.vendor').onRef('s.case_id', '=', 'e.case_id'),
        )
        .select([
          'e.vendor',
          'e.case_id',
          's.state',
          's.status_since',
          sql<
            string | null
          >`max(case when e.kind = 'status' and e.from_state <> e.to_state and e.to_state = s.state then e.observed_at end)`.as(
            'entered_state_at',
          ),
          sql<string | null>`min(e.observed_at)`.as('first_event_at'),
          sql<
            string | null
          >`max(case when e.kind <> 'note' or e.detail_json like ${VENDOR_NOTE} then e.observed_at end)`.as(
            'vendor_wrote_at',
          ),
        ])
        .where((eb) =>
          eb.or(
            caseIdsByVendor(chunk).map(([vendor, ids]) =>
              eb.and([eb('e.vendor', '=', vendor), eb('e.case_id', 'in', ids)]),
            ),
          ),
        )
        .groupBy(['e.vendor', 'e.case_id', 's.state', 's.status_since'])
        .execute();
      for (const row of rows) {
        readings.push({
          vendor: row.vendor,
          caseId: row.case_id,
          state: row.state,
          statusSince: row.status_since,
          ...(row.entered_state_at ? { enteredStateAt: row.entered_state_at } : {}),
          ...(row.first_event_at ? { firstEventAt: row.first_event_at } : {}),
          ...(row.vendor_wrote_at ? { vendorWroteAt: row.vendor_wrote_at } : {}),
        });
      }
    }
    return readings;
  }

  async ageCase(vendor: VendorId, caseId: string, byMs: number): Promise<boolean> {
    if (!Number.isFinite(byMs) || byMs <= 0) throw new RangeError(`store: cannot age a case by ${byMs} ms`);
    const back = (iso: string) => new Date(Date.parse(iso) - byMs).toISOString();
    const backOrNull = (iso: string | null) => (iso === null ? null : back(iso));
    return this.context.db.transaction().execute(async (trx) => {
      const snapshot = await trx
        .selectFrom('case_snapshots')
        .select(['status_since'])
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .executeTakeFirst();
      if (!snapshot) return false;
      await trx
        .updateTable('case_snapshots')
        .set({ status_since: back(snapshot.status_since) })
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      // Row by row in plain ISO text: date arithmetic in SQL differs between the two dialects.
      const events = await trx
        .selectFrom('status_events')
        .select(['id', 'observed_at'])
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      for (const event of events) {
        await trx
          .updateTable('status_events')
          .set({ observed_at: back(event.observed_at) })
          .where('id', '=', event.id)
          .execute();
      }
      // Watches too: a digest reports only events observed after the watch began.
      const watches = await trx
        .selectFrom('watches')
        .select(['channel_id', 'created_at'])
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      for (const watch of watches) {
        await trx
          .updateTable('watches')
          .set({ created_at: back(watch.created_at) })
          .where('vendor', '=', vendor)
          .where('case_id', '=', caseId)
          .where('channel_id', '=', watch.channel_id)
          .execute();
      }
      // Nudges keep counting against the same stay, which now began earlier.
      const nudges = await trx
        .selectFrom('nudges')
        .select(['key', 'stay_start', 'created_at', 'posted_at'])
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      for (const nudge of nudges) {
        await trx
          .updateTable('nudges')
          .set({
            stay_start: back(nudge.stay_start),
            created_at: back(nudge.created_at),
            posted_at: backOrNull(nudge.posted_at),
          })
          .where('key', '=', nudge.key)
          .execute();
      }
      const holds = await trx
        .selectFrom('nudge_holds')
        .select(['channel_id', 'situation', 'stay_start'])
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      for (const hold of holds) {
        await trx
          .updateTable('nudge_holds')
          .set({ stay_start: back(hold.stay_start) })
          .where('vendor', '=', vendor)
          .where('case_id', '=', caseId)
          .where('channel_id', '=', hold.channel_id)
          .where('situation', '=', hold.situation)
          .where('stay_start', '=', hold.stay_start)
          .execute();
      }
      return true;
    });
  }
}
