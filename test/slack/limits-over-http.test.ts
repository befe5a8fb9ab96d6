/**
 * "Who may see and do what", the limits, over real HTTP with the real Bolt app: the digest schedule floor, the
 * Motadata severity cap read from priority and urgency, and fair shares of a vendor's budget. Each test reads
 * what the person sees from the fake Slack and checks, from the fake's call log and the vendor simulator's
 * request log, that nothing was posted or sent where it must not be.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy-file.js';
import type { RecordedResponse } from '../../src/playground/fake-slack-api.js';
import { input } from '../support/slack-client.js';
import {
  ALICE,
  BOB,
  blockText,
  type Harness,
  NOC,
  openedForm,
  sleep,
  startHarness,
} from '../support/slack-harness.js';

/** Sends `/case <text>` and returns the answer posted to its response_url. */
async function answerTo(
  h: Harness,
  text: string,
  options: { user?: string; channel?: string } = {},
  timeoutMs = 8000,
): Promise<{ reply: RecordedResponse; text: string }> {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id, timeoutMs);
  return { reply, text: String(reply.body.text) };
}

describe('the digest schedule floor (DIGEST_MIN_INTERVAL, 15 minutes by default)', () => {
  /** A channel with no digest settings of its own yet. */
  const FRESH = 'CFRESH01';
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      vendors: ['equinix'],
      digests: true,
      channels: [{ id: FRESH, name: 'fresh', members: [ALICE, BOB] }],
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const floorWords = (schedule: string) =>
    `Digests in a channel may run at most once every 15 minutes, and \`${schedule}\` would post 1 second apart. ` +
    "Try `*/15 * * * *` or `hourly`. (The minimum is set by caseops' operator.)";

  it('refuses `/case digest * * * * * *` with the minimum and an example, and saves nothing', async () => {
    const { text } = await answerTo(h, 'digest * * * * * *', { channel: FRESH });
    expect(text).toContain(floorWords('* * * * * *'));
    expect(text).not.toContain('Digest schedule set');
    expect(await h.store.getDigestSettings(FRESH)).toBeUndefined();

    const shown = await answerTo(h, 'digest', { channel: FRESH });
    expect(shown.text).toContain('in UTC (the workspace default)');
    expect(shown.text).not.toContain('* * * * * *');
  });

  it('with `empty on` set, every-second digests are refused, the old schedule stays and nothing is posted', async () => {
    const set = await answerTo(h, 'digest daily 09:00 UTC', { channel: NOC });
    expect(set.text).toMatch(/^Digest schedule set\. \*Digest:\* `daily 09:00` in UTC\./);
    const empty = await answerTo(h, 'digest empty on', { channel: NOC });
    expect(empty.text).toMatch(/^Digest updated\./);
    const before = await answerTo(h, 'digest', { channel: NOC });
    expect(before.text).toContain('`daily 09:00` in UTC');
    const saved = await h.store.getDigestSettings(NOC);
    expect(saved).toMatchObject({ cron: '0 9 * * *', timezone: 'UTC', postWhenEmpty: true });

    const posts = h.fake.callsTo('chat.postMessage').length;
    const refused = await answerTo(h, 'digest * * * * * *', { channel: NOC });
    expect(refused.text).toContain(floorWords('* * * * * *'));
    const withZone = await answerTo(h, 'digest * * * * * * Europe/Berlin', { channel: NOC });
    expect(withZone.text).toContain(floorWords('* * * * * *'));

    expect(await h.store.getDigestSettings(NOC)).toEqual(saved);
    const after = await answerTo(h, 'digest', { channel: NOC });
    expect(after.text).toContain('`daily 09:00` in UTC');
    expect(after.text).not.toContain('* * * * * *');
    // Had the schedule been taken, `empty on` would post a digest every second.
    await sleep(3500);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(posts);
  });

  it('takes a schedule at the floor, so the refusal is the floor and not the grammar', async () => {
    const { text } = await answerTo(h, 'digest */15 * * * *', { channel: FRESH });
    expect(text).toMatch(/^Digest schedule set\. \*Digest:\* `\*\/15 \* \* \* \*`/);
    expect(await h.store.getDigestSettings(FRESH)).toMatchObject({ cron: '*/15 * * * *' });
  });
});

