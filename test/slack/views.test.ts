/**
 * Modal submissions over real HTTP: the open form of each vendor (valid, invalid field, vendor refusal,
 * vendor timeout, double submit), the note and cancel forms, the vendor picker. What the person sees is read
 * from the fake Slack; what the vendor got from the simulators' request logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKey } from '../../src/domain/idempotency.js';
import type { FakeView } from '../../src/playground/fake-slack-api.js';
import { input, type StateValue } from '../support/slack-client.js';
import {
  ALICE,
  blockText,
  DM,
  type Harness,
  NO_EMAIL,
  NOC,
  NOT_JOINED,
  openedForm,
  RETIRED_CODE,
  startHarness,
} from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendorTimeoutMs: 1500 });
});
afterAll(async () => {
  await h?.stop();
});

const equinixCreates = () =>
  h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets');
const juniperSubmits = () =>
  h.sims.juniper.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/submitCase'));
const motadataCreates = () =>
  h.sims.motadata.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/incident');

function equinixValues(over: Record<string, StateValue> = {}): Record<string, StateValue> {
  return {
    code: input.text('0100-0200'),
    description: input.text('Cross connect CC-SV5-000777 down since 02:10 UTC, light levels zero'),
    primaryId: input.text('CC-SV5-000777'),
    secondaryId: input.text(null),
    occurredAt: input.datetime(null),
    notificationContacts: input.users([ALICE]),
    ...over,
  };
}

/** Where the fake's call log stands now: later waits and counts look only at calls after it. */
const mark = () => h.fake.calls.length;
const callsSince = (from: number) => h.fake.calls.slice(from);

/** The first accepted views.update of `view` after `from` whose text matches. */
function viewUpdate(view: FakeView, match: RegExp, from = 0) {
  return h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === view.id &&
      c.outcome === 'ok' &&
      h.fake.calls.indexOf(c) >= from &&
      match.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    8000,
  );
}

function metadataOf(call: { args: Record<string, unknown> }) {
  return JSON.parse(String((call.args.view as { private_metadata?: string }).private_metadata)) as Record<
    string,
    unknown
  >;
}

