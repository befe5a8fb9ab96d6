/**
 * Every modal submission caseops listens for (the open form of each vendor, the note form, the cancel form),
 * fed FUZZ_RUNS (10,000) generated submissions each: private metadata that is valid, tampered, not JSON or
 * of the wrong types; input values of the right shape with hostile text, huge strings, unicode, wrong types
 * and missing blocks. Each submission must be acked (field errors, or an updated modal followed by the
 * outcome), answered in specific words, throw nothing, and reach no vendor with an id its adapter refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANCEL_CALLBACK_ID, NOTE_CALLBACK_ID } from '../../src/slack/blocks/modals.js';
import { OPEN_CALLBACK_ID, type OpenVendor, openFormFields } from '../../src/slack/blocks/open-form.js';
import { ALICE, BOB, NO_EMAIL } from '../support/slack-harness.js';
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
  mostly,
  team,
  useFuzzHarness,
  userOf,
  vendorWord,
  wrongType,
} from './support.js';

const fuzz = useFuzzHarness({ withCase: true });

const attempt = mostly(fc.integer({ min: 0, max: 3 }), maybe(fc.integer({ min: -10, max: 5000 })));

/** A value each field accepts, so a share of the submissions passes every check and reaches the vendor. */
const VALID_TEXT: Record<string, fc.Arbitrary<string>> = {
  code: fc.constantFrom('0100-0200', '0100-0300'),
  description: fc.constantFrom('Cross connect down since 02:10 UTC', 'Optics flapping'),
  primaryId: fc.constantFrom('CC-SV5-000777', 'AM1:01:000123'),
  secondaryId: fc.constantFrom('PP-2', 'rack 4'),
  incidentId: fc.constantFrom('1', '2', '3', '999999'),
  synopsis: fc.constantFrom('Link down on core-1', 'PSU failure'),
  comments: fc.constantFrom('Seen since 02:10', 'RMA wanted'),
  ccEmails: fc.constantFrom('noc@example.com', 'noc@example.com, oncall@example.com'),
  trackingNumber: fc.stringMatching(/^CO-[A-Z0-9]{10}$/),
  subject: fc.constantFrom('Core switch down', 'VPN flapping'),
  requesterEmail: fc.constantFrom('noc@example.com'),
  tags: fc.constantFrom('network, sv5', 'core'),
  note: fc.constantFrom('Optic swapped, link up', 'Waiting for the field engineer'),
  reason: fc.constantFrom('Opened by mistake', 'Fixed on our side'),
};
const VALID_CHOICE: Record<string, fc.Arbitrary<string>> = {
  priority: fc.constantFrom('1 - Critical', '4 - Low', 'LOW', 'URGENT'),
  followUpMethod: fc.constantFrom('Phone Call', 'Email Full Text Update'),
  impact: fc.constantFrom('LOW', 'ONBUSINESS'),
  urgency: fc.constantFrom('LOW', 'HIGH'),
  visibility: fc.constantFrom('INTERNAL', 'EXTERNAL'),
};

function fieldText(key: string, validWeight = 3): fc.Arbitrary<string> {
  const valid = VALID_TEXT[key] ?? VALID_CHOICE[key];
  return valid
    ? fc.oneof({ weight: validWeight, arbitrary: valid }, { weight: 1, arbitrary: hostileText })
    : hostileText;
}

/** A form filled in properly, bar now and then one hostile value: these reach the vendor. */
function wellFilled(blocks: Record<string, string>): fc.Arbitrary<unknown> {
  const entries = Object.fromEntries(
    Object.entries(blocks).map(([key, kind]) => {
      const value =
        kind === 'select'
          ? fc.record({
              type: fc.constant('static_select'),
              selected_option: fc.record({ value: fieldText(key, 40) }),
            })
          : kind === 'users'
            ? fc.constant({ type: 'multi_users_select', selected_users: [ALICE] })
            : kind === 'datetime'
              ? fc.constant({ type: 'datetimepicker', selected_date_time: null })
              : fc.record({ type: fc.constant('plain_text_input'), value: fieldText(key, 40) });
      return [key, value.map((element) => ({ value: element }))];
    }),
  );
  return fc.record(entries);
}

/** One input block's state as Slack sends it, for field `key` of element `kind`, or something malformed. */
function elementState(key: string, kind: string): fc.Arbitrary<unknown> {
  const good: fc.Arbitrary<unknown> = (() => {
    switch (kind) {
      case 'select':
        return fc.record({
          type: fc.constant('static_select'),
          selected_option: fc.oneof(
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 8, arbitrary: fc.record({ value: maybe(fieldText(key)) }) },
          ),
        });
      case 'users':
        return fc.record({
          type: fc.constant('multi_users_select'),
          selected_users: maybe(
            fc.oneof(
              { weight: 4, arbitrary: fc.constant([ALICE]) },
              {
                weight: 1,
                arbitrary: fc.array(
                  fc.oneof(fc.constantFrom(ALICE, BOB, NO_EMAIL, 'UGHOST01'), hostileText),
                  {
                    maxLength: 7,
                  },
                ),
              },
            ),
          ),
        });
      case 'datetime':
        return fc.record({
          type: fc.constant('datetimepicker'),
          selected_date_time: fc.oneof(
            fc.constant(null),
            fc.constant(Math.floor(Date.now() / 1000) - 3600),
            fc.integer({ min: 0, max: 2 ** 40 }),
            wrongType,
          ),
        });
      case 'email':
        return fc.record({
          type: fc.constant('email_text_input'),
          value: fc.oneof(
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 8, arbitrary: fieldText(key) },
          ),
        });
      default:
        return fc.record({
          type: fc.constant('plain_text_input'),
          value: fc.oneof(
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 8, arbitrary: fieldText(key) },
          ),
        });
    }
  })();
  return fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: wrongType });
}