describe('the Motadata severity cap reads priority and urgency', () => {
  const ONCALL = 'S0ONCALL1';
  const POLICY = `version: 1
vendors:
  motadata:
    open:
      - name: on-call opens any priority
        groups: [${ONCALL}]
      - name: everyone up to HIGH
        anyone: true
        maxSeverity: 2
`;
  let dir: string;
  let h: Harness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caseops-limits-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    h = await startHarness({
      vendors: ['motadata'],
      policy: loadPolicy(join(dir, 'policy.yaml')),
      userGroups: [{ id: ONCALL, handle: 'oncall', users: [ALICE] }],
    });
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const creates = () =>
    h.sims.motadata.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/incident');

  function motadataValues(priority: string | null, urgency: string | null) {
    return {
      subject: input.text('Core switch fan failure in DC2'),
      description: input.text('Fan tray 2 reports failure'),
      requesterEmail: input.email('bob@example.com'),
      impact: input.select('ONBUSINESS'),
      priority: input.select(priority),
      urgency: input.select(urgency),
      tags: input.text(null),
    };
  }

  it('refuses an URGENT urgency sent with no priority: the cap on the form, nothing created', async () => {
    const view = await openedForm(h, 'open motadata', 'open_case', BOB);
    const before = creates().length;
    const sent = await h.slack.submitView(view, motadataValues(null, 'URGENT'), { user: BOB });
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ response_action: 'errors' });
    const errors = (sent.json as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual(['priority']);
    expect(errors.priority).toContain('up to priority HIGH, not priority URGENT');
    expect(errors.priority).toContain('rule "everyone up to HIGH"');
    // Nothing reaches Motadata, now or a moment later.
    await sleep(500);
    expect(creates()).toHaveLength(before);
  });

  it('allows the same person a HIGH urgency with no priority: one incident created', async () => {
    const view = await openedForm(h, 'open motadata', 'open_case', BOB);
    const before = creates().length;
    await h.slack.submitView(view, motadataValues(null, 'HIGH'), { user: BOB });
    await h.fake.waitForCall(
      'views.update',
      (c) =>
        c.args.view_id === view.id &&
        c.outcome === 'ok' &&
        /Opened Motadata ServiceOps case/.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
      8000,
    );
    expect(creates()).toHaveLength(before + 1);
  });
});

