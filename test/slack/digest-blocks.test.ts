import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { VendorId } from '../../src/domain/case.js';
import type { StatusChangeEvent } from '../../src/domain/ports/store.js';
import {
  buildDigestMessages,
  buildEmptyDigestMessage,
  changeLine,
  DIGEST_LIMITS,
} from '../../src/slack/blocks/digest.js';
import { blockTextLength, SLACK_LIMITS } from '../../src/slack/blocks/limits.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';

function event(id: number, overrides: Partial<StatusChangeEvent> = {}): StatusChangeEvent {
  return {
    id,
    vendor: VENDOR_IDS[id % VENDOR_IDS.length]!,
    caseId: `CASE-${id}`,
    title: `BGP session flapping on edge router ${id} in the Frankfurt cage`,
    url: `https://support.example.com/cases/${id}`,
    fromStatus: 'Waiting on vendor',
    fromState: 'waiting-on-vendor',
    toStatus: 'Resolved',
    toState: 'resolved',
    observedAt: new Date(Date.UTC(2026, 2, 1, 8, 0, 0) + id * 60_000).toISOString(),
    ...overrides,
  };
}

const context = { timezone: 'Europe/Berlin', since: '2026-02-28T08:00:00.000Z' };

function allText(blocks: types.KnownBlock[]): string {
  return blocks
    .map((block) => (block.type === 'section' || block.type === 'header' ? (block.text?.text ?? '') : ''))
    .join('\n');
}

function mentionedIds(text: string): number[] {
  return [...text.matchAll(/\|CASE-(\d+)>/g)].map((m) => Number(m[1]));
}

describe('buildDigestMessages', () => {
  it('splits a 200-change digest into messages within Slack limits, every change exactly once', () => {
    const events = Array.from({ length: 200 }, (_, i) => event(i + 1));
    const messages = buildDigestMessages(events, context);

    expect(messages.length).toBeGreaterThan(1);
    const seen: number[] = [];
    let previousLast = 0;
    for (const [index, message] of messages.entries()) {
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.message.blocks);
      const chars = message.blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
      expect(chars).toBeLessThanOrEqual(DIGEST_LIMITS.maxTextChars);
      for (const block of message.blocks) {
        if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
      }
      // Consecutive runs, oldest run first, so the cursor can follow message by message.
      expect(message.eventIds[0]).toBe(previousLast + 1);
      expect(message.lastEventId).toBe(Math.max(...message.eventIds));
      previousLast = message.lastEventId;
      expect(message.text).toContain(`(${index + 1}/${messages.length})`);
      expect(mentionedIds(allText(message.blocks)).sort((a, b) => a - b)).toEqual(message.eventIds);
      seen.push(...message.eventIds);
    }
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('obeys the block limit when it binds before the text limit', () => {
    const events = Array.from({ length: 40 }, (_, i) => event(i + 1));
    const messages = buildDigestMessages(events, context, { maxBlocks: 4, maxTextChars: 100_000 });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.blocks.length).toBeLessThanOrEqual(4);
    expect(messages.flatMap((m) => m.eventIds)).toEqual(events.map((e) => e.id));
  });

  it('groups by vendor and lists each group newest first, keeping every step of a case', () => {
    const events = [
      event(1, { vendor: 'cisco', caseId: 'CASE-1', fromStatus: 'New', toStatus: 'Customer Pending' }),
      event(2, { vendor: 'equinix', caseId: 'CASE-2' }),
      event(3, { vendor: 'cisco', caseId: 'CASE-1', fromStatus: 'Customer Pending', toStatus: 'Closed' }),
    ];
    const [message] = buildDigestMessages(events, context);
    const text = allText(message!.blocks);
    // Equinix before Cisco (the usual vendor order), and within Cisco the later step first.
    expect(text.indexOf('*Equinix*')).toBeLessThan(text.indexOf('*Cisco*'));
    const cisco = text.slice(text.indexOf('*Cisco*'));
    expect(cisco.indexOf('Customer Pending → *Closed*')).toBeLessThan(
      cisco.indexOf('New → *Customer Pending*'),
    );
    expect(message!.text).toBe('Case status digest: 3 status changes (Equinix 1, Cisco 2)');
  });

  it('shows link, title, from → to and when; escapes what Slack would read as markup', () => {
    const line = changeLine(
      event(7, { vendor: 'juniper' as VendorId, title: 'Loss <50% & rising>', toStatus: 'Closed' }),
      'Europe/Berlin',
    );
    expect(line).toContain('<https://support.example.com/cases/7|CASE-7>');
    expect(line).toContain('Loss &lt;50% &amp; rising&gt;');
    expect(line).toContain('Waiting on vendor → *Closed*');
    expect(line).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|01 Mar 2026, 09:07 CET>/);
  });

  it('shows a case without a safe link as its id', () => {
    expect(changeLine(event(8, { url: undefined }), 'UTC')).toContain('`CASE-8`');
    expect(changeLine(event(9, { url: 'javascript:alert(1)' }), 'UTC')).toContain('`CASE-9`');
  });

  it('has an empty-digest message for channels that asked for one', () => {
    const message = buildEmptyDigestMessage(context);
    expect(allText(message.blocks)).toContain('No watched case changed status since');
  });
});
