/**
 * The Slack layer feeds caseops' metrics: ack times by request kind (measured around the whole receiver),
 * commands and interactions by outcome, and what Slack refused by method and code.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeniedError, InvalidInputError, VendorRejectedError } from '../../src/domain/errors.js';
import { type CaseopsMetrics, createMetrics } from '../../src/observability/metrics.js';
import { handlingOutcome, requestKind } from '../../src/slack/metrics.js';
import { type Harness, startHarness } from '../support/slack-harness.js';

let h: Harness;
let metrics: CaseopsMetrics;
beforeAll(async () => {
  metrics = createMetrics({ defaultMetrics: false });
  h = await startHarness({ vendors: ['equinix'], metrics });
});
afterAll(async () => {
  await h?.stop();
});

it('counts commands by subcommand and outcome, and times every ack', async () => {
  const id = h.sims.equinix.seed();
  const shown = await h.slack.command(`show eqx ${id}`);
  await h.fake.waitForResponse((r) => r.id === shown.responseUrl?.split('/').at(-1));
  const refused = await h.slack.command('note cisco 682299374 hi');
  await h.fake.waitForResponse((r) => r.id === refused.responseUrl?.split('/').at(-1));
  await h.slack.command('frobnicate');
  await h.slack.command('help', { sign: { unsigned: true } });

  const text = await metrics.render();
  expect(text).toContain('caseops_commands_total{kind="show",outcome="ok"} 1');
  expect(text).toContain('caseops_commands_total{kind="note",outcome="invalid"} 1');
  expect(text).toContain('caseops_commands_total{kind="unparsed",outcome="invalid"} 1');
  expect(text).toMatch(/caseops_ack_seconds_count\{kind="command",outcome="ok"\} 3/);
  expect(text).toMatch(/caseops_ack_seconds_count\{kind="unverified",outcome="http_401"\} 1/);
});

it('counts what Slack refused, by method and code', async () => {
  h.fake.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
  const sent = await h.slack.command('open eqx');
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  expect(await metrics.render()).toContain(
    'caseops_slack_api_errors_total{method="views.open",code="expired_trigger_id"} 1',
  );
});

it('classifies outcomes and request kinds from our own vocabulary only', () => {
  expect(handlingOutcome()).toBe('ok');
  expect(
    handlingOutcome(
      new DeniedError('rule', { kind: 'not-allowed', action: 'open', rules: { name: 'rule' }, whoMay: [] }),
    ),
  ).toBe('denied');
  expect(handlingOutcome(new InvalidInputError('bad'))).toBe('invalid');
  expect(handlingOutcome(new VendorRejectedError('equinix', 'no'))).toBe('error');
  expect(requestKind('command=%2Fcase&text=x', 'application/x-www-form-urlencoded')).toBe('command');
  expect(
    requestKind(
      `payload=${encodeURIComponent('{"type":"view_submission"}')}`,
      'application/x-www-form-urlencoded',
    ),
  ).toBe('view_submission');
  expect(requestKind(`payload=${encodeURIComponent('{"type":"made_up_by_someone"}')}`, undefined)).toBe(
    'interaction',
  );
  expect(requestKind('{}', 'application/json')).toBe('event');
  // A field's name is told from the same words inside a value (percent-encoded there).
  const form = 'application/x-www-form-urlencoded';
  expect(requestKind(Buffer.from('token=t&team_id=T1&command=%2Fcase&text=show'), form)).toBe('command');
  expect(requestKind(Buffer.from('token=t&text=a%26command%3Dx&user_id=U1'), form)).toBe('other');
  expect(requestKind(`token=t&payload=${encodeURIComponent('{"type":"shortcut"}')}`, form)).toBe('shortcut');
  // As Bolt hands the body over (bytes), the field first or later, and a body shorter than the name.
  expect(requestKind(Buffer.from('command=%2Fcase&text=show'), form)).toBe('command');
  expect(requestKind(Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`), form)).toBe(
    'block_actions',
  );
  expect(requestKind(Buffer.from('commandx=1&payloads=2'), form)).toBe('other');
  expect(requestKind(Buffer.from('co'), form)).toBe('other');
});