describe('fair shares of a busy vendor budget over HTTP', () => {
  /** More lookups than one person may have waiting (DEFAULT_MAX_QUEUED_PER_PERSON is 30). */
  const FROM_ALICE = 40;
  /** How long Cisco holds the first lookups, so the whole flood is queued (or refused) while they wait. */
  const HOLD_MS = 3000;
  /** How long each later lookup takes: slow enough that the queue is worked through in turn. */
  const LATENCY_MS = 150;
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      vendors: ['cisco'],
      // Long enough that no queued lookup is refused for its timeout: only the per-person cap refuses.
      vendorTimeoutMs: 30_000,
      env: { CISCO_RATE_PER_SECOND: '50', CISCO_MAX_CONCURRENT: '2' },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The case id a Cisco request names, if it names one of `ids`. */
  const caseIn = (path: string, ids: readonly string[]) =>
    ids.find((id) => new RegExp(`/${id}(?:[/?]|$)`).test(path));
  const lookupsOf = (ids: readonly string[]) =>
    h.sims.cisco.requests.filter((r) => r.method === 'GET' && caseIn(r.path, ids) !== undefined);

  it('one person’s flood neither starves another nor queues past its cap', { timeout: 20_000 }, async () => {
    // Sign in to Cisco once at full speed, so the flood below waits on lookups only.
    const warm = h.sims.cisco.seed();
    expect((await answerTo(h, `show cisco ${warm}`, { user: BOB })).text).toContain(warm);

    const aliceIds = Array.from({ length: FROM_ALICE }, () => h.sims.cisco.seed());
    const bobId = h.sims.cisco.seed();
    h.sims.cisco.latencyMs = HOLD_MS;
    const firstResponse = h.fake.responses.length;

    const aliceSent = await Promise.all(
      aliceIds.map((id) => h.slack.command(`show cisco ${id}`, { user: ALICE })),
    );
    for (const sent of aliceSent) expect(sent.status).toBe(200);
    const bobSent = await h.slack.command(`show cisco ${bobId}`, { user: BOB });
    expect(bobSent.status).toBe(200);
    // Follow-ups start after the acks (acks first): once the first two lookups reach Cisco, they are held
    // there; the rest of Alice's and Bob's wait their turn at the usual pace.
    await h.fake.waitFor(
      () => lookupsOf(aliceIds).length >= 2 || undefined,
      'the first lookups at Cisco',
      3000,
    );
    h.sims.cisco.latencyMs = LATENCY_MS;

    const idOf = (responseUrl: string | undefined) => responseUrl?.split('/').at(-1);
    const aliceUrls = aliceSent.map((s) => idOf(s.responseUrl));
    const bobUrl = idOf(bobSent.responseUrl);
    await h.fake.waitFor(
      () => {
        const got = new Set(h.fake.responses.slice(firstResponse).map((r) => r.id));
        return [...aliceUrls, bobUrl].every((id) => got.has(id!)) || undefined;
      },
      'every lookup answered',
      18_000,
    );

    const answers = h.fake.responses.slice(firstResponse);
    const answerIndex = (url: string | undefined) => answers.findIndex((r) => r.id === url);
    const textOf = (r: RecordedResponse) => `${String(r.body.text)}\n${blockText(r.body.blocks)}`;
    const busy =
      /^Cisco is busy: you already have calls waiting for it, and your lookup would wait about \d+ s; try again shortly\. Nothing was sent\.$/;

    const aliceCards: number[] = [];
    const aliceBusy: number[] = [];
    aliceUrls.forEach((url, i) => {
      const index = answerIndex(url);
      const answer = answers[index]!;
      if (busy.test(String(answer.body.text))) aliceBusy.push(index);
      else {
        expect(textOf(answer)).toContain(aliceIds[i]);
        aliceCards.push(index);
      }
    });

    // Alice's 2 in flight (CISCO_MAX_CONCURRENT) and her 30 waiting were taken; the other 8 were refused.
    expect(aliceCards).toHaveLength(32);
    expect(aliceBusy).toHaveLength(FROM_ALICE - 32);
    // The refusals came at once: all of them before the first card, which waited out the hold.
    aliceCards.sort((a, b) => a - b);
    expect(Math.max(...aliceBusy)).toBeLessThan(aliceCards[0]!);

    // Bob's one lookup took the next turn after Alice's, not a place behind her 30: his card came within
    // the first few of hers (the two held ones and the one whose turn came before his), not after them all.
    const bobIndex = answerIndex(bobUrl);
    expect(textOf(answers[bobIndex]!)).toContain(bobId);
    expect(bobIndex).toBeLessThan(aliceCards[5]!);
    expect(aliceCards.filter((index) => index > bobIndex).length).toBeGreaterThanOrEqual(26);

    // Nothing was sent to Cisco for a refused lookup: one lookup for each card, none for the refusals.
    const refusedIds = aliceUrls.flatMap((url, i) =>
      aliceBusy.includes(answerIndex(url)) ? [aliceIds[i]!] : [],
    );
    expect(lookupsOf(refusedIds)).toHaveLength(0);
    const cardIds = aliceIds.filter((id) => !refusedIds.includes(id));
    expect(new Set(lookupsOf(cardIds).map((r) => caseIn(r.path, cardIds))).size).toBe(cardIds.length);
    expect(lookupsOf([bobId]).length).toBeGreaterThanOrEqual(1);
  });
});
