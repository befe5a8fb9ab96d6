/**
 * "Notify me" end to end: the button on a real card over HTTP into the real Bolt app, the real scheduler's
 * poll (fired by the test) refreshing the subscribed case though no channel watches it, and the direct
 * message the real notifier posts to the fake Slack Web API, counted there: one per change, one after a lost
 * answer, one across a restart. App Home lists the subscription, unsubscribes it and sets the night.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStatusTracking, type StatusTracking } from '../../src/compose/status-tracking.js';
import { loadEnv } from '../../src/config/env.js';
import { parsePolicy } from '../../src/config/policy-file.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { RECONCILE_MIN_AGE_MS } from '../../src/scheduler/nudge-runner.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { CASE_ACTIONS } from '../../src/slack/blocks/case-card.js';
import { HOME_NIGHT_ACTIONS } from '../../src/slack/blocks/home-subscriptions.js';
import { createNotifierWebClient } from '../../src/slack/notifier.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { ALICE, BOB, blockText, DM, type Harness, NOC, startHarness } from '../support/slack-harness.js';

let h: Harness;
let clock: SkipAheadClock;
let restarted: StatusTracking | undefined;

function buttonOf(blocks: unknown, actionId: string): { value?: string } | undefined {
  const found: Array<{ action_id?: string; value?: string }> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as { action_id?: string; value?: string };
      if (record.action_id) found.push(record);
      Object.values(record).forEach(visit);
    }
  };
  visit(blocks);
  return found.find((b) => b.action_id === actionId);
}

describe('Notify me over HTTP', () => {
  beforeEach(async () => {
    clock = new SkipAheadClock();
    restarted = undefined;
    h = await startHarness({ vendors: ['cisco'], digests: true, clock });
    // Alice's night is put well away from now (Amsterdam time), so the test runs the same at any hour.
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Amsterdam',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(clock.now())),
    );
    const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    await h.store.saveSubscriberSettings({ userId: ALICE, night: { from: at(hour + 6), to: at(hour + 8) } });
  });

  afterEach(async () => {
    await restarted?.stop();
    await h.stop();
  });

  async function poll(tracking: StatusTracking = h.tracking!) {
    clock.skip(1000);
    const slot = new Date(clock.now());
    slot.setUTCMilliseconds(0);
    expect(await tracking.scheduler.fire(POLL_TASK, slot)).toBe('ran');
  }

  const dmsToAlice = () =>
    h.fake.messages.filter(
      (m) =>
        m.channel === DM && (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_dm',
    );

  /** `/case show` in #noc: the ephemeral card Alice sees. */
  async function ephemeralCard(id: string): Promise<FakeMessage> {
    const sent = await h.slack.command(`show cisco ${id}`);
    await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    const card = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1);
    if (!card) throw new Error('no ephemeral card');
    return card;
  }

  /** Presses Notify me on Alice's card of the case; returns the confirmation she reads. */
  async function notifyMe(id: string): Promise<string> {
    const card = await ephemeralCard(id);
    const notify = buttonOf(card.blocks, CASE_ACTIONS.notify);
    expect(notify?.value).toBeDefined();
    const before = h.fake.responses.length;
    const pressed = await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: CASE_ACTIONS.notify, value: notify!.value! },
    );
    expect(pressed.status).toBe(200);
    const answer = await h.fake.waitFor(
      () => h.fake.responses.slice(before).find((r) => blockText(r.body.blocks).includes('direct message')),
      'the Notify me confirmation',
    );
    return blockText(answer.body.blocks);
  }

  it('a polled change of a case no channel watches gives Alice exactly one direct message', async () => {
    const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
    const said = await notifyMe(id);
    expect(said).toContain(`\`${id}\``);
    expect(said).toContain('status, vendor notes, owner');
    expect(await h.store.watchedCases()).toEqual([]);
    // Alice's own card of the case now offers Stop notifying instead.
    const again = await ephemeralCard(id);
    expect(buttonOf(again.blocks, CASE_ACTIONS.stopNotify)).toBeDefined();
    expect(buttonOf(again.blocks, CASE_ACTIONS.notify)).toBeUndefined();

    await poll();
    expect(dmsToAlice()).toHaveLength(0);

    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    expect(dmsToAlice()).toHaveLength(1);
    const dm = dmsToAlice()[0]!;
    expect(blockText(dm.blocks)).toContain(id);
    expect(blockText(dm.blocks)).toContain('Waiting on us');
    expect(dm.metadata).toMatchObject({
      event_type: 'caseops_dm',
      event_payload: { user: ALICE, vendor: 'cisco', case_id: id },
    });
    expect(h.fake.okCallsTo('conversations.open').length).toBeGreaterThan(0);

    await poll();
    expect(dmsToAlice()).toHaveLength(1);

    // A new owner and a vendor note in one poll: one more message with both.
    h.sims.cisco.setOwner(id, 'Marco Bianchi');
    h.sims.cisco.addNote(id, { text: 'Please attach show tech.', author: 'Marco Bianchi' });
    await poll();
    expect(dmsToAlice()).toHaveLength(2);
    const second = blockText(dmsToAlice()[1]!.blocks);
    expect(second).toContain('Marco Bianchi');
    expect(second).toContain('Please attach show tech.');

    // Stop notifying, from the direct message itself: no more messages.
    const stop = buttonOf(dmsToAlice()[1]!.blocks, CASE_ACTIONS.stopNotify);
    await h.slack.pressOnMessage(
      { channel: DM, ts: dmsToAlice()[1]!.ts, blocks: dmsToAlice()[1]!.blocks },
      { actionId: CASE_ACTIONS.stopNotify, value: stop!.value!, blockId: 'subscription_dm_actions' },
    );
    await h.fake.waitFor(
      () => (h.fake.responses.some((r) => blockText(r.body.blocks).includes('no longer')) ? true : undefined),
      'Stop notifying answered',
    );
    h.sims.cisco.advance(id, 'Closed');
    await poll();
    expect(dmsToAlice()).toHaveLength(2);
  });

  it('a lost answer is found in the conversation and not sent again', async () => {
    const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
    await notifyMe(id);
    await poll();
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    expect(dmsToAlice()).toHaveLength(1);

    await poll();
    clock.skip(RECONCILE_MIN_AGE_MS);
    const reads = h.fake.okCallsTo('conversations.history').length;
    await poll();
    expect(h.fake.okCallsTo('conversations.history').length).toBeGreaterThan(reads);
    expect(dmsToAlice()).toHaveLength(1);
    await poll();
    expect(dmsToAlice()).toHaveLength(1);
  });

  it('a restart after a lost answer sends it once, and the next change once', async () => {
    const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
    await notifyMe(id);
    await poll();
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    expect(dmsToAlice()).toHaveLength(1);

    // The process goes; a new one starts on the same store.
    await h.tracking!.stop();
    restarted = createStatusTracking({
      env: loadEnv({ POLL_CRON: '0 0 0 1 1 *' }),
      store: h.store,
      vendors: h.vendors,
      slackClient: createNotifierWebClient({ token: h.fake.botToken, slackApiUrl: h.fake.url }),
      logger: silentLogger,
      clock,
    });
    await restarted.start();
    clock.skip(RECONCILE_MIN_AGE_MS);
    await poll(restarted);
    expect(dmsToAlice()).toHaveLength(1);

    h.sims.cisco.advance(id, 'Closed');
    await poll(restarted);
    await poll(restarted);
    expect(dmsToAlice()).toHaveLength(2);
    expect(blockText(dmsToAlice()[1]!.blocks)).toContain('Closed');
  });

  it('App Home lists the subscription, unsubscribes it and sets the night', async () => {
    const id = h.sims.cisco.seed({ status: 'Cisco Pending', title: 'Uplink flaps' });
    await notifyMe(id);
    const published = () => h.fake.okCallsTo('views.publish').length;
    const homeAfter = async (count: number) => {
      await h.fake.waitFor(() => (published() > count ? true : undefined), 'App Home published');
      return h.fake.homes.get(ALICE)!;
    };
    let count = published();
    await h.slack.event({ type: 'app_home_opened', user: ALICE, tab: 'home', channel: DM });
    let home = await homeAfter(count);
    expect(blockText(home.blocks)).toContain('Notifying you');
    expect(blockText(home.blocks)).toContain(id);
    const unsubscribe = buttonOf(home.blocks, CASE_ACTIONS.stopNotify);
    expect(unsubscribe?.value).toBeDefined();

    count = published();
    await h.slack.pressInView(
      { id: 'VHOMEUALICE01', type: 'home' },
      { actionId: HOME_NIGHT_ACTIONS.from, selected: '23:30', blockId: 'home_night' },
    );
    home = await homeAfter(count);
    expect((await h.store.getSubscriberSettings(ALICE))?.night?.from).toBe('23:30');
    expect(blockText(home.blocks)).toContain('none between 23:30 and');

    // A night that ends when it starts is refused, and the page still shows the hours in force.
    count = published();
    await h.slack.pressInView(
      { id: 'VHOMEUALICE01', type: 'home' },
      { actionId: HOME_NIGHT_ACTIONS.to, selected: '23:30', blockId: 'home_night' },
    );
    home = await homeAfter(count);
    expect((await h.store.getSubscriberSettings(ALICE))?.night?.to).not.toBe('23:30');
    expect(blockText(home.blocks)).toContain('none between 23:30 and');

    count = published();
    await h.slack.pressInView(
      { id: 'VHOMEUALICE01', type: 'home' },
      { actionId: CASE_ACTIONS.stopNotify, value: unsubscribe!.value!, blockId: `subscribed:cisco:${id}` },
    );
    home = await homeAfter(count);
    expect(blockText(home.blocks)).not.toContain(id);
    expect(await h.store.subscriptionsOf(ALICE)).toEqual([]);
    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    expect(dmsToAlice()).toHaveLength(0);
  });
});

