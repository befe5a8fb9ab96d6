/**
 * Every `/case` subcommand over real HTTP: signed like Slack, through the real Bolt app, answered on the
 * fake Slack (response_url posts and Web API calls are what the person sees), with the vendor simulators and
 * the real store behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorKey, writeKey } from '../../src/domain/idempotency.js';
import {
  ALICE,
  blockText,
  DM,
  type Harness,
  latestView,
  NOC,
  startHarness,
} from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Sends `/case <text>` and waits for the answer posted to its response_url. */
async function answerTo(text: string, options: { channel?: string } = {}) {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id);
  return { sent, reply, text: `${String(reply.body.text)}\n${blockText(reply.body.blocks)}` };
}

describe('/case help', () => {
  it('lists every subcommand with examples and what each configured vendor allows', async () => {
    const { reply, text } = await answerTo('help');
    expect(reply.outcome).toBe('ok');
    expect(reply.body.response_type).toBe('ephemeral');
    for (const usage of [
      '/case open [vendor]',
      '/case show &lt;vendor&gt; &lt;id&gt;',
      '/case watching',
      '/case list cisco',
    ]) {
      expect(text).toContain(usage);
    }
    expect(text).toContain('`/case show eqx 11150929`');
    expect(text).toMatch(/\*Equinix\* \(`equinix`, `eqx`\): open, look up, add notes, cancel/);
    expect(text).toMatch(/\*Cisco\* \(`cisco`, `csco`\): look up, list/);
    expect(text).toMatch(/\*Juniper\* \(`juniper`, `jnpr`\): open, look up/);
  });

  it('an empty /case is help too', async () => {
    const { text } = await answerTo('');
    expect(text).toContain('/case open [vendor]');
  });
});