/** view.state.values for the given input blocks (block id → element kind), each block maybe missing. */
function stateValues(blocks: Record<string, string>): fc.Arbitrary<unknown> {
  const entries = Object.fromEntries(
    Object.entries(blocks).map(([blockId, kind]) => [
      blockId,
      fc.oneof(
        { weight: 20, arbitrary: elementState(blockId, kind).map((value) => ({ value })) },
        { weight: 1, arbitrary: fc.dictionary(hostileText, elementState(blockId, kind), { maxKeys: 2 }) },
        { weight: 1, arbitrary: wrongType },
      ),
    ]),
  );
  return fc.oneof(
    { weight: 15, arbitrary: wellFilled(blocks) },
    { weight: 30, arbitrary: fc.record(entries, { requiredKeys: Object.keys(blocks) }) },
    { weight: 3, arbitrary: fc.record(entries, { requiredKeys: [] }) },
    { weight: 1, arbitrary: wrongType },
  );
}

function submission(callbackId: string, metadata: unknown, values: unknown): Record<string, unknown> {
  const view = fuzz().openView({
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: 'Form' },
    submit: { type: 'plain_text', text: 'Submit' },
    private_metadata: typeof metadata === 'string' ? metadata : '',
    blocks: [],
  });
  return compact({
    type: 'view_submission',
    team,
    user: userOf(ALICE),
    api_app_id: 'ACASEOPS',
    token: 'legacy-verification-token',
    trigger_id: fuzz().h.fake.issueTriggerId(ALICE),
    view: {
      id: view.id,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: metadata,
      state: { values },
      hash: view.hash,
      root_view_id: view.id,
      team_id: team.id,
      app_id: 'ACASEOPS',
      bot_id: fuzz().h.fake.botId,
    },
    response_urls: [],
  });
}

function expectHandled(answer: Answer): void {
  expect(answer.thrown).toBeUndefined();
  expect(answer.escaped).toEqual([]);
  expect(answer.ack).not.toBeNull();
  expect(answer.texts.length).toBeGreaterThan(0);
  for (const t of answer.texts) expect(t).not.toMatch(GENERIC_ANSWER);
  // "Submitting…" alone is not an answer: an outcome must follow it.
  const submitting = answer.texts.filter((t) => /Submitting/.test(t));
  expect(answer.texts.length).toBeGreaterThan(submitting.length);
}

describe(`modal submissions under ${FUZZ_RUNS} generated submissions each`, () => {
  for (const vendor of ['equinix', 'juniper', 'motadata'] as OpenVendor[]) {
    it(`${OPEN_CALLBACK_ID} (${vendor}): acked, answered in specific words, nothing escapes`, async () => {
      const blocks = Object.fromEntries(openFormFields(vendor).map((f) => [f.key, f.kind]));
      const metadata = jsonOrJunk(
        fc.record(
          {
            kind: mostly(fc.constant('open'), maybe(fc.constantFrom('note', 'pick'))),
            vendor: fc.oneof(
              { weight: 5, arbitrary: fc.constant(vendor) },
              { weight: 1, arbitrary: vendorWord },
            ),
            channel: channelId,
            attempt,
            source: maybe(hostileText),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(metadata, stateValues(blocks), async (meta, values) => {
          expectHandled(await fuzz().deliver(submission(OPEN_CALLBACK_ID, meta, values)));
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(fuzz().unvalidatedVendorRequests()).toEqual([]);
    });
  }

  for (const [callbackId, kind, blocks] of [
    [NOTE_CALLBACK_ID, 'note', { note: 'multiline', visibility: 'select' }],
    [CANCEL_CALLBACK_ID, 'cancel', { reason: 'multiline' }],
  ] as const) {
    it(`${callbackId}: acked, answered in specific words, nothing escapes`, async () => {
      const metadata = jsonOrJunk(
        fc.record(
          {
            kind: mostly(fc.constant(kind), maybe(fc.constantFrom('open', 'pick'))),
            vendor: vendorWord,
            id: mostly(fc.constantFrom('11150929', '682299374', '1042'), maybe(anyId)),
            channel: channelId,
            attempt,
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(metadata, stateValues(blocks), async (meta, values) => {
          expectHandled(await fuzz().deliver(submission(callbackId, meta, values)));
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(fuzz().unvalidatedVendorRequests()).toEqual([]);
    });
  }

  it.runIf(FUZZ_RUNS >= 2000)(
    'reached the vendors that open cases (the id checks above were not vacuous)',
    () => {
      for (const vendor of ['equinix', 'juniper', 'motadata'] as const) {
        expect(fuzz().h.sims[vendor].requests.filter((r) => r.method === 'POST').length).toBeGreaterThan(0);
      }
    },
  );
});
