/** The vendor's status record as case activity: each entry not known before is one event, in its order. */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { activityBetween, mergeObservation } from '../../src/domain/case-activity.js';

const base: Case = {
  vendor: 'equinix',
  id: '11150929',
  alternateIds: [],
  title: 'Cross connect down',
  status: 'SUBMITTED',
  state: 'open',
  notes: [],
  fields: [],
  statusHistory: [{ status: 'SUBMITTED', at: '2026-12-01T10:00:00.000Z' }],
};

describe('status record activity', () => {
  it('records each new entry once, in the order the record has them', () => {
    const after: Case = {
      ...base,
      status: 'ACTION_REQUIRED',
      state: 'waiting-on-customer',
      statusHistory: [
        ...base.statusHistory!,
        { status: 'IN_PROGRESS', at: '2026-12-01T10:05:00.000Z' },
        { status: 'ACTION_REQUIRED', at: '2026-12-01T10:09:00.000Z' },
      ],
    };
    expect(activityBetween(base, after)).toEqual([
      { kind: 'status' },
      { kind: 'history', entry: { status: 'IN_PROGRESS', at: '2026-12-01T10:05:00.000Z' } },
      { kind: 'history', entry: { status: 'ACTION_REQUIRED', at: '2026-12-01T10:09:00.000Z' } },
    ]);
    expect(activityBetween(after, after)).toEqual([]);
  });

  it('a snapshot kept before the record was read: the record is where it starts, not news', () => {
    const { statusHistory: _none, ...older } = base;
    expect(activityBetween(older, base)).toEqual([]);
  });

  it('a bulk answer without the record keeps the one known', () => {
    const { statusHistory: _none, ...summary } = { ...base, status: 'IN_PROGRESS' };
    expect(mergeObservation(base, summary, true).statusHistory).toEqual(base.statusHistory);
  });
});
