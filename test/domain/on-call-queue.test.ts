import { describe, expect, it } from 'vitest';
import { onCallQueue } from '../../src/domain/on-call-queue.js';
import type { ClockFacts } from '../../src/domain/response-clock.js';

const now = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

describe('the on-call queue', () => {
  it('orders by whose move it is: waiting on us (longest first), vendor silent longest, waiting on the vendor, closed in the last day', () => {
    const cases: Array<{ id: string; facts: ClockFacts }> = [
      {
        id: 'vendor-wrote-1h',
        facts: { state: 'waiting-on-vendor', stateSince: hoursAgo(80), vendorWroteAt: hoursAgo(1) },
      },
      { id: 'closed-2h', facts: { state: 'closed', stateSince: hoursAgo(2) } },
      {
        id: 'us-2h',
        facts: { state: 'waiting-on-customer', stateSince: hoursAgo(2), vendorWroteAt: hoursAgo(0.5) },
      },
      { id: 'silent-30h', facts: { state: 'waiting-on-vendor', stateSince: hoursAgo(30) } },
      { id: 'closed-3d', facts: { state: 'closed', stateSince: hoursAgo(72) } },
      { id: 'us-9h', facts: { state: 'waiting-on-customer', stateSince: hoursAgo(9) } },
      {
        id: 'silent-3d',
        facts: { state: 'waiting-on-vendor', stateSince: hoursAgo(100), vendorWroteAt: hoursAgo(72) },
      },
      { id: 'resolved-20h', facts: { state: 'resolved', stateSince: hoursAgo(20) } },
      { id: 'open-4h', facts: { state: 'open', stateSince: hoursAgo(4) } },
      {
        id: 'vendor-wrote-5h',
        facts: { state: 'waiting-on-vendor', stateSince: hoursAgo(6), vendorWroteAt: hoursAgo(5) },
      },
    ];
    const queue = onCallQueue(cases, (c) => c.facts, now);
    expect(queue.map((e) => [e.group, e.item.id])).toEqual([
      ['waiting-on-us', 'us-9h'],
      ['waiting-on-us', 'us-2h'],
      ['vendor-silent', 'silent-3d'],
      ['vendor-silent', 'silent-30h'],
      ['waiting-on-vendor', 'vendor-wrote-5h'],
      ['waiting-on-vendor', 'open-4h'],
      ['waiting-on-vendor', 'vendor-wrote-1h'],
      ['closed-recently', 'closed-2h'],
      ['closed-recently', 'resolved-20h'],
    ]);
    expect(queue[0]?.clock).toEqual({ situation: 'waiting-on-us', since: hoursAgo(9) });
    expect(queue[2]?.clock).toEqual({ situation: 'vendor-silent', since: hoursAgo(72) });
  });
});
