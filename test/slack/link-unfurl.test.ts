/**
 * Vendor case links pasted in a message are unfurled over real HTTP: Slack's link_shared event, then
 * chat.unfurl with a compact card. Links of vendors not configured and unknown cases are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy-file.js';
import { ALICE, BOB, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

const CISCO_PAGE = 'https://scm.example.com/case/{id}';
const EQUINIX_PAGE = 'https://portal.equinix.example/support/cases/{id}/details';
const JUNIPER_PAGE = 'https://juniper.example/case/{id}';

let h: Harness;
beforeAll(async () => {
  // Juniper's portal template is set but Juniper itself is not configured.
  h = await startHarness({
    vendors: ['cisco', 'equinix'],
    env: { CISCO_CASE_URL: CISCO_PAGE, EQUINIX_CASE_URL: EQUINIX_PAGE, JUNIPER_CASE_URL: JUNIPER_PAGE },
  });
});
afterAll(async () => {
  await h?.stop();
});

/** `user` pastes `urls` in NOC; Slack sends link_shared for them. */
async function paste(urls: string[], user = BOB, harness = h) {
  const h = harness;
  const ts = h.fake.addMessage({ channel: NOC, user, text: urls.map((u) => `<${u}>`).join(' ') });
  const from = h.fake.calls.length;
  const sent = await h.slack.event({
    type: 'link_shared',
    channel: NOC,
    user,
    message_ts: ts,
    unfurl_id: `U${ts}`,
    source: 'conversations_history',
    links: urls.map((url) => ({ url, domain: new URL(url).hostname })),
  });
  expect(sent.status).toBe(200);
  return { ts, from };
}

const message = (ts: string) => h.fake.messagesIn(NOC).find((m) => m.ts === ts)!;

describe('unfurling vendor case links', () => {
  it('a Cisco and an Equinix case link: one chat.unfurl with a compact card for each', async () => {
    const [ciscoId] = h.sims.cisco.seedMany(1);
    const equinixId = h.sims.equinix.seed({ description: 'Cage power feed B lost' });
    const ciscoUrl = CISCO_PAGE.replace('{id}', ciscoId!);
    const equinixUrl = EQUINIX_PAGE.replace('{id}', equinixId);
    const { ts } = await paste([ciscoUrl, equinixUrl]);
    const call = await h.fake.waitForCall('chat.unfurl', (c) => c.args.ts === ts);
    expect(call.outcome).toBe('ok');
    const unfurls = message(ts).unfurls as Record<string, { blocks: unknown[] }>;
    expect(Object.keys(unfurls).sort()).toEqual([ciscoUrl, equinixUrl].sort());
    const cisco = blockText(unfurls[ciscoUrl]?.blocks);
    expect(cisco).toContain(`Cisco case ${ciscoId}`);
    expect(cisco).toMatch(/Opened \d+ (minute|hour|day)s? ago/);
    const equinix = blockText(unfurls[equinixUrl]?.blocks);
    expect(equinix).toContain(`Equinix case ${equinixId}`);
    expect(equinix).toContain('Cage power feed B lost');
    expect(equinix).toContain('Watch here');
    // Each unfurl offers Notify me (direct messages to whoever presses it) for its own case.
    for (const [url, vendor, id] of [
      [ciscoUrl, 'cisco', ciscoId],
      [equinixUrl, 'equinix', equinixId],
    ] as const) {
      const elements = ((unfurls[url]?.blocks ?? []) as Array<{ elements?: unknown[] }>).flatMap(
        (block) =>
          (block.elements ?? []) as Array<{ action_id?: string; value?: string; text?: { text?: string } }>,
      );
      const notify = elements.find((element) => element.action_id === 'case.notify');
      expect(notify?.text?.text).toBe('Notify me');
      expect(JSON.parse(notify?.value ?? '{}')).toEqual({ v: vendor, id });
    }
  });

  it('"Watch here" on an unfurl watches the case in the channel and tells the presser', async () => {
    const equinixId = h.sims.equinix.seed();
    const { ts } = await paste([EQUINIX_PAGE.replace('{id}', equinixId)]);
    await h.fake.waitForCall('chat.unfurl', (c) => c.args.ts === ts);
    const responses = h.fake.responses.length;
    await h.slack.pressOnMessage(
      { channel: NOC, ts },
      { actionId: 'unfurl.watch', value: JSON.stringify({ v: 'equinix', id: equinixId }) },
      { user: ALICE },
    );
    const told = await h.fake.waitForResponse((r) => h.fake.responses.indexOf(r) >= responses);
    expect(told.body.response_type).toBe('ephemeral');
    expect(String(told.body.text)).toContain('This channel now watches this case');
    for (
      let tries = 0;
      !(await h.store.watchesOfCase('equinix', equinixId)).some((w) => w.channelId === NOC);
      tries++
    ) {
      if (tries > 100) throw new Error('the case was never watched');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('links of an unconfigured vendor, unknown cases and other pages are left alone', async () => {
    const { ts, from } = await paste([
      JUNIPER_PAGE.replace('{id}', '2026-0101-0001'),
      CISCO_PAGE.replace('{id}', '699999999'),
      'https://scm.example.com/help',
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.calls.slice(from).filter((c) => c.method === 'chat.unfurl')).toHaveLength(0);
    expect(message(ts).unfurls).toBeUndefined();
  });
});

describe('unfurls and the access policy', () => {
  let guarded: Harness;
  beforeAll(async () => {
    guarded = await startHarness({
      vendors: ['equinix'],
      env: { EQUINIX_CASE_URL: EQUINIX_PAGE },
      policy: parsePolicy(
        `version: 1\ndefaults:\n  lookup:\n    - name: only Alice looks cases up\n      users: [${ALICE}]\n`,
        'policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await guarded?.stop();
  });

  it("unfurls for someone the policy lets look the case up, and leaves a link alone for someone it doesn't", async () => {
    const id = guarded.sims.equinix.seed();
    const url = EQUINIX_PAGE.replace('{id}', id);
    const denied = await paste([url], BOB, guarded);
    const allowed = await paste([url], ALICE, guarded);
    await guarded.fake.waitForCall('chat.unfurl', (c) => c.args.ts === allowed.ts);
    expect(guarded.fake.callsTo('chat.unfurl').filter((c) => c.args.ts === denied.ts)).toHaveLength(0);
  });
});
