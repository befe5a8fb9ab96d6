import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { VendorId } from '../../src/domain/case.js';
import type { StatusChangeEvent } from '../../src/domain/ports/store.js';
import {
  buildDigestMessages,
  buildEmptyDigestMessage,
  DIGEST_LIMITS,
} from '../../src/slack/blocks/digest.js';
import { blockTextLength, SLACK_LIMITS } from '../../src/slack/blocks/limits.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

function event(id: number, overrides: Partial<StatusChangeEvent> = {}): StatusChangeEvent {
  return {
    id,
    vendor: VENDOR_IDS[id % VENDOR_IDS.length]!,
    caseId: `CASE-${id}`,
    kind: 'status',
    title: `BGP session flapping on edge router ${id} in the Frankfurt cage`,
    url: `https://support.example.com/cases/${id}`,
    fromStatus: 'Waiting on vendor',
    fromState: 'waiting-on-vendor',
    toStatus: 'Resolved',
    toState: 'resolved',
    observedAt: new Date(T0 + id * 60_000).toISOString(),
    ...overrides,
  };
}

const context = {
  timezone: 'Europe/Berlin',
  since: '2026-02-28T08:00:00.000Z',
  now: '2026-03-02T08:00:00.000Z',
};

function allText(blocks: types.KnownBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'section' || block.type === 'header') return block.text?.text ?? '';
      if (block.type === 'context') return block.elements.map((e) => ('text' in e ? e.text : '')).join(' ');
      return '';
    })
    .join('\n');
}

function mentionedCases(text: string): string[] {
  return [...text.matchAll(/\|(CASE-\d+)>/g)].map((m) => m[1]!);
}

function expectWithinLimits(message: { blocks: types.KnownBlock[]; text: string }): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.message.blocks);
  const chars = message.blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
  expect(chars).toBeLessThanOrEqual(DIGEST_LIMITS.maxTextChars);
  expect(chars).toBeLessThanOrEqual(SLACK_LIMITS.message.totalBlockTextChars);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.message.fallbackChars);
  for (const block of message.blocks) {
    if (block.type === 'section') {
      expect(block.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.message.sectionTextChars);
    }
    if (block.type === 'header')
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.message.headerChars);
  }
}

