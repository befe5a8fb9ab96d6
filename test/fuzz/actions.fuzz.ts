/**
 * Every block action caseops listens for, fed FUZZ_RUNS (10,000) generated presses each: button values and
 * selections of the right shape with hostile contents, not JSON, the wrong JSON, wrong types, missing
 * containers, channels, response URLs and views. Each press must be acked, answered with words naming the
 * problem (never the generic "something went wrong"), throw nothing, and reach no vendor with an id the
 * vendor's own adapter would refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS } from '../../src/slack/blocks/case-card.js';
import { SHOW_CASE_ACTION, WATCHING_UNWATCH_ACTION } from '../../src/slack/blocks/case-list.js';
import { HOME_OPEN_ACTION } from '../../src/slack/blocks/home.js';
import { PICK_VENDOR_ACTION, PICKER_CALLBACK_ID } from '../../src/slack/blocks/modals.js';
import { ALICE, NOC } from '../support/slack-harness.js';
import {
  type Answer,
  anyId,
  channelId,
  compact,
  FUZZ_RUNS,
  GENERIC_ANSWER,
  hostileText,
  jsonOrJunk,
  maybe,
  team,
  useFuzzHarness,
  userOf,
  vendorWord,
} from './support.js';

const fuzz = useFuzzHarness({ withCase: true });

const caseRef = fc.record({ v: vendorWord, id: maybe(anyId) }, { requiredKeys: [] });
const listRef = fc.record(
  {
    v: vendorWord,
    q: maybe(
      fc.record(
        {
          by: maybe(fc.constantFrom('contract', 'user', 'team')),
          ids: maybe(fc.array(anyId, { maxLength: 12 })),
          status: maybe(fc.constantFrom('open', 'closed', 'both')),
          from: maybe(fc.oneof(fc.constant('2026-01-01'), hostileText)),
          to: maybe(fc.oneof(fc.constant('2026-02-01'), hostileText)),
        },
        { requiredKeys: [] },
      ),
    ),
    p: maybe(fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.double())),
  },
  { requiredKeys: [] },
);
const pickerMeta = fc.record(
  {
    kind: maybe(fc.constantFrom('pick', 'open')),
    channel: channelId,
    source: maybe(hostileText),
    prefill: maybe(hostileText),
  },
  { requiredKeys: [] },
);

type Where = 'message' | 'ephemeral' | 'view' | 'home' | 'none';

interface Press {
  where: Where;
  channel: unknown;
  value: unknown;
  selected: unknown;
  metadata: unknown;
  withResponseUrl: boolean;
}

function pressArbitrary(value: fc.Arbitrary<unknown>, wheres: Where[]): fc.Arbitrary<Press> {
  return fc.record({
    where: fc.constantFrom(...wheres),
    channel: channelId,
    value,
    selected: maybe(vendorWord),
    metadata: jsonOrJunk(pickerMeta),
    withResponseUrl: fc.boolean(),
  });
}

/** The block_actions payload Slack would send for `press` on `actionId`. */
function payloadFor(actionId: string, press: Press): Record<string, unknown> {
  const { h } = fuzz();
  const channel = typeof press.channel === 'string' ? press.channel : undefined;
  const onMessage = press.where === 'message' || press.where === 'ephemeral';
  const messageTs = onMessage
    ? h.fake.addMessage({ channel: channel ?? NOC, text: 'a card', blocks: [] })
    : undefined;
  const inView = press.where === 'view' || press.where === 'home';
  const view = inView
    ? fuzz().openView({
        type: press.where === 'home' ? 'home' : 'modal',
        callback_id: PICKER_CALLBACK_ID,
        title: { type: 'plain_text', text: 'Open a vendor case' },
        private_metadata: press.metadata,
        blocks: [],
      })
    : undefined;
  const element =
    actionId === PICK_VENDOR_ACTION
      ? {
          type: 'static_select',
          selected_option: press.selected === undefined ? undefined : { value: press.selected },
        }
      : { type: 'button', value: press.value, text: { type: 'plain_text', text: 'button' } };
  return compact({
    type: 'block_actions',
    team,
    user: userOf(ALICE),
    api_app_id: 'ACASEOPS',
    token: 'legacy-verification-token',
    container: onMessage
      ? {
          type: 'message',
          message_ts: messageTs,
          channel_id: press.channel,
          is_ephemeral: press.where === 'ephemeral',
        }
      : inView
        ? { type: 'view', view_id: view?.id }
        : undefined,
    trigger_id: h.fake.issueTriggerId(ALICE),
    channel: onMessage && press.channel !== undefined ? { id: press.channel, name: 'noc' } : undefined,
    message:
      press.where === 'message' ? { type: 'message', ts: messageTs, text: 'a card', blocks: [] } : undefined,
    view: view
      ? {
          id: view.id,
          type: view.view.type,
          callback_id: view.view.callback_id,
          private_metadata: press.metadata,
          state: { values: {} },
          hash: view.hash,
        }
      : undefined,
    response_url: press.withResponseUrl
      ? h.fake.issueResponseUrl({ channel, messageTs, userId: ALICE })
      : undefined,
    actions: [{ ...element, action_id: actionId, block_id: 'b', action_ts: `${Date.now() / 1000}` }],
  });
}

