/**
 * The access policy over real HTTP: a policy file (YAML in a temp folder, loaded as CASEOPS_POLICY is) with
 * rules by user, by Slack user group (served by the fake Web API), by channel and a severity cap. For each
 * action one allowed and one denied attempt; a denial shows the exact words (the rule, where it is written,
 * who may instead) and the vendor simulator receives no write.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy-file.js';
import { input, type StateValue } from '../support/slack-client.js';
import {
  ALICE,
  BOB,
  blockText,
  type Harness,
  NOC,
  openedForm,
  startHarness,
} from '../support/slack-harness.js';

/** A second channel caseops is in, where the channel rules do not allow watching or digest settings. */
const LAB = 'CLAB0001';
const ONCALL = 'S0ONCALL1';

const POLICY = `version: 1
defaults:
  annotate:
    - name: on-call adds notes
      groups: [${ONCALL}]
  cancel:
    - name: the NOC lead cancels
      users: [${BOB}]
  watch:
    - name: watching from the NOC channel
      channels: [${NOC}]
  digest:
    - name: digest settings in the NOC channel
      channels: [${NOC}]
  audit:
    - name: on-call reads the trail
      groups: [${ONCALL}]
vendors:
  juniper:
    open:
      - name: on-call opens any priority at JTAC
        groups: [${ONCALL}]
      - name: everyone up to 2 - High
        anyone: true
        maxSeverity: "2 - High"
  equinix:
    open:
      - name: the NOC lead orders at Equinix
        users: [${BOB}]
`;

/** The 1-based line of the first line containing `text` after the line containing `after`. */
function lineOf(text: string, after?: string): number {
  const lines = POLICY.split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const index = lines.findIndex((l, i) => i >= from && l.includes(text));
  if (index < 0) throw new Error(`"${text}" is not in the policy`);
  return index + 1;
}

let dir: string;
let h: Harness;

async function startWithPolicy(): Promise<Harness> {
  const harness = await startHarness({
    vendors: ['equinix', 'juniper'],
    policy: loadPolicy(join(dir, 'policy.yaml')),
    userGroups: [{ id: ONCALL, handle: 'oncall', users: [ALICE] }],
    digests: true,
  });
  harness.fake.channels.set(LAB, { id: LAB, name: 'lab', members: [ALICE, BOB] });
  return harness;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caseops-policy-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  h = await startWithPolicy();
});
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `/case <text>` and returns the text of the answer posted to its response_url. */
async function answerTo(text: string, options: { user?: string; channel?: string } = {}) {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id);
  return { sent, reply, text: String(reply.body.text) };
}

const equinixWrites = (kind: 'notes' | 'cancel' | 'create') =>
  h.sims.equinix.requests.filter((r) =>
    kind === 'create'
      ? r.method === 'POST' && r.path === '/support/v2/tickets'
      : r.method === 'POST' && r.path.endsWith(`/${kind}`),
  );
const juniperSubmits = () =>
  h.sims.juniper.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/submitCase'));
const viewsOpenedBy = (triggerId: string | undefined) =>
  h.fake.callsTo('views.open').filter((c) => c.args.trigger_id === triggerId);

function viewUpdate(viewId: string, match: RegExp) {
  return h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === viewId &&
      c.outcome === 'ok' &&
      match.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    8000,
  );
}

