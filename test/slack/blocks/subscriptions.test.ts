/**
 * What a subscriber sees: the card's Notify me / Stop notifying, the direct message (one line per change, a
 * night's worth cut to Slack's limits, nothing in a vendor's text read as a mention), and App Home's
 * "Notifying you" within the limits Slack checks (the fake's own block checks).
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../src/domain/case.js';
import type { CaseEvent } from '../../../src/domain/ports/store.js';
import { validateBlocks } from '../../../src/playground/fake-slack-api.js';
import { buildCaseCard, CASE_ACTIONS } from '../../../src/slack/blocks/case-card.js';
import {
  buildHomeSubscriptions,
  HOME_SUBSCRIPTIONS_SHOWN,
} from '../../../src/slack/blocks/home-subscriptions.js';
import { fitMessage, SLACK_LIMITS } from '../../../src/slack/blocks/limits.js';
import { buildSubscriptionDm } from '../../../src/slack/blocks/subscription-dm.js';
import { blockText } from '../../support/slack-harness.js';

const aCase: Case = {
  vendor: 'cisco',
  id: '698123456',
  alternateIds: [],
  title: 'Core switch reloads',
  status: 'Cisco Pending',
  state: 'waiting-on-vendor',
  notes: [],
  fields: [],
};

function event(id: number, changes: Partial<CaseEvent>): CaseEvent {
  return {
    id,
    vendor: 'cisco',
    caseId: aCase.id,
    kind: 'status',
    title: aCase.title,
    fromStatus: 'Cisco Pending',
    fromState: 'waiting-on-vendor',
    toStatus: 'Customer Pending',
    toState: 'waiting-on-customer',
    observedAt: '2026-03-10T10:00:00.000Z',
    ...changes,
  };
}

const actionIds = (blocks: unknown) =>
  [...JSON.stringify(blocks).matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1]);

describe('Notify me on the card', () => {
  it('offers Notify me, or Stop notifying to someone already notified, within the actions limit', () => {
    const capabilities = new Set(['lookup', 'annotate', 'cancel'] as const);
    const shown = buildCaseCard(aCase, { surface: 'ephemeral', capabilities });
    expect(actionIds(shown.blocks)).toContain(CASE_ACTIONS.notify);
    expect(actionIds(shown.blocks)).not.toContain(CASE_ACTIONS.stopNotify);
    const mine = buildCaseCard(aCase, { surface: 'ephemeral', capabilities, subscribed: true });
    expect(actionIds(mine.blocks)).toContain(CASE_ACTIONS.stopNotify);
    expect(actionIds(mine.blocks)).not.toContain(CASE_ACTIONS.notify);
    expect(actionIds(mine.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.element.actionsElements);
    expect(() => validateBlocks(mine.blocks, 'message')).not.toThrow();
  });
});

describe('the direct message', () => {
  it('has one line per change and Stop notifying, with vendor text escaped', () => {
    const dm = buildSubscriptionDm({
      key: 'k',
      userId: 'UALICE01',
      vendor: 'cisco',
      caseId: aCase.id,
      fromEventId: 1,
      toEventId: 3,
      events: [
        event(1, {}),
        event(2, { kind: 'owner', from: '', to: 'Jane <!channel>' }),
        event(3, {
          kind: 'note',
          note: { text: 'Send logs\nsecond line', author: 'Jane', source: 'vendor' },
        }),
      ],
    });
    const text = blockText(dm.blocks);
    expect(text).toContain('Waiting on vendor → *Waiting on us* (Customer Pending)');
    expect(text).toContain('Owner: — → *Jane &lt;!channel&gt;*');
    expect(text).toContain('Vendor note from Jane: Send logs');
    expect(text).not.toContain('second line');
    expect(dm.text).toContain('3 changes');
    expect(actionIds(dm.blocks)).toEqual([CASE_ACTIONS.stopNotify]);
  });

  it('a night of 600 changes still fits one message, the newest shown', () => {
    const events = Array.from({ length: 600 }, (_, i) =>
      event(i + 1, { kind: 'note', note: { text: `note ${i + 1} ${'x'.repeat(400)}`, source: 'vendor' } }),
    );
    const dm = fitMessage(
      buildSubscriptionDm({
        key: 'k',
        userId: 'UALICE01',
        vendor: 'cisco',
        caseId: aCase.id,
        fromEventId: 1,
        toEventId: 600,
        events,
      }),
    );
    expect(() => validateBlocks(dm.blocks, 'message')).not.toThrow();
    const text = blockText(dm.blocks);
    expect(text).toContain('580 earlier changes not shown');
    expect(text).toContain('note 600');
  });
});

describe("App Home's Notifying you", () => {
  it('lists subscriptions with Unsubscribe and the night pickers, within the home limits', () => {
    const subscriptions = Array.from({ length: 40 }, (_, i) => ({
      vendor: 'cisco',
      caseId: String(698000000 + i),
      title: `Case ${i}`,
      status: 'Cisco Pending',
      since: '2026-03-10T10:00:00.000Z',
    }));
    const blocks = buildHomeSubscriptions({
      subscriptions,
      night: { from: '23:15', to: '06:00' },
      nightChosen: true,
    });
    expect(() => validateBlocks(blocks, 'home')).not.toThrow();
    expect(actionIds(blocks).filter((id) => id === CASE_ACTIONS.stopNotify)).toHaveLength(
      HOME_SUBSCRIPTIONS_SHOWN,
    );
    const text = blockText(blocks);
    expect(text).toContain('15 more not shown');
    expect(text).toContain('none between 23:15 and 06:00');
    expect(JSON.stringify(blocks)).toContain('"initial_option":{"text":{"type":"plain_text","text":"23:15"');
    expect(
      buildHomeSubscriptions({ subscriptions: [], night: { from: '22:00', to: '07:00' }, nightChosen: false })
        .length,
    ).toBeLessThan(10);
  });
});
