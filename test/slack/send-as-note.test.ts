/**
 * The "Send to vendor as note" message shortcut over real HTTP: on a reply in a case card's thread it knows
 * the case, pre-fills the note with the message as plain text and a link back, sends it once however often
 * it is submitted, and confirms in the thread with a ✅; elsewhere it asks which case, pre-filled from the
 * message; a vendor whose API takes no notes is refused before any form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { input } from '../support/slack-client.js';
import { ALICE, BOB, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ref = (vendor: string, id: string) => JSON.stringify({ v: vendor, id });

/** A card posted in NOC through `/case show` and the card's "Post to channel" button. */
async function postedCard(vendor: string, id: string): Promise<FakeMessage> {
  const sent = await h.slack.command(`show ${vendor} ${id}`);
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const card = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
  await h.slack.pressOnMessage(
    { channel: NOC, ts: card.ts, ephemeral: true },
    { actionId: 'case.post', value: ref(vendor, id) },
  );
  const posted = await h.fake.waitFor(
    () => h.fake.messagesIn(NOC).find((m) => !m.user && blockText(m.blocks).includes(id)),
    'posted card',
  );
  // The card store remembers it (posting and remembering are one step in the app).
  for (let tries = 0; (await h.store.cardsFor(vendor, id)).length === 0; tries++) {
    if (tries > 100) throw new Error('the posted card was never remembered');
    await new Promise((r) => setTimeout(r, 20));
  }
  return posted;
}

interface ViewBlock {
  block_id?: string;
  element?: { initial_value?: string; initial_option?: { value: string } };
}

/** Runs the shortcut on `message` and waits for what the modal settles on (form or message). */
async function runShortcut(message: { text: string; ts: string; threadTs?: string }, user = ALICE) {
  const sent = await h.slack.messageShortcut('send_as_note', message, { user });
  expect(sent.status).toBe(200);
  const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
  expect(opened.outcome).toBe('ok');
  const stored = [...h.fake.views.values()].find((v) => v.triggerId === sent.triggerId)!;
  await h.fake.waitFor(
    () => (!blockText(stored.view.blocks).includes('One moment') ? true : undefined),
    'the modal filled in',
  );
  return stored;
}

const blocksOf = (view: { view: { blocks?: unknown } }) => (view.view.blocks ?? []) as ViewBlock[];
const initial = (view: { view: { blocks?: unknown } }, blockId: string) =>
  blocksOf(view).find((b) => b.block_id === blockId)?.element;