describe('note (annotate): by user group', () => {
  it('allowed: a member of the on-call group adds the note', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`note eqx ${id} Optics replaced`, { user: ALICE });
    expect(text).toBe(`:memo: Note added to Equinix case \`${id}\`.`);
    expect(equinixWrites('notes').filter((r) => r.path.includes(id))).toHaveLength(1);
  });

  it('denied: someone outside the group is told the rule and who may; nothing reaches Equinix', async () => {
    const id = h.sims.equinix.seed();
    const before = equinixWrites('notes').length;
    const { text } = await answerTo(`note eqx ${id} Optics replaced`, { user: BOB });
    expect(text).toBe(
      `:no_entry: You may not add notes to Equinix cases: rule "defaults.annotate" (policy.yaml line ${lineOf('  annotate:')}) allows only members of <!subteam^${ONCALL}>.`,
    );
    expect(equinixWrites('notes')).toHaveLength(before);
  });

  it('denied before the form opens: `/case note` without text opens no form for them', async () => {
    const id = h.sims.equinix.seed();
    const { sent, text } = await answerTo(`note eqx ${id}`, { user: BOB });
    expect(text).toMatch(/^:no_entry: You may not add notes to Equinix cases: rule "defaults.annotate"/);
    expect(viewsOpenedBy(sent.triggerId)).toEqual([]);
  });
});

describe('cancel: by user', () => {
  it('allowed: the NOC lead confirms in the form and Equinix cancels once', async () => {
    const id = h.sims.equinix.seed();
    const view = await openedForm(h, `cancel eqx ${id} Opened by mistake`, 'cancel_case', BOB);
    await h.slack.submitView(view, { reason: input.text('Opened by mistake') }, { user: BOB });
    await viewUpdate(view.id, /Cancelled Equinix case/);
    expect(equinixWrites('cancel').filter((r) => r.path.includes(id))).toHaveLength(1);
  });

  it('denied: anyone else is answered at once, no form opens and nothing reaches Equinix', async () => {
    const id = h.sims.equinix.seed();
    const before = equinixWrites('cancel').length;
    const { sent, text } = await answerTo(`cancel eqx ${id} Opened by mistake`, { user: ALICE });
    expect(text).toBe(
      `:no_entry: You may not cancel Equinix cases: rule "defaults.cancel" (policy.yaml line ${lineOf('  cancel:')}) allows only <@${BOB}>.`,
    );
    expect(viewsOpenedBy(sent.triggerId)).toEqual([]);
    expect(equinixWrites('cancel')).toHaveLength(before);
  });

  it('a cancel form submitted by someone the policy refuses: an error view, not the form again', async () => {
    // The case service's own check is the authoritative one: a form opened by the lead, sent by someone else.
    const id = h.sims.equinix.seed();
    const view = await openedForm(h, `cancel eqx ${id}`, 'cancel_case', BOB);
    const before = equinixWrites('cancel').length;
    const sent = await h.slack.submitView(view, { reason: input.text('Duplicate') }, { user: ALICE });
    expect(sent.json?.response_action).toBe('update');
    const shown = await viewUpdate(view.id, /You may not cancel Equinix cases/);
    const shownView = shown.args.view as { blocks: unknown[]; submit?: unknown };
    expect(blockText(shownView.blocks)).toContain(`allows only <@${BOB}>`);
    expect(shownView.submit).toBeUndefined();
    expect(equinixWrites('cancel')).toHaveLength(before);
  });
});

describe('watch: by channel', () => {
  it('allowed in the NOC channel', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`watch eqx ${id}`, { user: BOB, channel: NOC });
    expect(text).toContain(`Watching Equinix case \`${id}\` in this channel`);
    expect((await h.store.watchesOfCase('equinix', id)).map((w) => w.channelId)).toEqual([NOC]);
  });

  it('denied in another channel, with the channel that would do', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`watch eqx ${id}`, { user: ALICE, channel: LAB });
    expect(text).toBe(
      `:no_entry: You may not watch Equinix cases: rule "defaults.watch" (policy.yaml line ${lineOf('  watch:')}) allows only anyone in <#${NOC}>.`,
    );
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([]);
  });
});

