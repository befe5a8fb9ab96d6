/**
 * The case as the vendor knows it, over real HTTP: the real Bolt app, the fake Slack, the real store and the
 * real adapters against the vendor simulators. Changes are made at the simulators (a TAC note, a new owner, a
 * severity change, status steps); the poller runs; what a person sees is read from the fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { ALICE, BOB, blockText, type Harness, startHarness } from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendors: ['cisco', 'equinix'], digests: true });
});
afterAll(async () => {
  await h?.stop();
});

let channels = 0;
/** A channel of its own per test, so one test's digest never holds another's changes. */
function newChannel(): string {
  channels += 1;
  const id = `CACT${String(channels).padStart(4, '0')}`;
  h.fake.channels.set(id, { id, name: `activity-${channels}`, members: [ALICE, BOB] });
  return id;
}

const ref = (vendor: string, id: string) => JSON.stringify({ v: vendor, id });

async function command(text: string, channel: string): Promise<string> {
  const sent = await h.slack.command(text, { channel });
  expect(sent.status).toBe(200);
  const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  return String(reply.body.text ?? blockText(reply.body.blocks));
}

async function watch(vendor: string, id: string, channel: string): Promise<void> {
  expect(await command(`watch ${vendor} ${id}`, channel)).toMatch(/watch/i);
}

/** `/case show`, then the card's "Post to channel" button: the card as posted in `channel`. */
async function postCard(vendor: string, id: string, channel: string): Promise<FakeMessage> {
  const sent = await h.slack.command(`show ${vendor} ${id}`, { channel });
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const ephemeral = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === channel).at(-1)!;
  await h.slack.pressOnMessage(
    { channel, ts: ephemeral.ts, ephemeral: true },
    { actionId: 'case.post', value: ref(vendor, id) },
  );
  return h.fake.waitFor(
    () => h.fake.messagesIn(channel).find((m) => !m.visibleTo && blockText(m.blocks).includes(id)),
    'posted card',
  );
}

/** `/case digest now` in `channel`; the digest messages it posted. */
async function digestNow(channel: string): Promise<{ answer: string; posted: string[] }> {
  const before = h.fake.messagesIn(channel).length;
  const answer = await command('digest now', channel);
  const posted = h.fake
    .messagesIn(channel)
    .slice(before)
    .map((m) => blockText(m.blocks))
    .filter((text) => text.includes('Case status digest'));
  return { answer, posted };
}

