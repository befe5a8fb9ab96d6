/**
 * The "Open vendor case" message shortcut, App Home, and what the person is told when Slack itself fails
 * (an expired trigger, a refused token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { input } from '../support/slack-client.js';
import { ALICE, BOB, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

describe('message shortcut "Open vendor case"', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('with several vendors: the picker, then the chosen form pre-filled with the message text and its permalink', async () => {
    const sent = await h.slack.messageShortcut('open_vendor_case', {
      text: 'Lost light on <https://grafana.example.com/d/x|xe-0/0/1> since 02:10 &amp; BGP down',
      ts: '1767225600.000200',
    });
    expect(sent.status).toBe(200);
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    expect((opened.args.view as { callback_id: string }).callback_id).toBe('pick_vendor');
    const picker = [...h.fake.views.values()].find((v) => v.triggerId === sent.triggerId)!;
    // The permalink is fetched after the modal opened, and stored in the picker.
    await h.fake.waitFor(
      () => (String(picker.view.private_metadata).includes('archives') ? true : undefined),
      'permalink',
    );
    expect(h.fake.callsTo('chat.getPermalink').at(-1)?.args).toMatchObject({
      channel: NOC,
      message_ts: '1767225600.000200',
    });

    const from = h.fake.calls.length;
    await h.slack.pressInView(
      { id: picker.id, callback_id: 'pick_vendor', private_metadata: String(picker.view.private_metadata) },
      { actionId: 'vendor.pick', selected: 'equinix' },
    );
    const form = await h.fake.waitForCall(
      'views.update',
      (c) =>
        h.fake.calls.indexOf(c) >= from &&
        (c.args.view as { callback_id?: string }).callback_id === 'open_case',
    );
    const blocks = (
      form.args.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }
    ).blocks;
    const description = blocks.find((b) => b.block_id === 'description')?.element?.initial_value ?? '';
    expect(description).toContain(
      'Lost light on xe-0/0/1 (https://grafana.example.com/d/x) since 02:10 & BGP down',
    );
    expect(description).toContain(
      'From Slack: https://caseops-fake.slack.com/archives/CNOC0001/p1767225600000200',
    );
    expect(blockText(blocks)).toContain('this message');
  });

  it('a very long message is cut to what the form accepts, never refused by Slack', async () => {
    const sent = await h.slack.messageShortcut('open_vendor_case', {
      text: `stack trace\n${'x'.repeat(6000)}`,
      ts: '1767225600.000300',
    });
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    expect(opened.outcome).toBe('ok');
    const picker = [...h.fake.views.values()].find((v) => v.triggerId === sent.triggerId)!;
    await h.fake.waitFor(
      () => (String(picker.view.private_metadata).includes('archives') ? true : undefined),
      'permalink',
    );
    const from = h.fake.calls.length;
    await h.slack.pressInView(
      { id: picker.id, callback_id: 'pick_vendor', private_metadata: String(picker.view.private_metadata) },
      { actionId: 'vendor.pick', selected: 'motadata' },
    );
    const form = await h.fake.waitForCall(
      'views.update',
      (c) =>
        h.fake.calls.indexOf(c) >= from &&
        (c.args.view as { callback_id?: string }).callback_id === 'open_case',
    );
    expect(form.outcome).toBe('ok');
    const blocks = (
      form.args.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }
    ).blocks;
    expect(blocks.find((b) => b.block_id === 'subject')?.element?.initial_value).toBe('stack trace');
  });
});

describe('message shortcut with one vendor that can open', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vendors: ['equinix', 'cisco'] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('goes straight to that vendor’s form, pre-filled, and the case opens from it', async () => {
    const sent = await h.slack.messageShortcut('open_vendor_case', {
      text: 'Cage 0207 PDU B tripped',
      ts: '1767225600.000400',
    });
    await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = await h.fake.waitFor(() => {
      const v = [...h.fake.views.values()].find((x) => x.triggerId === sent.triggerId);
      return v?.view.callback_id === 'open_case' ? structuredClone(v) : undefined;
    }, 'form');
    expect(JSON.stringify(view.view)).toContain('Cage 0207 PDU B tripped');
    const from = h.fake.calls.length;
    await h.slack.submitView(view, {
      code: input.text('0100-0200'),
      description: input.text('Cage 0207 PDU B tripped'),
      primaryId: input.text('PDU-0207-B'),
      notificationContacts: input.users([ALICE]),
    });
    await h.fake.waitForCall(
      'views.update',
      (c) =>
        h.fake.calls.indexOf(c) >= from &&
        blockText((c.args.view as { blocks: unknown[] }).blocks).includes('Opened Equinix case'),
    );
  });

  it('/case help says which vendors are not configured', async () => {
    const sent = await h.slack.command('help');
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    const text = blockText(reply.body.blocks);
    expect(text).toMatch(/\*Juniper\* \(`juniper`, `jnpr`\): _not configured here_/);
    expect(text).toMatch(/\*Equinix\*.*open, look up, add notes, cancel/);
  });

  it('a vendor that is not configured gets a specific answer and the usage', async () => {
    const sent = await h.slack.command('show jnpr CO-20260101-AAAA');
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(String(reply.body.text)).toContain('Juniper is not configured in this workspace.');
    expect(String(reply.body.text)).toContain('Usage: `/case show');
  });
});

describe('message shortcut with no vendor that can open', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vendors: ['cisco'] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('says so instead of opening an empty form', async () => {
    const sent = await h.slack.messageShortcut('open_vendor_case', { text: 'x', ts: '1767225600.000500' });
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(String(reply.body.text)).toContain(
      'No vendor configured in this workspace lets caseops open cases',
    );
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});

describe('App Home', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows the person’s recently opened cases and the cases watched in their channels', async () => {
    await h.store.recordRecentCase({
      userId: ALICE,
      vendor: 'equinix',
      caseId: '11150999',
      title: 'Fibre cut SV5',
    });
    const watched = h.sims.equinix.seed({ description: 'Watched in NOC' });
    await h.slack.command(`watch eqx ${watched}`);
    await h.fake.waitForResponse((r) => String(r.body.text).includes(`Watching Equinix case`));
    // A watch in a channel Alice is not in is not hers to see.
    await h.store.addWatch({ vendor: 'equinix', caseId: '11150998', channelId: 'CSECRET1', createdBy: BOB });

    const sent = await h.slack.event({
      type: 'app_home_opened',
      user: ALICE,
      tab: 'home',
      channel: 'DALICE01',
    });
    expect(sent.status).toBe(200);
    const published = await h.fake.waitForCall('views.publish', (c) => c.args.user_id === ALICE);
    expect(published.outcome).toBe('ok');
    const text = blockText((published.args.view as { blocks: unknown[] }).blocks);
    expect(text).toContain('Recently opened by you');
    expect(text).toContain('Fibre cut SV5');
    expect(text).toContain(watched);
    expect(text).toContain(`in <#${NOC}>`);
    expect(text).not.toContain('11150998');
    expect(JSON.stringify(published.args.view)).toContain('home.open');
  });

  it('an event Slack delivers again (same event id) is answered once', async () => {
    const before = h.fake.callsTo('views.publish').length;
    await h.slack.event(
      { type: 'app_home_opened', user: BOB, tab: 'home', channel: 'DBOB0001' },
      { eventId: 'EvSAME0001' },
    );
    await h.fake.waitForCall('views.publish', (c) => c.args.user_id === BOB);
    await h.slack.event(
      { type: 'app_home_opened', user: BOB, tab: 'home', channel: 'DBOB0001' },
      { eventId: 'EvSAME0001', retryNum: 1 },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.callsTo('views.publish').length).toBe(before + 1);
  });

  it('"Open a vendor case" on App Home opens the picker; "Show" opens the case in a modal', async () => {
    const home = { id: 'VHOMEUALICE01', type: 'home' as const };
    const opened = await h.slack.pressInView(home, {
      actionId: 'home.open',
      value: undefined,
      blockId: 'home_actions',
    });
    const picker = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === opened.triggerId);
    expect((picker.args.view as { callback_id: string }).callback_id).toBe('pick_vendor');

    const id = h.sims.equinix.seed({ description: 'Shown from home' });
    const show = await h.slack.pressInView(home, {
      actionId: 'case.show',
      value: JSON.stringify({ v: 'equinix', id }),
    });
    const modal = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === show.triggerId);
    const viewId = [...h.fake.views.values()].find((v) => v.triggerId === show.triggerId)?.id;
    expect(modal.outcome).toBe('ok');
    const filled = await h.fake.waitForCall('views.update', (c) => c.args.view_id === viewId);
    expect(blockText((filled.args.view as { blocks: unknown[] }).blocks)).toContain('Shown from home');
  });

  it('the tab is skipped for the Messages tab', async () => {
    const before = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user: ALICE, tab: 'messages', channel: 'DALICE01' });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.callsTo('views.publish').length).toBe(before);
  });
});

describe('when Slack itself fails, the person is still told', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vendors: ['equinix'] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('an expired trigger id', async () => {
    h.fake.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
    const sent = await h.slack.command('open eqx');
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(String(reply.body.text)).toContain(
      "Slack's window for opening the form passed (3 seconds). Run the command again.",
    );
  });

  it('a refused token', async () => {
    h.fake.failNext('views.open', { kind: 'error', error: 'invalid_auth' });
    const sent = await h.slack.command('cancel eqx 11150929');
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(String(reply.body.text)).toContain(
      "Slack refused caseops' token. An admin needs to reinstall caseops.",
    );
  });

  it('Slack answering 503 to views.open: told in words, and the call is not repeated', async () => {
    h.fake.failNext('views.open', { kind: 'http', status: 503 });
    const from = h.fake.calls.length;
    const sent = await h.slack.command('open eqx');
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(String(reply.body.text)).toMatch(/Slack answered with an error \(HTTP 503\)/);
    expect(h.fake.calls.slice(from).filter((c) => c.method === 'views.open')).toHaveLength(1);
  });
});
