/**
 * `/case` end to end: the parser's own fuzz (test/slack/listeners/commands/parser.test.ts) proves it throws
 * nothing but usage errors; this one sends FUZZ_RUNS (10,000) generated commands through the real command
 * listener, subcommands and vendor adapters, with injection attempts in ids and notes, huge texts and
 * unicode, and checks every one is answered in specific words, nothing escapes, and no vendor receives an id
 * its adapter would refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALICE, NOC } from '../support/slack-harness.js';
import {
  anyId,
  channelId,
  compact,
  FUZZ_RUNS,
  GENERIC_ANSWER,
  hostileText,
  maybe,
  mostly,
  plausibleId,
  TEAM_ID,
  useFuzzHarness,
} from './support.js';

const fuzz = useFuzzHarness({ withCase: true });

const subcommand = fc.constantFrom(
  'show',
  'get',
  'note',
  'cancel',
  'watch',
  'unwatch',
  'watching',
  'list',
  'open',
  'help',
  'digest',
  'SHOW',
  'frobnicate',
);
const vendor = fc.constantFrom('eqx', 'equinix', 'cisco', 'jnpr', 'juniper', 'motadata', 'acme', 'EQX');
const listTail = fc
  .tuple(
    fc.constantFrom('contract', 'user', 'team'),
    fc.array(anyId, { maxLength: 11 }).map((ids) => ids.join(',')),
    fc.constantFrom('', 'open', 'closed', 'from 2026-01-01', 'to 2026-13-01', 'from'),
  )
  .map((parts) => parts.join(' '));
const digestTail = fc.constantFrom(
  '',
  'now',
  'off',
  'on',
  'daily 09:00',
  'weekdays 25:00',
  'every 5m',
  'empty on',
);

/** Commands shaped like real ones (subcommand, vendor, id, free text) with hostile parts, and plain noise. */
const commandText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(subcommand, vendor, mostly(plausibleId, anyId), fc.oneof(fc.constant(''), hostileText, listTail))
      .map((parts) => parts.join(' ')),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('list cisco', 'list eqx'), listTail).map((p) => p.join(' ')),
  },
  { weight: 1, arbitrary: digestTail.map((tail) => `digest ${tail}`) },
  { weight: 2, arbitrary: hostileText },
);

function commandPayload(text: unknown, channel: unknown): Record<string, unknown> {
  const { fake } = fuzz().h;
  return compact({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'caseops',
    channel_id: channel,
    channel_name: 'noc',
    user_id: ALICE,
    user_name: 'alice',
    command: '/case',
    text,
    api_app_id: 'ACASEOPS',
    response_url: fake.issueResponseUrl({
      channel: typeof channel === 'string' ? channel : NOC,
      userId: ALICE,
    }),
    trigger_id: fake.issueTriggerId(ALICE),
  });
}

describe(`/case under ${FUZZ_RUNS} generated commands`, () => {
  it('answered in specific words, nothing escapes, no vendor gets an unvalidated id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(commandText, maybe(hostileText)), channelId, async (text, channel) => {
        const answer = await fuzz().deliver(commandPayload(text, channel));
        expect(answer.thrown).toBeUndefined();
        expect(answer.escaped).toEqual([]);
        expect(answer.ack).not.toBeNull();
        expect(answer.texts.length).toBeGreaterThan(0);
        for (const t of answer.texts) expect(t).not.toMatch(GENERIC_ANSWER);
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(fuzz().unvalidatedVendorRequests()).toEqual([]);
  });

  it.runIf(FUZZ_RUNS >= 2000)('reached every vendor (the id check above was not vacuous)', () => {
    for (const sim of Object.values(fuzz().h.sims)) expect(sim.requests.length).toBeGreaterThan(0);
  });
});