describe('buildDigestMessages', () => {
  it('splits a 500-case digest into messages within Slack limits, every event exactly once, in runs', () => {
    // 500 cases, each with a status change, a long vendor note and an owner change.
    const events: StatusChangeEvent[] = [];
    for (let c = 1; c <= 500; c++) {
      const base = {
        caseId: `CASE-${c}`,
        vendor: 'cisco' as VendorId,
        url: `https://support.example.com/cases/${c}`,
      };
      events.push(event(events.length + 1, { ...base, title: `${'Long title '.repeat(20)}${c}` }));
      events.push(
        event(events.length + 1, {
          ...base,
          kind: 'note',
          fromStatus: 'Resolved',
          fromState: 'resolved',
          note: {
            text: `${'All traffic restored after the line card swap. '.repeat(10)}`,
            author: 'Priya Raman',
            source: 'vendor',
          },
        }),
      );
      events.push(
        event(events.length + 1, {
          ...base,
          kind: 'owner',
          fromStatus: 'Resolved',
          fromState: 'resolved',
          from: 'Priya Raman',
          to: 'Marco Bianchi',
        }),
      );
    }
    const messages = buildDigestMessages(events, context);

    expect(messages.length).toBeGreaterThan(1);
    const seen: number[] = [];
    let previousLast = 0;
    const shown: string[] = [];
    for (const [index, message] of messages.entries()) {
      expectWithinLimits(message);
      // Consecutive runs, oldest run first, so the cursor can follow message by message.
      expect(message.eventIds[0]).toBe(previousLast + 1);
      expect(message.lastEventId).toBe(Math.max(...message.eventIds));
      previousLast = message.lastEventId;
      expect(message.text).toContain(`(${index + 1}/${messages.length})`);
      const cases = mentionedCases(allText(message.blocks));
      expect(new Set(cases).size).toBe(cases.length); // one entry per case in a message
      shown.push(...cases);
      seen.push(...message.eventIds);
    }
    expect(seen).toEqual(events.map((e) => e.id));
    // Cuts fall between cases: each case is one entry in one message.
    expect(shown).toHaveLength(500);
    expect(new Set(shown).size).toBe(500);
  });

  it('obeys the block limit when it binds before the text limit', () => {
    const events = Array.from({ length: 40 }, (_, i) => event(i + 1));
    const messages = buildDigestMessages(events, context, { maxBlocks: 4, maxTextChars: 100_000 });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.blocks.length).toBeLessThanOrEqual(4);
    expect(messages.flatMap((m) => m.eventIds)).toEqual(events.map((e) => e.id));
  });

  it('shows a case once with the path of its states, and groups waiting on us, then the vendor, then done', () => {
    const at = (minutes: number) => new Date(Date.parse(context.now) - minutes * 60_000).toISOString();
    const cisco = {
      vendor: 'cisco' as VendorId,
      caseId: 'CASE-1',
      url: 'https://support.example.com/cases/1',
    };
    const events = [
      event(1, {
        ...cisco,
        fromStatus: 'Cisco Pending',
        fromState: 'waiting-on-vendor',
        toStatus: 'Customer Pending',
        toState: 'waiting-on-customer',
        observedAt: at(300),
      }),
      event(2, {
        vendor: 'equinix' as VendorId,
        caseId: 'CASE-2',
        url: 'https://support.example.com/cases/2',
        fromStatus: 'Open',
        fromState: 'open',
        toStatus: 'Pending Customer Input',
        toState: 'waiting-on-customer',
        observedAt: at(200),
      }),
      event(3, {
        ...cisco,
        fromStatus: 'Customer Pending',
        fromState: 'waiting-on-customer',
        toStatus: 'Closed',
        toState: 'closed',
        observedAt: at(125),
      }),
      event(4, {
        vendor: 'juniper' as VendorId,
        caseId: 'CASE-4',
        url: 'https://support.example.com/cases/4',
        fromStatus: 'Open',
        fromState: 'open',
        toStatus: 'In Progress',
        toState: 'waiting-on-vendor',
        observedAt: at(5),
      }),
      event(5, {
        ...cisco,
        kind: 'severity',
        fromStatus: 'Closed',
        fromState: 'closed',
        toStatus: 'Closed',
        toState: 'closed',
        from: 'Sev 3',
        to: 'Sev 2',
        observedAt: at(120),
      }),
    ];
    const [message, ...rest] = buildDigestMessages(events, context);
    expect(rest).toEqual([]);
    const text = allText(message!.blocks);
    expect(mentionedCases(text)).toEqual(['CASE-2', 'CASE-4', 'CASE-1']);
    expect(text.indexOf('*Waiting on us*')).toBeLessThan(text.indexOf('*Waiting on the vendor*'));
    expect(text.indexOf('*Waiting on the vendor*')).toBeLessThan(text.indexOf('*Resolved and closed*'));
    expect(text).toContain(
      'Waiting on vendor → Waiting on us → *Closed* (Cisco Pending → Customer Pending → Closed)',
    );
    expect(text).toContain('Severity: Sev 3 → *Sev 2*');
    expect(text).toContain('2 h ago'); // CASE-1's newest event
    expect(text).toContain('5 min ago');
    expect(text).toContain('3 cases changed since <!date^');
    expect(message!.text).toBe(
      'Case status digest: 3 cases changed (1 waiting on us, 1 waiting on the vendor, 1 resolved or closed)',
    );
  });

  it('shows a title literally: no formatting, no mention, no channel ping', () => {
    const title = '*x* _y_ ~z~ <@U123> <!channel> `code` & more';
    const [message] = buildDigestMessages([event(7, { title })], context);
    const text = allText(message!.blocks);
    expect(text).toContain('`*x* _y_ ~z~ &lt;@U123&gt; &lt;!channel&gt; ˋcodeˋ &amp; more`');
    expect(text).not.toContain('<@U123>');
    expect(text).not.toContain('<!channel>');
    // The span is closed where it was opened: nothing after it falls inside the code.
    const line = text.split('\n').find((l) => l.includes('CASE-7'))!;
    expect(line.split('`').length).toBe(3);
  });

  it('shows new vendor notes by their first line and author, and notes sent from Slack by who sent them', () => {
    const events = [
      event(1, {
        kind: 'note',
        note: { text: 'Replaced the *line card*.\nSecond line', author: 'Priya Raman', source: 'vendor' },
      }),
      event(2, {
        kind: 'note',
        note: { text: 'Please call <!here>', source: 'slack', slackUserId: 'UALICE01' },
      }),
    ].map((e) => ({ ...e, caseId: 'CASE-1', fromStatus: 'Resolved', fromState: 'resolved' as const }));
    const text = allText(buildDigestMessages(events, context)[0]!.blocks);
    expect(text).toContain('New note by Priya Raman: “Replaced the *line card*.”');
    expect(text).not.toContain('Second line');
    expect(text).toContain('Note sent from Slack by <@UALICE01>: “Please call &lt;!here&gt;”');
  });

  it('shows a case without a safe link as its id', () => {
    const text = allText(
      buildDigestMessages(
        [event(8, { url: undefined }), event(9, { url: 'javascript:alert(1)' })],
        context,
      )[0]!.blocks,
    );
    expect(text).toContain('`CASE-8`');
    expect(text).toContain('`CASE-9`');
  });

  it('has an empty-digest message for channels that asked for one', () => {
    const message = buildEmptyDigestMessage(context);
    expect(allText(message.blocks)).toContain('No watched case changed status since');
  });
});
