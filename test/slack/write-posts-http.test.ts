/**
 * Exactly once for the messages caseops posts on its own after a write, over real HTTP: the card posted in
 * the channel after an open, and the thread reply after "Send to vendor as note". Each carries Slack message
 * metadata naming the vendor, the case and the write's key; a repeat of the work (a redelivered submission,
 * a second run of the shortcut, a retry after Slack's answer was lost) reads the channel or thread back and
 * posts only what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKey } from '../../src/domain/idempotency.js';
import type { FakeMessage, FakeView } from '../../src/playground/fake-slack-api.js';
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

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendors: ['equinix'] });
});
afterAll(async () => {
  await h?.stop();
});

function equinixValues(): Record<string, StateValue> {
  return {
    code: input.text('0100-0200'),
    description: input.text('Cross connect CC-SV5-000777 down since 02:10 UTC, light levels zero'),
    primaryId: input.text('CC-SV5-000777'),
    secondaryId: input.text(null),
    severity: input.select('P3'),
    contactName: input.text('Alice Ops'),
    contactEmail: input.text('alice@example.com'),
    contactPhone: input.text(null),
    notificationContacts: input.users([ALICE]),
  };
}

const equinixCreates = () =>
  h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets');

type Tagged = FakeMessage & { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };
const tagged = (eventType: string, caseId: string) =>
  (h.fake.messages as Tagged[]).filter(
    (m) => m.metadata?.event_type === eventType && m.metadata.event_payload?.case_id === caseId,
  );

/** Submits the open form `view` and waits for the modal's result whose text matches; returns that text. */
async function submitOpen(view: FakeView, match: RegExp): Promise<string> {
  const from = h.fake.calls.length;
  const sent = await h.slack.submitView(view, equinixValues());
  expect(sent.status).toBe(200);
  const shown = await h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === view.id &&
      c.outcome === 'ok' &&
      h.fake.calls.indexOf(c) >= from &&
      match.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    8000,
  );
  return blockText((shown.args.view as { blocks: unknown[] }).blocks);
}

const openedId = (text: string) => /Equinix case `([^`]+)`/.exec(text)?.[1] ?? '';

describe('the card posted after an open', () => {
  it('is tagged with the vendor, the case and the write key; a redelivered submission posts no second card', async () => {
    const view = await openedForm(h, 'open eqx');
    const first = await submitOpen(view, /Opened Equinix case/);
    const caseId = openedId(first);
    expect(first).toContain(`Posted in <#${NOC}> and watched there`);
    const cards = tagged('caseops_card', caseId);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.metadata!.event_payload).toEqual({
      channel: NOC,
      vendor: 'equinix',
      case_id: caseId,
      write_key: writeKey('open', 'equinix', { kind: 'view', viewId: view.id, attempt: 0 }),
    });

    const again = await submitOpen(view, /already submitted/);
    expect(again).not.toContain('could not be posted');
    expect(tagged('caseops_card', caseId)).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it("Slack's answer to the card post lost, then the submission redelivered: the card is found, not posted again", async () => {
    const view = await openedForm(h, 'open eqx');
    const creates = equinixCreates().length;
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    const first = await submitOpen(view, /Opened Equinix case/);
    const caseId = openedId(first);
    // Slack has the card, but caseops never heard so.
    expect(first).toContain('could not be posted or watched');
    expect(tagged('caseops_card', caseId)).toHaveLength(1);

    const again = await submitOpen(view, /already submitted/);
    expect(again).toContain(`Posted in <#${NOC}> and watched there`);
    const cards = tagged('caseops_card', caseId);
    expect(cards).toHaveLength(1);
    expect(equinixCreates()).toHaveLength(creates + 1);
    // Found by reading the channel back with its metadata, and then remembered and watched as if posted.
    expect(h.fake.callsTo('conversations.history').at(-1)?.args.include_all_metadata).toBe('true');
    expect(await h.store.cardsFor('equinix', caseId)).toEqual([
      expect.objectContaining({ channelId: NOC, ts: cards[0]!.ts }),
    ]);
    expect(await h.store.watchesOfCase('equinix', caseId)).toEqual([
      expect.objectContaining({ channelId: NOC }),
    ]);
  });

  it('Slack refusing the card post leaves no record: the next attempt posts it', async () => {
    const view = await openedForm(h, 'open eqx');
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'msg_too_long' });
    const first = await submitOpen(view, /Opened Equinix case/);
    const caseId = openedId(first);
    expect(first).toContain('could not be posted or watched');
    expect(tagged('caseops_card', caseId)).toHaveLength(0);

    const again = await submitOpen(view, /already submitted/);
    expect(again).toContain(`Posted in <#${NOC}> and watched there`);
    expect(tagged('caseops_card', caseId)).toHaveLength(1);
  });
});

