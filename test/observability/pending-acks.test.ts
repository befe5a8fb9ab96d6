import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';
import { PendingAcks } from '../../src/observability/pending-acks.js';

function recorder() {
  const recorded: string[] = [];
  return {
    recorded,
    record: (kind: string, outcome: string, seconds: number) =>
      recorded.push(`${kind} ${outcome} ${seconds}`),
  };
}

describe('ack times between scrapes', () => {
  it('are recorded when asked, oldest first, each once', () => {
    const { recorded, record } = recorder();
    const pending = new PendingAcks(record, 8);
    pending.add('command', 'ok', 0.01);
    pending.add('view_submission', 'http_401', 0.02);
    expect(recorded).toEqual([]);
    expect(pending.pending).toBe(2);
    pending.recordAll();
    expect(recorded).toEqual(['command ok 0.01', 'view_submission http_401 0.02']);
    pending.recordAll();
    expect(recorded).toHaveLength(2);
    expect(pending.pending).toBe(0);
  });

  it('never hold more than their capacity, and lose none past it', () => {
    const { recorded, record } = recorder();
    const pending = new PendingAcks(record, 4);
    for (let i = 0; i < 1000; i++) pending.add('command', 'ok', i);
    expect(pending.pending).toBe(4);
    // The oldest went in as the newer came.
    expect(recorded.slice(0, 3)).toEqual(['command ok 0', 'command ok 1', 'command ok 2']);
    pending.recordAll();
    expect(recorded).toEqual(Array.from({ length: 1000 }, (_, i) => `command ok ${i}`));
  });
});

describe('the ack-time histogram', () => {
  it('counts every ack at the next scrape, more of them than the buffer holds included', async () => {
    const metrics = createMetrics({ defaultMetrics: false, pendingAcksCapacity: 16 });
    for (let i = 0; i < 100; i++) metrics.observeAck('command', 'ok', 0.02);
    metrics.observeAck('block_actions', 'http_401', 4);
    const first = await metrics.render();
    expect(first).toContain('caseops_ack_seconds_count{kind="command",outcome="ok"} 100');
    expect(first).toContain('caseops_ack_seconds_bucket{le="0.025",kind="command",outcome="ok"} 100');
    expect(first).toContain('caseops_ack_seconds_bucket{le="3",kind="block_actions",outcome="http_401"} 0');
    expect(first).toContain('caseops_ack_seconds_count{kind="block_actions",outcome="http_401"} 1');
    metrics.observeAck('command', 'ok', 0.5);
    const second = await metrics.render();
    expect(second).toContain('caseops_ack_seconds_count{kind="command",outcome="ok"} 101');
  });
});
