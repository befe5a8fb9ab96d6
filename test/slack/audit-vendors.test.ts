/**
 * `/case audit` and `/case vendors` over real HTTP: the audit trail after a scripted note and cancel (and a
 * cancel the vendor refused), an empty trail, a trail too long for one message; each configured vendor's
 * state, including one the vendor simulator throttled, and the vendors not configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { input } from '../support/slack-client.js';
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
  h = await startHarness({ vendors: ['equinix', 'cisco'] });
});
afterAll(async () => {
  await h?.stop();
});

async function answerTo(text: string, options: { user?: string; channel?: string } = {}) {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  expect(reply.outcome).toBe('ok');
  return { reply, text: String(reply.body.text), blocks: blockText(reply.body.blocks) };
}

async function cancelThroughForm(id: string, reason: string, user: string, expected: RegExp) {
  const view = await openedForm(h, `cancel eqx ${id}`, 'cancel_case', user);
  await h.slack.submitView(view, { reason: input.text(reason) }, { user });
  await h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === view.id && expected.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    8000,
  );
}

/** A Slack date token: renders in the reader's zone, with a UTC fallback. */
const DATE = String.raw`<!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>`;

describe('/case audit <vendor> <id>', () => {
  it('after a note and a cancel: who, when, what and the result of each write, newest first', async () => {
    const id = h.sims.equinix.seed();
    const noted = await answerTo(`note eqx ${id} Carrier confirmed fibre cut`, { user: ALICE });
    expect(noted.text).toContain('Note added');
    await cancelThroughForm(id, 'Duplicate of another case', BOB, /Cancelled Equinix case/);
    // Equinix refuses a second cancel: the failure is in the trail too.
    await cancelThroughForm(id, 'Again', ALICE, /Cancel case on|cannot be changed now|refused/);

    const { reply, text, blocks } = await answerTo(`audit eqx ${id}`, { user: ALICE });
    expect(reply.body.response_type).toBe('ephemeral');
    expect(text).toBe(`Audit trail of Equinix case ${id}: 3 entries, newest first`);
    expect(blocks).toContain(`Audit trail: Equinix case ${id}`);
    const lines = blocks.split('\n').filter((line) => line.startsWith('• '));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(`^• ${DATE} · <@${ALICE}> in <#${NOC}> · \\*Cancelled the case\\* · :x: failed$`),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^• ${DATE} · <@${BOB}> in <#${NOC}> · \\*Cancelled the case\\* · :white_check_mark: done$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^• ${DATE} · <@${ALICE}> in <#${NOC}> · \\*Added a note\\* · :white_check_mark: done$`),
    );
    // What was asked and what came back, under each line.
    expect(blocks).toContain(`cancel case ${id} with reason "Duplicate of another case": case ${id} is now`);
    expect(blocks).toContain(`add a note of 27 characters to case ${id}: note added to case ${id}`);
  });

  it('a case with no writes through caseops says so', async () => {
    const id = h.sims.equinix.seed();
    const { text } = await answerTo(`audit eqx ${id}`);
    expect(text).toBe(
      `No vendor writes to Equinix case \`${id}\` were made through caseops: opening, notes and cancelling are recorded here once someone does them from Slack.`,
    );
  });

  it('a trail longer than a message holds: the newest entries, escaped, and how many are left out', async () => {
    const id = h.sims.equinix.seed();
    for (let i = 0; i < 60; i++) {
      await h.store.appendAudit({
        actorUserId: ALICE,
        channelId: NOC,
        vendor: 'equinix',
        caseId: id,
        action: 'annotate',
        outcome: 'ok',
        detail: `note ${i} <@U0EVERYONE> & <!channel> ${'x'.repeat(600)}`,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
    }
    const { reply, blocks } = await answerTo(`audit eqx ${id}`);
    const lines = blocks.split('\n').filter((line) => line.startsWith('• '));
    // Newest first, and as many as fit; the fake Web API checked every Slack limit on the way.
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.length).toBeLessThan(50);
    expect(blocks).toContain('note 59 &lt;@U0EVERYONE&gt; &amp; &lt;!channel&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('note 0 ');
    expect(blocks).toContain(
      `${50 - lines.length} or more older entries are not shown here. An admin can export them all: \`npm run audit -- --vendor equinix --case ${id}\`.`,
    );
    expect((reply.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
  });

  it('a vendor or id that is not understood gets the usage line', async () => {
    const sent = await h.slack.command('audit eqx');
    expect(String(sent.json?.text)).toMatch(
      /Which case\?[\s\S]*Usage: \/case audit &lt;vendor&gt; &lt;id&gt;/,
    );
  });
});

describe('/case help', () => {
  it('mentions audit and vendors', async () => {
    const { blocks } = await answerTo('help');
    expect(blocks).toContain('/case audit &lt;vendor&gt; &lt;id&gt;');
    expect(blocks).toContain('/case vendors');
    expect(blocks).toContain('`/case audit eqx 11150929`');
  });
});

describe('/case vendors', () => {
  it('each configured vendor: state, what it allows, last good answer, rate budget; and the others', async () => {
    const id = h.sims.equinix.seed();
    await answerTo(`show eqx ${id}`);
    const { reply, text, blocks } = await answerTo('vendors');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(text).toMatch(/^Equinix: OK, last answer \d+ s ago; Cisco: (OK, last answer|no calls yet)/);
    expect(blocks).toContain('Vendors in this workspace');
    expect(blocks).toMatch(
      /:large_green_circle: \*Equinix: OK, last answer \d+ s ago\*\nAllows: open, look up, add notes, cancel\nLast good answer: \d+ s ago\nRate budget: 0 of \d+ calls in flight, 0 queued; limit 500 calls\/s/,
    );
    expect(blocks).toContain('Not configured here: Juniper, Motadata ServiceOps.');
  });

  it('a vendor that throttled caseops: "throttled, retrying in N s" with its error', async () => {
    const id = h.sims.cisco.seed();
    h.sims.cisco.retryAfterSeconds = 40;
    // The case API throttles, not the token endpoint.
    h.sims.cisco.injectFault({ fault: 'throttle', pathIncludes: '/case/v3/' });
    const shown = await answerTo(`show cisco ${id}`);
    expect(shown.text).toMatch(
      /Cisco is rate limiting caseops\. Nothing was sent; try again in (39|40) seconds\./,
    );

    const { text, blocks } = await answerTo('vendors');
    expect(text).toMatch(/Cisco: throttled, retrying in (39|40) s/);
    expect(blocks).toMatch(
      /:hourglass_flowing_sand: \*Cisco: throttled, retrying in (39|40) s\*\nAllows: look up, list\nLast good answer: [^\n]+\nCurrent error: throttled, HTTP 403: throttling caseops\nRate budget: 0 of \d+ calls in flight, 0 queued; limit 500 calls\/s/,
    );
  });
});