describe('the thread reply after "Send to vendor as note"', () => {
  /** A card of an Equinix case in NOC (opened from the channel) and a reply in its thread. */
  async function cardWithReply() {
    const view = await openedForm(h, 'open eqx');
    const caseId = openedId(await submitOpen(view, /Opened Equinix case/));
    const card = tagged('caseops_card', caseId)[0]!;
    const text = 'Carrier confirms the fibre cut near the river';
    const ts = h.fake.addMessage({ channel: NOC, user: BOB, threadTs: card.ts, text });
    return { caseId, card, message: { text, ts, threadTs: card.ts } };
  }

  async function sendAsNote(message: { text: string; ts: string; threadTs: string }, user: string) {
    const sent = await h.slack.messageShortcut('send_as_note', message, { user });
    expect(sent.status).toBe(200);
    await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
    const form = await h.fake.waitFor(() => {
      const v = [...h.fake.views.values()].find((x) => x.triggerId === sent.triggerId);
      return v?.view.callback_id === 'send_note' ? v : undefined;
    }, 'the note form');
    await h.slack.submitView(
      form.id,
      { note: input.text(message.text), visibility: input.select('INTERNAL') },
      { user },
    );
    return h.fake.waitFor(() => {
      const shown = blockText(h.fake.views.get(form.id)?.view.blocks);
      return /Sent to Equinix|already sent/.test(shown) ? shown : undefined;
    }, 'the note result');
  }

  const threadReplies = async (caseId: string, count: number) => {
    await h.fake.waitFor(
      () => (tagged('caseops_note_sent', caseId).length >= count ? true : undefined),
      'the thread reply',
    );
    return tagged('caseops_note_sent', caseId);
  };

  it('the shortcut run twice on the same message: one note, one reply, tagged with the write key', async () => {
    const { caseId, card, message } = await cardWithReply();
    expect(await sendAsNote(message, ALICE)).toContain('Sent to Equinix');
    const replies = await threadReplies(caseId, 1);
    expect(replies[0]!.threadTs).toBe(card.ts);
    expect(replies[0]!.metadata!.event_payload).toEqual({
      channel: NOC,
      vendor: 'equinix',
      case_id: caseId,
      write_key: writeKey('annotate', 'equinix', { kind: 'message', channelId: NOC, ts: message.ts }),
    });

    expect(await sendAsNote(message, BOB)).toContain('already sent');
    expect(tagged('caseops_note_sent', caseId)).toHaveLength(1);
  });

  it("the reply's answer lost, then the shortcut run again: the reply is found in the thread, not posted twice", async () => {
    const { caseId, message } = await cardWithReply();
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    expect(await sendAsNote(message, ALICE)).toContain('Sent to Equinix');
    await threadReplies(caseId, 1);

    const reads = h.fake.callsTo('conversations.replies').length;
    expect(await sendAsNote(message, BOB)).toContain('already sent');
    await h.fake.waitFor(
      () => (h.fake.callsTo('conversations.replies').length > reads ? true : undefined),
      'the thread read back',
    );
    expect(h.fake.callsTo('conversations.replies').at(-1)?.args.include_all_metadata).toBe('true');
    expect(tagged('caseops_note_sent', caseId)).toHaveLength(1);
  });
});