describe('digest settings: by channel', () => {
  it('allowed in the NOC channel: the schedule is saved', async () => {
    const { text } = await answerTo('digest daily 09:00 UTC', { user: BOB, channel: NOC });
    expect(text).toMatch(/^Digest schedule set\. \*Digest:\* `daily 09:00` in UTC\./);
    expect(await h.store.getDigestSettings(NOC)).toMatchObject({ cron: '0 9 * * *', timezone: 'UTC' });
  });

  const digestDenial = () =>
    `:no_entry: You may not change digest settings: rule "defaults.digest" (policy.yaml line ${lineOf('  digest:')}) allows only anyone in <#${NOC}>.`;

  it('denied elsewhere: the schedule, `empty` and `now` are refused and nothing is saved or posted', async () => {
    const posted = h.fake.callsTo('chat.postMessage').length;
    for (const command of ['digest weekdays 17:30', 'digest empty on', 'digest now']) {
      const { text } = await answerTo(command, { user: ALICE, channel: LAB });
      expect(text).toBe(digestDenial());
    }
    expect(await h.store.getDigestSettings(LAB)).toBeUndefined();
    expect(h.fake.callsTo('chat.postMessage').length).toBe(posted);
  });

  it('showing the settings changes nothing, so it is allowed anywhere', async () => {
    const { text } = await answerTo('digest', { user: ALICE, channel: LAB });
    expect(text).toContain('*Digest:*');
    expect(text).not.toContain(':no_entry:');
  });
});

describe('audit trail: by user group', () => {
  it('allowed for on-call: the trail of the case', async () => {
    const id = h.sims.equinix.seed();
    await answerTo(`note eqx ${id} Field engineer on site`, { user: ALICE });
    const { reply } = await answerTo(`audit eqx ${id}`, { user: ALICE });
    expect(blockText(reply.body.blocks)).toContain('*Added a note* · :white_check_mark: done');
  });

  it('denied to others, with who may', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`audit eqx ${id}`, { user: BOB });
    expect(text).toBe(
      `:no_entry: You may not see the audit trail of Equinix cases: rule "defaults.audit" (policy.yaml line ${lineOf('  audit:')}) allows only members of <!subteam^${ONCALL}>.`,
    );
  });
});

describe('open: by user at Equinix', () => {
  function equinixValues(contact: string): Record<string, StateValue> {
    return {
      code: input.text('0100-0200'),
      description: input.text('Cross connect CC-SV5-000777 down since 02:10 UTC'),
      primaryId: input.text('CC-SV5-000777'),
      secondaryId: input.text(null),
      occurredAt: input.datetime(null),
      notificationContacts: input.users([contact]),
    };
  }
  const equinixDenial = () =>
    `:no_entry: You may not open Equinix cases: rule "vendors.equinix.open" (policy.yaml line ${lineOf('    open:', '  equinix:')}) allows only <@${BOB}>.`;

  it('allowed: the NOC lead opens the form and the case', async () => {
    const before = equinixWrites('create').length;
    const view = await openedForm(h, 'open eqx', 'open_case', BOB);
    const sent = await h.slack.submitView(view, equinixValues(BOB), { user: BOB });
    expect(sent.json?.response_action).toBe('update');
    await viewUpdate(view.id, /Opened Equinix case/);
    expect(equinixWrites('create')).toHaveLength(before + 1);
  });

  it('denied at `/case open eqx`: answered at once, no form opens', async () => {
    const { sent, text } = await answerTo('open eqx', { user: ALICE });
    expect(text).toBe(equinixDenial());
    expect(viewsOpenedBy(sent.triggerId)).toEqual([]);
  });

  it('denied on submit of a form reached through the vendor picker: the form becomes the refusal', async () => {
    const sent = await h.slack.command('open', { user: ALICE });
    const picker = await h.fake.waitFor(
      () => [...h.fake.views.values()].find((v) => v.triggerId === sent.triggerId),
      'picker',
    );
    await h.slack.pressInView(
      { id: picker.id, callback_id: 'pick_vendor', private_metadata: String(picker.view.private_metadata) },
      { actionId: 'vendor.pick', selected: 'equinix' },
      { user: ALICE },
    );
    const form = await h.fake.waitFor(() => {
      const current = h.fake.views.get(picker.id);
      return current?.view.callback_id === 'open_case' ? structuredClone(current) : undefined;
    }, 'the Equinix form');
    const before = equinixWrites('create').length;
    const submitted = await h.slack.submitView(form, equinixValues(ALICE), { user: ALICE });
    expect(submitted.json?.response_action).toBe('update');
    const shown = submitted.json?.view as { blocks: unknown[]; submit?: unknown };
    expect(blockText(shown.blocks)).toBe(equinixDenial());
    expect(shown.submit).toBeUndefined();
    expect(equinixWrites('create')).toHaveLength(before);
  });
});