describe('usage problems are answered at once in the ack, with the usage line', () => {
  it.each([
    ['frobnicate', /"frobnicate" is not a \/case subcommand/, /Usage: \/case help\|open/],
    ['show eqx', /Which case\?/, /Usage: \/case show &lt;vendor&gt; &lt;id&gt;/],
    ['show acme 1', /"acme" is not a vendor caseops knows/, /Usage: \/case show/],
  ])('"/case %s"', async (text, problem, usage) => {
    const sent = await h.slack.command(text);
    expect(sent.status).toBe(200);
    expect(sent.json?.response_type).toBe('ephemeral');
    expect(String(sent.json?.text)).toMatch(problem);
    expect(String(sent.json?.text)).toMatch(usage);
    expect(String(sent.json?.text)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('/case show', () => {
  it('shows the card only to the caller, with status, times in the viewer’s zone, and its buttons', async () => {
    const id = h.sims.equinix.seed({ description: 'Cross connect down between SV5 cages' });
    const { reply, text } = await answerTo(`get EQX ${id}`);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(text).toContain('Cross connect down between SV5 cages');
    expect(text).toContain(id);
    expect(text).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    const actions = JSON.stringify(reply.body.blocks);
    for (const action of ['case.note', 'case.cancel', 'case.refresh', 'case.watch', 'case.post'])
      expect(actions).toContain(action);
  });

  it('shows the card to a request that left out the channel and user names', async () => {
    const id = h.sims.equinix.seed({ description: 'Patch panel relabelled' });
    const sent = await h.slack.command(`show eqx ${id}`, { leaveOut: ['channel_name', 'user_name'] });
    expect(sent.status).toBe(200);
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    expect(blockText(reply.body.blocks)).toContain('Patch panel relabelled');
  });

  it('offers only what the vendor allows (Cisco is read-only)', async () => {
    const id = h.sims.cisco.seed();
    const { reply } = await answerTo(`show cisco ${id}`);
    const actions = JSON.stringify(reply.body.blocks);
    expect(actions).toContain('case.refresh');
    expect(actions).not.toContain('case.note');
    expect(actions).not.toContain('case.cancel');
  });

  it('words a malformed id with what ids look like, and the usage', async () => {
    const { text } = await answerTo('show eqx 12');
    expect(text).toMatch(/is not .*Equinix case id|8 digits/i);
    expect(text).toContain('Usage: `/case show &lt;vendor&gt; &lt;id&gt;`');
  });

  it('says when the vendor has no such case', async () => {
    const { text } = await answerTo('show eqx 19999999');
    expect(text).toContain('No Equinix case `19999999` was found.');
  });
});

describe('/case open', () => {
  it('opens the vendor’s form at once and fills it in (the caller is the default contact)', async () => {
    const sent = await h.slack.command('open eqx');
    expect(sent.status).toBe(200);
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    expect(opened.outcome).toBe('ok');
    const filled = await h.fake.waitForCall(
      'views.update',
      (c) => (c.args.view as { callback_id?: string }).callback_id === 'open_case' && c.at >= opened.at,
    );
    const view = filled.args.view as {
      blocks: Array<{ block_id?: string; element?: Record<string, unknown> }>;
      private_metadata: string;
    };
    expect(view.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([
      'code',
      'description',
      'primaryId',
      'secondaryId',
      'occurredAt',
      'notificationContacts',
      'technicalContacts',
    ]);
    expect(view.blocks.find((b) => b.block_id === 'notificationContacts')?.element?.initial_users).toEqual([
      ALICE,
    ]);
    // Technical contacts are whoever the caller names; nobody is put there for them.
    expect(
      view.blocks.find((b) => b.block_id === 'technicalContacts')?.element?.initial_users,
    ).toBeUndefined();
    expect(JSON.parse(view.private_metadata)).toMatchObject({
      kind: 'open',
      vendor: 'equinix',
      channel: NOC,
      attempt: 0,
    });
  });

  it('Motadata: the requester e-mail defaults to the caller’s', async () => {
    const sent = await h.slack.command('open motadata');
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const filled = await h.fake.waitForCall(
      'views.update',
      (c) => c.at >= opened.at && JSON.stringify(c.args.view).includes('requesterEmail'),
    );
    const blocks = (
      filled.args.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }
    ).blocks;
    expect(blocks.find((b) => b.block_id === 'requesterEmail')?.element?.initial_value).toBe(
      'alice@example.com',
    );
  });

  it('Juniper: the tracking number is pre-filled with a generated key', async () => {
    const sent = await h.slack.command('open jnpr');
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const filled = await h.fake.waitForCall(
      'views.update',
      (c) => c.at >= opened.at && JSON.stringify(c.args.view).includes('trackingNumber'),
    );
    const blocks = (
      filled.args.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }
    ).blocks;
    expect(blocks.find((b) => b.block_id === 'trackingNumber')?.element?.initial_value).toMatch(
      /^CO-\d{8}-[0-9A-F]{8}$/,
    );
  });

  it('without a vendor, asks which one first (only vendors that can open cases)', async () => {
    const sent = await h.slack.command('open');
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = opened.args.view as { callback_id: string };
    expect(view.callback_id).toBe('pick_vendor');
    const text = JSON.stringify(view);
    expect(text).toContain('"equinix"');
    expect(text).toContain('"juniper"');
    expect(text).toContain('"motadata"');
    expect(text).not.toContain('"cisco"');
  });

  it('refuses a vendor that cannot open cases, with its reason and the usage', async () => {
    const { text, sent } = await answerTo('open cisco');
    expect(text).toContain(
      "Cisco does not allow opening cases through its API: Cisco's Support Case API is read-only",
    );
    expect(text).toContain('Usage: `/case open [vendor]`');
    expect(h.fake.callsTo('views.open').some((c) => c.args.trigger_id === sent.triggerId)).toBe(false);
  });
});

describe('/case note', () => {
  it('adds the note at once when text is given', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`note eqx ${id} Field engineer on site &amp; optic replaced`);
    expect(text).toContain(`Note added to Equinix case \`${id}\``);
    const sent = h.sims.equinix.requests.filter((r) => r.path.endsWith(`/${id}/notes`));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toContain('Field engineer on site & optic replaced');
  });

  it('opens the note form when no text is given', async () => {
    const id = h.sims.equinix.seed();
    const sent = await h.slack.command(`note eqx ${id}`);
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('add_note');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ kind: 'note', vendor: 'equinix', id });
  });

  it.each([
    [
      'cisco 682299374 hello',
      /Cisco does not allow adding notes through its API: Cisco's Support Case API is read-only/,
    ],
    [
      'jnpr CO-20260101-AAAA hello',
      /Juniper does not allow adding notes through its API: Junos Space Service Now has no REST call/,
    ],
  ])('"/case note %s" says the vendor does not allow it, and the usage', async (args, reason) => {
    const { text } = await answerTo(`note ${args}`);
    expect(text).toMatch(reason);
    expect(text).toContain('Usage: `/case note &lt;vendor&gt; &lt;id&gt; [text]`');
  });
});

describe('/case cancel', () => {
  it('always asks for confirmation, with the reason pre-filled', async () => {
    const id = h.sims.equinix.seed();
    const sent = await h.slack.command(`cancel eqx ${id} Opened by mistake`);
    const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const view = opened.args.view as {
      callback_id: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string } }>;
    };
    expect(view.callback_id).toBe('cancel_case');
    expect(view.blocks.find((b) => b.block_id === 'reason')?.element?.initial_value).toBe(
      'Opened by mistake',
    );
    expect(h.sims.equinix.requests.some((r) => r.path.endsWith(`/${id}/cancel`))).toBe(false);
  });

  it('refuses for a vendor without cancel', async () => {
    const { text } = await answerTo('cancel jnpr CO-20260101-AAAA');
    expect(text).toMatch(/Juniper does not allow cancelling cases/);
    expect(text).toContain('Usage: `/case cancel');
  });
});