describe('Notify me and the access policy', () => {
  let guarded: Harness;
  beforeEach(async () => {
    guarded = await startHarness({
      vendors: ['cisco'],
      policy: parsePolicy(
        `version: 1\ndefaults:\n  lookup:\n    - name: only Alice looks cases up\n      users: [${ALICE}]\n`,
        'policy.yaml',
      ),
    });
  });
  afterEach(async () => {
    await guarded.stop();
  });

  it('subscribes only someone the lookup rules let read the case', async () => {
    const id = guarded.sims.cisco.seed({ status: 'Cisco Pending' });
    const shown = await guarded.slack.command(`show cisco ${id}`);
    await guarded.fake.waitForResponse((r) => r.id === shown.responseUrl?.split('/').at(-1));
    const card = guarded.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
    await guarded.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.post', value: JSON.stringify({ v: 'cisco', id }) },
    );
    const posted = await guarded.fake.waitFor(
      () => guarded.fake.messagesIn(NOC).find((m) => !m.visibleTo && blockText(m.blocks).includes(id)),
      'the card posted in #noc',
    );
    const value = buttonOf(posted.blocks, CASE_ACTIONS.notify)?.value;
    expect(value).toBeDefined();

    const before = guarded.fake.responses.length;
    await guarded.slack.pressOnMessage(
      { channel: NOC, ts: posted.ts, blocks: posted.blocks },
      { actionId: CASE_ACTIONS.notify, value: value! },
      { user: BOB },
    );
    const refusal = await guarded.fake.waitFor(
      () => guarded.fake.responses.slice(before).find((r) => r.outcome === 'ok'),
      "Bob's answer",
    );
    expect(blockText(refusal.body.blocks)).not.toContain('direct message from caseops');
    expect(await guarded.store.subscriptionsOf(BOB)).toEqual([]);

    await guarded.slack.pressOnMessage(
      { channel: NOC, ts: posted.ts, blocks: posted.blocks },
      { actionId: CASE_ACTIONS.notify, value: value! },
    );
    await guarded.fake.waitFor(
      () =>
        guarded.fake.responses.find((r) => blockText(r.body.blocks).includes('direct message from caseops')),
      "Alice's confirmation",
    );
    expect((await guarded.store.subscriptionsOf(ALICE)).map((s) => s.caseId)).toEqual([id]);
  });
});