function expectHandled(answer: Answer, options: { silentAllowed?: boolean } = {}): void {
  expect(answer.thrown).toBeUndefined();
  expect(answer.escaped).toEqual([]);
  expect(answer.ack).not.toBeNull();
  if (!options.silentAllowed) expect(answer.texts.length).toBeGreaterThan(0);
  for (const text of answer.texts) expect(text).not.toMatch(GENERIC_ANSWER);
}

const targets: Array<{ actionId: string; value: fc.Arbitrary<unknown>; wheres: Where[] }> = [
  {
    actionId: CASE_ACTIONS.note,
    value: jsonOrJunk(caseRef),
    wheres: ['message', 'ephemeral', 'view', 'none'],
  },
  {
    actionId: CASE_ACTIONS.cancel,
    value: jsonOrJunk(caseRef),
    wheres: ['message', 'ephemeral', 'view', 'none'],
  },
  { actionId: CASE_ACTIONS.refresh, value: jsonOrJunk(caseRef), wheres: ['message', 'ephemeral', 'none'] },
  { actionId: CASE_ACTIONS.watch, value: jsonOrJunk(caseRef), wheres: ['message', 'ephemeral', 'none'] },
  { actionId: CASE_ACTIONS.unwatch, value: jsonOrJunk(caseRef), wheres: ['message', 'ephemeral', 'none'] },
  { actionId: CASE_ACTIONS.post, value: jsonOrJunk(caseRef), wheres: ['message', 'ephemeral', 'none'] },
  {
    actionId: CASE_ACTIONS.notify,
    value: jsonOrJunk(caseRef),
    wheres: ['message', 'ephemeral', 'home', 'none'],
  },
  {
    actionId: CASE_ACTIONS.stopNotify,
    value: jsonOrJunk(caseRef),
    wheres: ['message', 'ephemeral', 'home', 'none'],
  },
  {
    actionId: SHOW_CASE_ACTION,
    value: jsonOrJunk(caseRef),
    wheres: ['message', 'ephemeral', 'home', 'view'],
  },
  { actionId: WATCHING_UNWATCH_ACTION, value: jsonOrJunk(caseRef), wheres: ['message', 'ephemeral', 'none'] },
  { actionId: 'list.page.next', value: jsonOrJunk(listRef), wheres: ['message', 'ephemeral', 'none'] },
  { actionId: PICK_VENDOR_ACTION, value: fc.constant(undefined), wheres: ['view', 'none'] },
  { actionId: HOME_OPEN_ACTION, value: maybe(hostileText), wheres: ['home', 'message', 'none'] },
];

describe(`block actions under ${FUZZ_RUNS} generated presses each`, () => {
  for (const target of targets) {
    it(`${target.actionId}: acked, answered in specific words, nothing escapes`, async () => {
      await fc.assert(
        fc.asyncProperty(pressArbitrary(target.value, target.wheres), async (press) => {
          expectHandled(await fuzz().deliver(payloadFor(target.actionId, press)));
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(fuzz().unvalidatedVendorRequests()).toEqual([]);
    });
  }

  it(`${CASE_ACTIONS.portal}: a link button is only acked, whatever it carries`, async () => {
    await fc.assert(
      fc.asyncProperty(
        pressArbitrary(jsonOrJunk(caseRef), ['message', 'ephemeral', 'none']),
        async (press) => {
          const answer = await fuzz().deliver(payloadFor(CASE_ACTIONS.portal, press));
          expectHandled(answer, { silentAllowed: true });
          expect(answer.texts).toEqual([]);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it.runIf(FUZZ_RUNS >= 2000)('reached every vendor (the id checks above were not vacuous)', () => {
    for (const sim of Object.values(fuzz().h.sims)) expect(sim.requests.length).toBeGreaterThan(0);
  });
});