const notesTo = (id: string) =>
  h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${id}/notes`));

describe('message shortcut "Send to vendor as note"', () => {
  it('on a reply in a card thread: the pre-filled form, one note even when sent twice, the thread told and ✅', async () => {
    const id = h.sims.equinix.seed({ description: 'Cross-connect flapping' });
    const card = await postedCard('equinix', id);
    const replyTs = h.fake.addMessage({
      channel: NOC,
      user: BOB,
      threadTs: card.ts,
      text: 'Carrier says *fibre cut* near <https://maps.example.com/x|the river>, ask <@UALICE01> &amp; `ops`',
    });
    const message = {
      text: h.fake.messagesIn(NOC).find((m) => m.ts === replyTs)!.text!,
      ts: replyTs,
      threadTs: card.ts,
    };

    const form = await runShortcut(message);
    expect(form.view.callback_id).toBe('send_note');
    expect(blockText(form.view.blocks)).toContain(`Equinix case \`${id}\``);
    // The case is the card's: the form does not ask for it.
    expect(initial(form, 'case_id')).toBeUndefined();
    const note = initial(form, 'note')?.initial_value ?? '';
    expect(note).toContain(
      'Carrier says fibre cut near the river (https://maps.example.com/x), ask @Alice Ops & ops',
    );
    expect(note).toContain(
      `From Slack: https://caseops-fake.slack.com/archives/${NOC}/p${replyTs.replace('.', '')}`,
    );
    // Equinix notes have a visibility; the form asks it as the note form does.
    expect(initial(form, 'visibility')?.initial_option?.value).toBe('EXTERNAL');
    const snapshot = structuredClone(form);

    const submit = () =>
      h.slack.submitView(snapshot, { note: input.text(note), visibility: input.select('INTERNAL') });
    const [a, b] = await Promise.all([submit(), submit()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const reply = await h.fake.waitFor(
      () => h.fake.messagesIn(NOC).find((m) => m.threadTs === card.ts && !m.user),
      'the thread reply',
    );
    expect(reply.text).toBe(`Sent to Equinix as a note by <@${ALICE}>`);
    await h.fake.waitFor(
      () => (h.fake.messagesIn(NOC).find((m) => m.ts === replyTs)?.reactions ? true : undefined),
      'reaction',
    );
    expect(h.fake.messagesIn(NOC).find((m) => m.ts === replyTs)?.reactions).toEqual(['white_check_mark']);
    expect(notesTo(id)).toHaveLength(1);
    expect(notesTo(id)[0]?.body).toContain('fibre cut');
    expect(notesTo(id)[0]?.body).toContain('INTERNAL');

    // Bob runs the shortcut on the same message later: he is told, nothing is sent again.
    const again = await runShortcut(message, BOB);
    const from = h.fake.calls.length;
    await h.slack.submitView(
      again.id,
      { note: input.text('a second try'), visibility: input.select('EXTERNAL') },
      { user: BOB },
    );
    const told = await h.fake.waitFor(
      () => (blockText(h.fake.views.get(again.id)?.view.blocks).includes('already sent') ? true : undefined),
      'already sent',
    );
    expect(told).toBe(true);
    expect(notesTo(id)).toHaveLength(1);
    expect(h.fake.calls.slice(from).filter((c) => c.method === 'reactions.add')).toHaveLength(0);
    expect(h.fake.messagesIn(NOC).filter((m) => m.threadTs === card.ts && !m.user)).toHaveLength(1);
  });

  it('elsewhere: asks which case, pre-filled from "EQX <id>" in the text', async () => {
    const id = h.sims.equinix.seed();
    const ts = h.fake.addMessage({ channel: NOC, user: BOB, text: `optic swapped for EQX ${id}` });
    const form = await runShortcut({ text: `optic swapped for EQX ${id}`, ts });
    expect(form.view.callback_id).toBe('send_note');
    expect(initial(form, 'vendor')?.initial_option?.value).toBe('equinix');
    expect(initial(form, 'case_id')?.initial_value).toBe(id);
    await h.slack.submitView(form.id, {
      vendor: input.select('equinix'),
      case_id: input.text(id),
      note: input.text('optic swapped'),
      visibility: input.select('EXTERNAL'),
    });
    await h.fake.waitFor(() => (notesTo(id).length === 1 ? true : undefined), 'the note at Equinix');
    await h.fake.waitFor(
      () => h.fake.messagesIn(NOC).find((m) => m.threadTs === ts && m.text?.includes('Sent to Equinix')),
      'the reply under the message',
    );
  });

  it('on the card itself: the case is the card’s', async () => {
    const id = h.sims.equinix.seed();
    const card = await postedCard('equinix', id);
    const form = await runShortcut({ text: card.text ?? '', ts: card.ts });
    expect(form.view.callback_id).toBe('send_note');
    expect(blockText(form.view.blocks)).toContain(`Equinix case \`${id}\``);
    expect(initial(form, 'case_id')).toBeUndefined();
  });

  it('a vendor whose API takes no notes is refused with its reason before any form', async () => {
    const [id] = h.sims.cisco.seedMany(1);
    const card = await postedCard('cisco', id!);
    const ts = h.fake.addMessage({ channel: NOC, user: BOB, threadTs: card.ts, text: 'TAC asked for logs' });
    const from = h.fake.calls.length;
    const shown = await runShortcut({ text: 'TAC asked for logs', ts, threadTs: card.ts });
    expect(shown.view.callback_id).not.toBe('send_note');
    expect(blockText(shown.view.blocks)).toMatch(/Cisco does not allow .*notes/i);
    const forms = h.fake.calls
      .slice(from)
      .filter(
        (c) =>
          c.method.startsWith('views.') &&
          (c.args.view as { callback_id?: string }).callback_id === 'send_note',
      );
    expect(forms).toHaveLength(0);
  });
});
