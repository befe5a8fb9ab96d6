/**
 * What the fuzzers (test/fuzz/*.fuzz.ts, `npm run test:faults`) found, each pinned down as a plain test that
 * runs in `npm test`: the input that broke a listener, and the answer the person now gets.
 */
import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS } from '../../src/slack/blocks/case-card.js';
import { CANCEL_CALLBACK_ID, NOTE_CALLBACK_ID, PICK_VENDOR_ACTION } from '../../src/slack/blocks/modals.js';
import { OPEN_CALLBACK_ID } from '../../src/slack/blocks/open-form.js';
import { ALICE, NOC } from '../support/slack-harness.js';
import { compact, type FuzzHarness, GENERIC_ANSWER, team, useFuzzHarness, userOf } from './support.js';

const fuzz = useFuzzHarness();

function submission(callbackId: string, metadata: string, values: unknown): Record<string, unknown> {
  const view = fuzz().openView({
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: 'Form' },
    submit: { type: 'plain_text', text: 'Submit' },
    private_metadata: metadata,
    blocks: [],
  });
  return compact({
    type: 'view_submission',
    team,
    user: userOf(ALICE),
    api_app_id: 'ACASEOPS',
    trigger_id: fuzz().h.fake.issueTriggerId(ALICE),
    view: {
      id: view.id,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: metadata,
      state: { values },
    },
  });
}

function press(actionId: string, extra: Record<string, unknown>, element: Record<string, unknown>) {
  return compact({
    type: 'block_actions',
    team,
    user: userOf(ALICE),
    api_app_id: 'ACASEOPS',
    trigger_id: fuzz().h.fake.issueTriggerId(ALICE),
    ...extra,
    actions: [{ ...element, action_id: actionId, block_id: 'b', action_ts: '1.0' }],
  });
}

function expectAnswered(answer: Awaited<ReturnType<FuzzHarness['deliver']>>, words: RegExp): void {
  expect(answer.thrown).toBeUndefined();
  expect(answer.escaped).toEqual([]);
  expect(answer.texts.join('\n')).toMatch(words);
  for (const text of answer.texts) expect(text).not.toMatch(GENERIC_ANSWER);
}

describe('modal submissions whose state is not what our form sent', () => {
  it.each([
    ['no values at all', null],
    ['values of the wrong type', 'subject'],
    ['a text input holding a number', { subject: { value: { type: 'plain_text_input', value: 42 } } }],
    ['a select holding a string', { impact: { value: { type: 'static_select', selected_option: 'LOW' } } }],
  ])('the open form with %s: field errors in the ack, no crash', async (_what, values) => {
    const answer = await fuzz().deliver(
      submission(OPEN_CALLBACK_ID, JSON.stringify({ kind: 'open', vendor: 'motadata', attempt: 0 }), values),
    );
    expectAnswered(answer, /Subject is required/);
    expect(answer.ack).toMatchObject({ response_action: 'errors' });
  });

  it.each([
    [
      NOTE_CALLBACK_ID,
      'note',
      { note: { value: { type: 'plain_text_input', value: ['a'] } } },
      /Write a note first/,
    ],
    [CANCEL_CALLBACK_ID, 'cancel', null, /Write a reason first/],
  ])('%s with a malformed state: the field error, no crash', async (callbackId, kind, values, words) => {
    const metadata = JSON.stringify({ kind, vendor: 'equinix', id: '11150929', attempt: 0 });
    const answer = await fuzz().deliver(submission(callbackId, metadata, values));
    expectAnswered(answer, words);
  });
});

describe('button presses that used to go unanswered', () => {
  it('Unwatch on an ephemeral card whose case cannot be looked up now: the person is still told', async () => {
    const ts = fuzz().h.fake.addMessage({ channel: NOC, text: 'a card', blocks: [], visibleTo: ALICE });
    await fuzz().h.store.addWatch({ vendor: 'cisco', caseId: '682299374', channelId: NOC, createdBy: ALICE });
    // Cisco answers "no such case", so the card cannot be refreshed to carry the line.
    const answer = await fuzz().deliver(
      press(
        CASE_ACTIONS.unwatch,
        { container: { type: 'message', message_ts: ts, channel_id: NOC, is_ephemeral: true } },
        { type: 'button', value: JSON.stringify({ v: 'cisco', id: '682299374' }) },
      ),
    );
    expectAnswered(answer, /Stopped watching Cisco case `682299374` in this channel/);
    expect(await fuzz().h.store.watchesOfCase('cisco', '682299374')).toEqual([]);
  });

  it('the vendor menu of the open form pressed without its form: told to start again', async () => {
    const answer = await fuzz().deliver(
      press(PICK_VENDOR_ACTION, {}, { type: 'static_select', selected_option: { value: 'equinix' } }),
    );
    expectAnswered(answer, /That form is gone\. Start again with `\/case open`/);
  });
});