describe('open an Equinix case', () => {
  it('valid: "Submitting…", one create, the result, and the card posted and watched in the channel', async () => {
    const view = await openedForm(h, 'open eqx');
    const before = equinixCreates().length;
    const started = mark();
    const sent = await h.slack.submitView(view, equinixValues());
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({
      response_action: 'update',
      view: { title: { text: 'New Equinix case' } },
    });

    const result = await viewUpdate(view, /Opened Equinix case/, started);
    expect(equinixCreates().length).toBe(before + 1);
    const body = equinixCreates().at(-1)!.body;
    expect(body).toContain('alice@example.com');
    expect(body).toContain('Alice');
    const resultText = blockText((result.args.view as { blocks: unknown[] }).blocks);
    expect(resultText).toContain(`Posted in <#${NOC}> and watched there`);

    const caseId = /Opened Equinix case `([^`]+)`/.exec(resultText)?.[1];
    expect(caseId).toBeTruthy();
    const card = h.fake.messagesIn(NOC).find((m) => blockText(m.blocks).includes(caseId!));
    expect(card).toBeDefined();
    const cardText = blockText(card!.blocks);
    expect(cardText).toContain(`Opened from Slack by <@${ALICE}>`);
    expect(cardText).toContain('Watched in this channel');
    expect(JSON.stringify(card!.blocks)).toContain('case.unwatch');

    expect(await h.store.watchesOfCase('equinix', caseId!)).toEqual([
      expect.objectContaining({ channelId: NOC }),
    ]);
    expect(await h.store.cardsFor('equinix', caseId!)).toEqual([
      expect.objectContaining({ channelId: NOC, ts: card!.ts }),
    ]);
    expect(await h.store.recentCases(ALICE)).toContainEqual(
      expect.objectContaining({ vendor: 'equinix', caseId }),
    );
    expect(await h.store.auditForCase('equinix', caseId!)).toContainEqual(
      expect.objectContaining({ actorUserId: ALICE, channelId: NOC, action: 'open', outcome: 'ok' }),
    );
  });

  it.each([
    [
      'a malformed ticket code',
      { code: input.text('100-200') },
      'code',
      /Ticket code must look like 0100-0200/,
    ],
    ['a missing description', { description: input.text('  ') }, 'description', /Description is required/],
    [
      'a time in the future',
      { occurredAt: input.datetime(Math.floor(Date.now() / 1000) + 86_400) },
      'occurredAt',
      /cannot be in the future/,
    ],
    [
      'six contacts',
      { notificationContacts: input.users(['U1', 'U2', 'U3', 'U4', 'U5', 'U6']) },
      'notificationContacts',
      /At most 5/,
    ],
  ])(
    'invalid (%s): the error on its field, within the ack, no vendor call',
    async (_what, over, field, message) => {
      const view = await openedForm(h, 'open eqx');
      const before = equinixCreates().length;
      const sent = await h.slack.submitView(view, equinixValues(over));
      expect(sent.json).toMatchObject({
        response_action: 'errors',
        errors: { [field]: expect.stringMatching(message) },
      });
      expect(equinixCreates().length).toBe(before);
    },
  );

  it('a contact without a visible e-mail: the form comes back saying who, nothing sent', async () => {
    const view = await openedForm(h, 'open eqx');
    const before = equinixCreates().length;
    const started = mark();
    await h.slack.submitView(view, equinixValues({ notificationContacts: input.users([ALICE, NO_EMAIL]) }));
    const back = await viewUpdate(view, /has no e-mail address/, started);
    expect(blockText((back.args.view as { blocks: unknown[] }).blocks)).toContain(`<@${NO_EMAIL}>`);
    expect(equinixCreates().length).toBe(before);
  });

  it('vendor refusal: the form again with values kept and Equinix’s error code (its text only in the log); the fixed form then opens once', async () => {
    const view = await openedForm(h, 'open eqx');
    const before = equinixCreates().length;
    let started = mark();
    await h.slack.submitView(view, equinixValues({ code: input.text(RETIRED_CODE) }));
    const back = await viewUpdate(view, /Equinix refused/, started);
    const shown = back.args.view as {
      callback_id: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string } }>;
    };
    expect(shown.callback_id).toBe('open_case');
    expect(blockText(shown.blocks)).toContain(
      "Equinix refused the request (HTTP 400, code `EQ-3040020`), so nothing was changed. Check what was entered and try again; the vendor's full answer is in caseops' log.",
    );
    expect(blockText(shown.blocks)).not.toContain('is not accepted');
    expect(shown.blocks.find((b) => b.block_id === 'code')?.element?.initial_value).toBe(RETIRED_CODE);
    expect(shown.blocks.find((b) => b.block_id === 'description')?.element?.initial_value).toContain(
      'light levels zero',
    );
    expect(metadataOf(back)).toMatchObject({ attempt: 1 });
    expect(equinixCreates().length).toBe(before + 1);

    started = mark();
    await h.slack.submitView(view.id, equinixValues());
    await viewUpdate(view, /Opened Equinix case/, started);
    expect(equinixCreates().length).toBe(before + 2);
  });

  it('vendor timeout: the outcome is unknown, the reference is named, and a resubmit sends nothing', async () => {
    const view = await openedForm(h, 'open eqx');
    h.sims.equinix.injectFault({ fault: 'timeout-after-commit', pathIncludes: '/support/v2/tickets' });
    const before = equinixCreates().length;
    let started = mark();
    await h.slack.submitView(view, equinixValues());
    const unknown = await viewUpdate(view, /did not confirm/, started);
    const text = blockText((unknown.args.view as { blocks: unknown[] }).blocks);
    expect(text).toMatch(/check Equinix for reference `co-[0-9a-f]{24}` before trying again/);
    expect((unknown.args.view as { callback_id?: string }).callback_id).not.toBe('open_case');
    expect(equinixCreates().length).toBe(before + 1);
    expect(
      (await h.store.getWrite(writeKey('open', 'equinix', { kind: 'view', viewId: view.id, attempt: 0 })))
        ?.state,
    ).toBe('unknown');

    started = mark();
    await h.slack.submitView(view, equinixValues());
    await viewUpdate(view, /did not confirm/, started);
    expect(equinixCreates().length).toBe(before + 1);
    h.sims.equinix.clearFaults();
  });

  it('double submit (two at once): exactly one vendor create and one card', async () => {
    const view = await openedForm(h, 'open eqx');
    const before = equinixCreates().length;
    const cardsBefore = h.fake.messagesIn(NOC).length;
    h.sims.equinix.latencyMs = 300;
    const started = mark();
    try {
      const [a, b] = await Promise.all([
        h.slack.submitView(view, equinixValues()),
        h.slack.submitView(view, equinixValues()),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      await viewUpdate(view, /Opened Equinix case/, started);
    } finally {
      h.sims.equinix.latencyMs = 0;
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(equinixCreates().length).toBe(before + 1);
    expect(h.fake.messagesIn(NOC).length).toBe(cardsBefore + 1);
  });

  it('a submit repeated after it completed: the first case again, nothing opened or posted twice', async () => {
    const view = await openedForm(h, 'open eqx');
    let started = mark();
    await h.slack.submitView(view, equinixValues());
    await viewUpdate(view, /Opened Equinix case/, started);
    const before = equinixCreates().length;
    const cardsBefore = h.fake.messagesIn(NOC).length;
    started = mark();
    await h.slack.submitView(view, equinixValues());
    await viewUpdate(view, /already submitted/, started);
    expect(equinixCreates().length).toBe(before);
    expect(h.fake.messagesIn(NOC).length).toBe(cardsBefore);
  });

  it('opened from a DM: no card is posted and nothing is watched', async () => {
    const view = await openedForm(h, 'open eqx', 'open_case');
    const dmView = await (async () => {
      const sent = await h.slack.command('open eqx', { channel: DM });
      await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
      return h.fake.waitFor(() => {
        const v = [...h.fake.views.values()].find((x) => x.triggerId === sent.triggerId);
        return v?.view.callback_id === 'open_case' ? v : undefined;
      }, 'DM form');
    })();
    expect(JSON.parse(String(dmView.view.private_metadata)).channel).toBeUndefined();
    expect(view.id).not.toBe(dmView.id);
    const posted = h.fake.calls.filter((c) => c.method === 'chat.postMessage').length;
    const started = mark();
    await h.slack.submitView(dmView, equinixValues());
    const result = await viewUpdate(dmView, /Opened Equinix case/, started);
    expect(blockText((result.args.view as { blocks: unknown[] }).blocks)).not.toContain('Posted in');
    expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage').length).toBe(posted);
  });

  it('a channel caseops cannot post in: the case is open, the person is told why, and no watch is left behind', async () => {
    const sent = await h.slack.command('open eqx', { channel: NOT_JOINED });
    await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = await h.fake.waitFor(() => {
      const v = [...h.fake.views.values()].find((x) => x.triggerId === sent.triggerId);
      return v?.view.callback_id === 'open_case' ? v : undefined;
    }, 'form');
    const started = mark();
    await h.slack.submitView(view, equinixValues());
    const result = await viewUpdate(view, /Opened Equinix case/, started);
    const text = blockText((result.args.view as { blocks: unknown[] }).blocks);
    expect(text).toContain(`could not be posted or watched in <#${NOT_JOINED}>`);
    expect(text).toContain('/invite @caseops');
    expect(text).toMatch(
      /`\/case show equinix \d+` and \*Post to channel\*; opening it again would open a second case/,
    );
    expect(await h.store.watchesInChannel(NOT_JOINED)).toEqual([]);
  });

  it('the modal was closed meanwhile: the result still reaches the person (ephemeral in the channel)', async () => {
    const view = await openedForm(h, 'open eqx');
    h.sims.equinix.latencyMs = 200;
    try {
      await h.slack.submitView(view, equinixValues());
      h.fake.closeView(view.id);
      const note = await h.fake.waitForCall(
        'chat.postEphemeral',
        (c) => String(c.args.text).includes('Opened Equinix case'),
        8000,
      );
      expect(note.args).toMatchObject({ channel: NOC, user: ALICE });
    } finally {
      h.sims.equinix.latencyMs = 0;
    }
  });

  it('Slack rate-limits the result update once: it is waited out and shown once', async () => {
    const view = await openedForm(h, 'open eqx');
    h.fake.failNext('views.update', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = mark();
    await h.slack.submitView(view, equinixValues());
    await viewUpdate(view, /Opened Equinix case/, started);
    const updates = callsSince(started).filter(
      (c) => c.method === 'views.update' && c.args.view_id === view.id,
    );
    expect(updates.map((c) => c.outcome)).toEqual(['http_429', 'ok']);
  });

  it('Slack fails posting the card (HTTP 500): never retried blindly, the person is told', async () => {
    const view = await openedForm(h, 'open eqx');
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 500 });
    const started = mark();
    await h.slack.submitView(view, equinixValues());
    const result = await viewUpdate(view, /Opened Equinix case/, started);
    expect(blockText((result.args.view as { blocks: unknown[] }).blocks)).toContain(
      'could not be posted or watched',
    );
    expect(
      callsSince(started)
        .filter((c) => c.method === 'chat.postMessage')
        .map((c) => c.outcome),
    ).toEqual(['http_500']);
  });
});