describe('open: a severity cap at Juniper', () => {
  function juniperValues(priority: string, tracking: string): Record<string, StateValue> {
    return {
      incidentId: input.text(h.sims.juniper.seed()),
      priority: input.select(priority),
      followUpMethod: input.select('Email Full Text Update'),
      synopsis: input.text('FPC 3 offline on mx-ams-01'),
      comments: input.text(null),
      ccEmails: input.text(null),
      trackingNumber: input.text(tracking),
    };
  }

  it('denied above the cap: the reason on the priority field, in plain words; nothing submitted', async () => {
    const view = await openedForm(h, 'open jnpr', 'open_case', BOB);
    const before = juniperSubmits().length;
    const sent = await h.slack.submitView(view, juniperValues('1 - Critical', 'CO-20260301-POLICY01'), {
      user: BOB,
    });
    expect(sent.json).toEqual({
      response_action: 'errors',
      errors: {
        priority: `You may open cases at Juniper up to priority 2 - High, not priority 1 - Critical: rule "everyone up to 2 - High" (policy.yaml line ${lineOf('- name: everyone up to 2 - High')}) caps you there. A priority 1 - Critical case may be opened by members of group ${ONCALL}.`,
      },
    });
    expect(juniperSubmits()).toHaveLength(before);
  });

  it('allowed within the cap: the same person opens a 3 - Medium case', async () => {
    const view = await openedForm(h, 'open jnpr', 'open_case', BOB);
    const before = juniperSubmits().length;
    await h.slack.submitView(view, juniperValues('3 - Medium', 'CO-20260301-POLICY02'), { user: BOB });
    await viewUpdate(view.id, /Opened Juniper case `CO-20260301-POLICY02`/);
    expect(juniperSubmits()).toHaveLength(before + 1);
  });

  it('allowed above the cap for on-call (by group)', async () => {
    const view = await openedForm(h, 'open jnpr', 'open_case', ALICE);
    const before = juniperSubmits().length;
    await h.slack.submitView(view, juniperValues('1 - Critical', 'CO-20260301-POLICY03'), { user: ALICE });
    await viewUpdate(view.id, /Opened Juniper case `CO-20260301-POLICY03`/);
    expect(juniperSubmits()).toHaveLength(before + 1);
  });
});

describe('user groups', () => {
  it('are read from Slack once and then cached', () => {
    const lookups = h.fake.callsTo('usergroups.users.list');
    expect(lookups.length).toBe(1);
    expect(lookups[0]?.args.usergroup).toBe(ONCALL);
  });
});

describe('when Slack cannot say who is in a group', () => {
  let fresh: Harness;
  beforeAll(async () => {
    fresh = await startWithPolicy();
  });
  afterAll(async () => {
    await fresh?.stop();
  });

  it('the person is told it cannot be checked now, and nothing is written', async () => {
    const id = fresh.sims.equinix.seed();
    fresh.fake.failNext('usergroups.users.list', { kind: 'error', error: 'fatal_error' });
    const sent = await fresh.slack.command(`note eqx ${id} Optics replaced`, { user: BOB });
    const reply = await fresh.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(reply.body.text).toBe(
      `caseops could not check membership of user group ${ONCALL} with Slack just now, so it cannot tell whether you may do this. Try again in a minute.`,
    );
    expect(fresh.sims.equinix.requests.filter((r) => r.path.endsWith('/notes'))).toEqual([]);
  });
});