function ciscoCalls(from: number) {
  const calls = h.sims.cisco.requests.slice(from).filter((r) => r.path.startsWith('/case/v3/'));
  return {
    summaries: calls.filter((r) => r.path.includes('/cases/case_ids/')).length,
    details: calls.filter((r) => r.path.includes('/cases/details/')).length,
  };
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('case activity over HTTP', () => {
  it('a Cisco card posted in a channel keeps owner, notes and problem code across a polled status change', async () => {
    const channel = newChannel();
    const id = h.sims.cisco.seed({
      status: 'Cisco Pending',
      owner_name: 'Priya Raman',
      problem_code_name: 'Hardware Failure',
    });
    h.sims.cisco.addNote(id, { text: 'Line card swap scheduled for tonight.', author: 'Priya Raman' });
    await watch('cisco', id, channel);
    const card = await postCard('cisco', id, channel);
    for (const part of ['Priya Raman', 'Hardware Failure', 'Line card swap scheduled']) {
      expect(blockText(card.blocks)).toContain(part);
    }

    h.sims.cisco.advance(id, 'Customer Pending');
    const from = h.sims.cisco.requests.length;
    const report = await h.tracking!.tracker.pollOnce();
    expect(report.changes).toHaveLength(1);
    await h.fake.waitFor(
      () => (blockText(card.blocks).includes('Customer Pending') ? true : undefined),
      'card updated',
    );
    const shown = blockText(card.blocks);
    for (const part of [
      'Priya Raman',
      'Hardware Failure',
      'Line card swap scheduled',
      'Status changed to Customer Pending',
    ]) {
      expect(shown).toContain(part);
    }
    // The summary showed the change; the details were read once, for this one case.
    expect(ciscoCalls(from)).toEqual({ summaries: 1, details: 1 });
  });

  it('a sweep costs the bulk calls plus one detail call per changed case', async () => {
    const channel = newChannel();
    const ids = h.sims.cisco.seedMany(45, { status: 'Cisco Pending' });
    for (const id of ids) {
      await h.store.addWatch({ vendor: 'cisco', caseId: id, channelId: channel, createdBy: ALICE });
    }
    await h.tracking!.tracker.pollOnce(); // baselines
    const watchedNow = (await h.store.watchedCases()).filter((w) => w.vendor === 'cisco').length;

    h.sims.cisco.advance(ids[3]!, 'Customer Pending');
    h.sims.cisco.setOwner(ids[17]!, 'Marco Bianchi');
    h.sims.cisco.addNote(ids[40]!, { text: 'Logs received.' });
    const from = h.sims.cisco.requests.length;
    const report = await h.tracking!.tracker.pollOnce();
    expect(ciscoCalls(from)).toEqual({ summaries: Math.ceil(watchedNow / 30), details: 3 });
    expect(report.detailLookups).toBe(3);

    const from2 = h.sims.cisco.requests.length;
    await h.tracking!.tracker.pollOnce(); // nothing moved
    expect(ciscoCalls(from2)).toEqual({ summaries: Math.ceil(watchedNow / 30), details: 0 });
  });

  it('a TAC note added at the vendor appears in the channel’s next digest, once', async () => {
    const channel = newChannel();
    const id = h.sims.cisco.seed({ status: 'Cisco Pending', title: 'Packet loss across port-channel' });
    await watch('cisco', id, channel);
    h.sims.cisco.addNote(id, {
      text: 'Found CRC errors on Te0/1/2.\nPlease reseat the optic.',
      author: 'Aiko Tanaka',
    });
    await h.tracking!.tracker.pollOnce();

    const { posted } = await digestNow(channel);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('New note by Aiko Tanaka: “Found CRC errors on Te0/1/2.”');
    expect(posted[0]).not.toContain('Please reseat the optic');
    expect(occurrences(posted[0]!, `\`${id}\``)).toBe(1);

    await h.tracking!.tracker.pollOnce();
    const again = await digestNow(channel);
    expect(again.posted).toEqual([]);
    expect(again.answer).toMatch(/Nothing changed/);
  });

  it('an owner change and a severity change appear in the next digest, once', async () => {
    const channel = newChannel();
    const id = h.sims.cisco.seed({ status: 'Cisco Pending', owner_name: 'Josh Engineer', severity: '3' });
    await watch('cisco', id, channel);
    h.sims.cisco.setOwner(id, 'Marco Bianchi');
    h.sims.cisco.setSeverity(id, '1');
    await h.tracking!.tracker.pollOnce();

    const { posted } = await digestNow(channel);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Owner: Josh Engineer → *Marco Bianchi*');
    expect(posted[0]).toContain('Severity: Sev 3 → *Sev 1*');
    await h.tracking!.tracker.pollOnce();
    expect((await digestNow(channel)).posted).toEqual([]);
  });

  it('a case with three steps in one window is one digest entry showing the path', async () => {
    const channel = newChannel();
    const id = h.sims.cisco.seed({ status: 'Cisco Pending', title: '*x* _y_ ~z~ <@U123> <!channel>' });
    await watch('cisco', id, channel);
    for (const status of ['Customer Pending', 'Close Pending', 'Closed']) {
      h.sims.cisco.advance(id, status);
      await h.tracking!.tracker.pollOnce();
    }
    const { posted, answer } = await digestNow(channel);
    expect(answer).toMatch(/^Posted the digest/);
    expect(posted).toHaveLength(1);
    const digest = posted[0]!;
    expect(occurrences(digest, `\`${id}\``)).toBe(1);
    expect(digest).toContain('Waiting on vendor → Waiting on us → Resolved → *Closed*');
    expect(digest).toContain('(Cisco Pending → Customer Pending → Close Pending → Closed)');
    expect(digest).toContain('*Resolved and closed*');
    // The title as written, never read as formatting or a mention.
    expect(digest).toContain('`*x* _y_ ~z~ &lt;@U123&gt; &lt;!channel&gt;`');
    const raw = JSON.stringify(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel));
    expect(raw).not.toContain('<@U123>');
    expect(raw).not.toContain('<!channel>');
  });

  it('a note sent from Slack to an Equinix case is recorded with who sent it and shown in the digest', async () => {
    const channel = newChannel();
    const id = h.sims.equinix.seed({ description: 'Cross connect down' });
    await watch('equinix', id, channel);
    const answer = await command(`note equinix ${id} Tested the circuit end to end`, channel);
    expect(answer).not.toMatch(/could not|error/i);
    await h.fake.waitFor(
      async () => ((await h.store.getSnapshot('equinix', id))?.case.notes.length ? true : undefined),
      'note recorded',
    );
    expect((await h.store.getSnapshot('equinix', id))!.case.notes).toEqual([
      expect.objectContaining({ text: 'Tested the circuit end to end', source: 'slack', slackUserId: ALICE }),
    ]);
    const { posted } = await digestNow(channel);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`Note sent from Slack by <@${ALICE}>: “Tested the circuit end to end”`);
  });
  it('Equinix status history: each new entry is recorded once, shown on the card and in the digest', async () => {
    const channel = newChannel();
    const id = h.sims.equinix.seed({ description: 'Cage door badge reader offline' });
    await watch('equinix', id, channel);
    const card = await postCard('equinix', id, channel);
    // Two steps between polls: the poll sees only the last one, the vendor's record names both.
    h.sims.equinix.advance(id, 'IN_PROGRESS');
    h.sims.equinix.advance(id, 'ACTION_REQUIRED');
    await h.tracking!.tracker.pollOnce();

    const updated = await h.fake.waitFor(() => {
      const now = h.fake.messagesIn(channel).find((m) => m.ts === card.ts);
      return now && blockText(now.blocks).includes('Equinix record:') ? now : undefined;
    }, 'the card showing the status record');
    expect(blockText(updated.blocks)).toContain(
      'Equinix record: SUBMITTED just now → IN_PROGRESS just now → ACTION_REQUIRED just now',
    );

    // The card's thread tells the same steps once.
    await h.tracking!.threadReplies.runOnce(new AbortController().signal);
    const reply = await h.fake.waitFor(
      () =>
        h.fake.messages.find(
          (m) =>
            m.channel === channel &&
            m.threadTs === card.ts &&
            blockText(m.blocks).includes('Equinix record:'),
        ),
      'the thread reply',
    );
    expect(blockText(reply.blocks)).toContain('Equinix record: IN_PROGRESS → ACTION_REQUIRED');

    const { posted } = await digestNow(channel);
    expect(posted).toHaveLength(1);
    expect(occurrences(posted[0]!, 'IN_PROGRESS just now')).toBe(1);
    expect(posted[0]).toContain(
      ':clipboard: Equinix record: IN_PROGRESS just now → ACTION_REQUIRED just now',
    );

    // Seen again unchanged: nothing new is recorded or posted.
    await h.tracking!.tracker.pollOnce();
    expect((await digestNow(channel)).posted).toEqual([]);
    const events = await h.store.eventsForChannel(channel, 0, 10_000);
    const history = events.filter((e) => e.caseId === id && e.kind === 'history');
    expect(history.map((e) => e.entry?.status)).toEqual(['IN_PROGRESS', 'ACTION_REQUIRED']);
  });
});