describe('open a Juniper case', () => {
  it('valid: submits the Service Now incident with the form’s tracking number', async () => {
    const incident = h.sims.juniper.seed();
    const view = await openedForm(h, 'open jnpr');
    const before = juniperSubmits().length;
    const started = mark();
    const sent = await h.slack.submitView(view, {
      incidentId: input.text(incident),
      priority: input.select('2 - High'),
      followUpMethod: input.select('Email Full Text Update'),
      synopsis: input.text('FPC 3 offline on mx-ams-01'),
      comments: input.text(null),
      ccEmails: input.text('noc@example.com, oncall@example.com'),
      trackingNumber: input.text('CO-20260301-TEST0001'),
    });
    expect(sent.json?.response_action).toBe('update');
    await viewUpdate(view, /Opened Juniper case `CO-20260301-TEST0001`/, started);
    expect(juniperSubmits().length).toBe(before + 1);
    expect(juniperSubmits().at(-1)?.path).toContain(`/incidents/${incident}/submitCase`);
    expect(juniperSubmits().at(-1)?.body).toContain('noc@example.com');
  });

  it('invalid CC address: the error on the CC field', async () => {
    const view = await openedForm(h, 'open jnpr');
    const sent = await h.slack.submitView(view, {
      incidentId: input.text('5177345'),
      priority: input.select('2 - High'),
      followUpMethod: input.select('Phone Call'),
      synopsis: input.text('PEM alarm'),
      ccEmails: input.text('noc@example.com not-an-address'),
      trackingNumber: input.text('CO-20260301-TEST0002'),
    });
    expect(sent.json).toMatchObject({
      response_action: 'errors',
      errors: { ccEmails: expect.stringMatching(/e-mail address/) },
    });
  });
});