describe('/case list', () => {
  it('lists a contract’s cases a page at a time', async () => {
    h.sims.cisco.seedMany(23, { contractId: '55500001' });
    const { text, reply } = await answerTo('list cisco contract 55500001');
    expect(text).toContain('23 found, page 1 of 3');
    const blocks = JSON.stringify(reply.body.blocks);
    expect(blocks).toContain('list.page.next');
    expect(blocks).not.toContain('list.page.prev');
    expect((blocks.match(/case\.show/g) ?? []).length).toBe(10);
  });

  it('says so when nothing matches', async () => {
    const { text } = await answerTo('list cisco contract 55500999 open');
    expect(text).toContain('No cases found.');
  });

  it('refuses a vendor that cannot list, with its reason', async () => {
    const { text } = await answerTo('list eqx contract 1');
    expect(text).toMatch(/Equinix does not allow listing cases through its API/);
  });
});

describe('/case watch, unwatch, watching', () => {
  it('watches in this channel (persisted), lists it, and unwatches', async () => {
    const id = h.sims.equinix.seed({ description: 'Power feed B lost in cage 0207' });
    const watched = await answerTo(`watch eqx ${id}`);
    expect(watched.text).toContain(`Watching Equinix case \`${id}\` in this channel`);
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([
      expect.objectContaining({ channelId: NOC, createdBy: ALICE }),
    ]);

    const again = await answerTo(`watch eqx ${id}`);
    expect(again.text).toContain('already watches');

    const list = await answerTo('watching');
    expect(list.text).toContain(id);
    expect(list.text).toContain('Power feed B lost');

    const unwatched = await answerTo(`unwatch eqx ${id}`);
    expect(unwatched.text).toContain(`Stopped watching Equinix case \`${id}\``);
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([]);
    const gone = await answerTo(`unwatch eqx ${id}`);
    expect(gone.text).toContain('was not watching');
  });

  it('watches belong to channels: not in a DM', async () => {
    const { text } = await answerTo('watch eqx 11150929', { channel: DM });
    expect(text).toContain('Watches belong to channels');
  });
});

it('the open form the fake holds is the one the app filled (sanity of the harness)', async () => {
  const sent = await h.slack.command('open eqx');
  await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
  await h.fake.waitFor(
    () => (latestView(h.fake).view.callback_id === 'open_case' ? true : undefined),
    'form',
  );
});

it('in a DM, the card offers no Watch or Post (they belong to channels)', async () => {
  const id = h.sims.equinix.seed();
  const { reply } = await answerTo(`show eqx ${id}`, { channel: DM });
  const actions = JSON.stringify(reply.body.blocks);
  expect(actions).toContain('case.refresh');
  expect(actions).not.toContain('case.watch');
  expect(actions).not.toContain('case.post');
});

it('the same /case note delivered twice (same trigger id) adds the note once and says so', async () => {
  const id = h.sims.equinix.seed();
  const notes = () => h.sims.equinix.requests.filter((r) => r.path.endsWith(`/${id}/notes`));
  const first = await h.slack.command(`note eqx ${id} Optic swapped`);
  await h.fake.waitForResponse((r) => r.id === first.responseUrl?.split('/').at(-1));
  const again = await h.slack.command(`note eqx ${id} Optic swapped`, { triggerId: first.triggerId });
  const reply = await h.fake.waitForResponse((r) => r.id === again.responseUrl?.split('/').at(-1));
  expect(String(reply.body.text)).toContain('it was not added twice');
  expect(notes()).toHaveLength(1);
});

it('a /case note redelivered while its first delivery is unanswered (its process died) is answered, and nothing is sent', async () => {
  const id = h.sims.equinix.seed();
  const notes = () => h.sims.equinix.requests.filter((r) => r.path.endsWith(`/${id}/notes`));
  const triggerId = h.fake.issueTriggerId(ALICE);
  // What a process killed mid-write leaves behind: the write claimed, no outcome recorded.
  await h.store.beginWrite({
    key: writeKey('annotate', 'equinix', { kind: 'command', triggerId }),
    operation: 'annotate',
    vendor: 'equinix',
    caseId: id,
    vendorKey: vendorKey('annotate', 'equinix', { kind: 'command', triggerId }),
  });
  const again = await h.slack.command(`note eqx ${id} Optic swapped`, { triggerId });
  const reply = await h.fake.waitForResponse((r) => r.id === again.responseUrl?.split('/').at(-1));
  expect(String(reply.body.text)).toMatch(
    /already sent to Equinix and its answer is not known yet.*submit it again in 2 minutes: caseops then settles it with Equinix first and never sends it twice/,
  );
  expect(notes()).toHaveLength(0);
});