describe('open a Motadata ServiceOps case', () => {
  it('valid: creates the incident with the requester and levels chosen', async () => {
    const view = await openedForm(h, 'open motadata');
    const before = motadataCreates().length;
    const started = mark();
    await h.slack.submitView(view, {
      subject: input.text('Core switch fan failure in DC2'),
      description: input.text('Fan tray 2 reports failure'),
      requesterEmail: input.email('alice@example.com'),
      impact: input.select('ONDEPARTMENT'),
      priority: input.select('HIGH'),
      urgency: input.select(null),
      tags: input.text('network, dc2'),
    });
    await viewUpdate(view, /Opened Motadata ServiceOps case/, started);
    expect(motadataCreates().length).toBe(before + 1);
    const body = motadataCreates().at(-1)!.body;
    expect(body).toContain('Core switch fan failure in DC2');
    expect(body).toContain('alice@example.com');
  });

  it('invalid requester e-mail: the error on its field', async () => {
    const view = await openedForm(h, 'open motadata');
    const sent = await h.slack.submitView(view, {
      subject: input.text('x'),
      requesterEmail: input.email('alice(at)example'),
    });
    expect(sent.json).toMatchObject({
      response_action: 'errors',
      errors: { requesterEmail: expect.stringMatching(/e-mail address/) },
    });
  });
});

describe('vendor picker', () => {
  it('choosing a vendor turns the picker into that vendor’s form', async () => {
    const sent = await h.slack.command('open');
    await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const picker = await h.fake.waitFor(
      () => [...h.fake.views.values()].find((v) => v.triggerId === sent.triggerId),
      'picker',
    );
    expect(picker.view.callback_id).toBe('pick_vendor');
    const started = mark();
    const pressed = await h.slack.pressInView(
      { id: picker.id, callback_id: 'pick_vendor', private_metadata: String(picker.view.private_metadata) },
      { actionId: 'vendor.pick', selected: 'motadata' },
    );
    expect(pressed.status).toBe(200);
    const form = await h.fake.waitForCall(
      'views.update',
      (c) =>
        c.args.view_id === picker.id &&
        h.fake.calls.indexOf(c) >= started &&
        (c.args.view as { callback_id?: string }).callback_id === 'open_case',
    );
    expect(metadataOf(form)).toMatchObject({ vendor: 'motadata', channel: NOC });
  });
});

describe('note and cancel forms', () => {
  it('note: added once, the result shows the case, posted cards are updated in place', async () => {
    const id = h.sims.equinix.seed();
    await h.slack.command(`watch eqx ${id}`);
    // A card of this case in the channel, remembered for updates.
    const show = await h.slack.command(`show eqx ${id}`);
    await h.fake.waitForResponse((r) => r.id === show.responseUrl?.split('/').at(-1));
    const eph = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
    await h.slack.pressOnMessage(
      { channel: NOC, ts: eph.ts, ephemeral: true },
      { actionId: 'case.post', value: JSON.stringify({ v: 'equinix', id }) },
    );
    const posted = await h.fake.waitFor(
      () => h.fake.messagesIn(NOC).find((m) => blockText(m.blocks).includes(id)),
      'posted card',
    );

    const view = await openedForm(h, `note eqx ${id}`, 'add_note');
    const notes = () => h.sims.equinix.requests.filter((r) => r.path.endsWith(`/${id}/notes`));
    const started = mark();
    const sent = await h.slack.submitView(view, {
      note: input.text('Carrier confirmed fibre cut, ETR 06:00'),
      visibility: input.select('INTERNAL'),
    });
    expect(sent.json?.response_action).toBe('update');
    await viewUpdate(view, /Note added to Equinix case/, started);
    expect(notes()).toHaveLength(1);
    expect(notes()[0]?.body).toContain('INTERNAL');
    // Equinix's get answer carries no notes, so the card is re-rendered from a fresh look, not the note.
    await h.fake.waitFor(() => (posted.edits > 0 ? true : undefined), 'the posted card updated');
    expect(h.fake.callsTo('chat.update').some((c) => c.args.ts === posted.ts && c.outcome === 'ok')).toBe(
      true,
    );

    // The same submit again: not added twice.
    const again = mark();
    await h.slack.submitView(view, {
      note: input.text('Carrier confirmed fibre cut, ETR 06:00'),
      visibility: input.select('INTERNAL'),
    });
    await viewUpdate(view, /already submitted/, again);
    expect(notes()).toHaveLength(1);
  });

  it('note: an empty note is refused on its field', async () => {
    const id = h.sims.equinix.seed();
    const view = await openedForm(h, `note eqx ${id}`, 'add_note');
    const sent = await h.slack.submitView(view, { note: input.text('   ') });
    expect(sent.json).toMatchObject({ response_action: 'errors', errors: { note: expect.any(String) } });
  });

  it('cancel: confirmed with the reason, cancelled once at Equinix, the case shown as cancelled', async () => {
    const id = h.sims.equinix.seed();
    const view = await openedForm(h, `cancel eqx ${id} Opened by mistake`, 'cancel_case');
    const started = mark();
    await h.slack.submitView(view, { reason: input.text('Opened by mistake') });
    const result = await viewUpdate(view, /Cancelled Equinix case/, started);
    expect(blockText((result.args.view as { blocks: unknown[] }).blocks)).toMatch(/Cancelled/);
    const cancels = h.sims.equinix.requests.filter((r) => r.path.endsWith(`/${id}/cancel`));
    expect(cancels).toHaveLength(1);
    expect(cancels[0]?.body).toContain('Opened by mistake');
  });

  it('cancel refused by the vendor (already cancelled): the vendor’s reason, in plain words', async () => {
    const id = h.sims.equinix.seed({ status: 'CANCELLED' });
    const view = await openedForm(h, `cancel eqx ${id}`, 'cancel_case');
    const started = mark();
    await h.slack.submitView(view, { reason: input.text('Duplicate') });
    const result = await viewUpdate(view, /Equinix (says|refused)/, started);
    expect(blockText((result.args.view as { blocks: unknown[] }).blocks)).not.toMatch(/Error:|at .*\.ts/);
  });
});
