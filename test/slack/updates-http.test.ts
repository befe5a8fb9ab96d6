/**
 * `/case updates` over HTTP into the real Bolt app: the choice shown and saved, bad input answered with the
 * usage and an example, the digest rule of the policy applied, and the real scheduler's digest skipping a
 * thread-only channel without losing its changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy-file.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { ALICE, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

const LAB = 'CLAB0001';

let h: Harness;
let dir: string | undefined;

afterEach(async () => {
  await h.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function answerTo(text: string, options: { channel?: string } = {}) {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id);
  return `${String(reply.body.text)}\n${blockText(reply.body.blocks)}`;
}

/** The ack's own answer (what was typed could not be read). */
async function ackTo(text: string) {
  const sent = await h.slack.command(text);
  expect(sent.status).toBe(200);
  return `${String(sent.json?.text)}\n${blockText(sent.json?.blocks)}`;
}

let slotSeconds = 0;
/** A fresh minute for each fire, so every fire is claimed anew. */
function nextSlot(): Date {
  slotSeconds += 60;
  return new Date(Date.UTC(2030, 0, 1, 0, 0, 0) + slotSeconds * 1000);
}

async function fireDigests() {
  const scheduler = h.tracking!.scheduler;
  for (const key of scheduler.digestScheduleKeys()) {
    expect(await scheduler.fire(`digest ${key}`, nextSlot())).toBe('ran');
  }
}

async function poll() {
  expect(await h.tracking!.scheduler.fire(POLL_TASK, nextSlot())).toBe('ran');
}

const digestsIn = (channel: string) =>
  h.fake.messages.filter(
    (m) =>
      m.channel === channel &&
      (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_digest',
  );

describe('/case updates over HTTP', () => {
  it('shows the default, saves a choice and shows it back', async () => {
    h = await startHarness({ vendors: ['cisco'], digests: true });
    const shown = await answerTo('updates');
    expect(shown).toContain(
      "*Updates:* in each case card's thread and in the scheduled digest (the default).",
    );

    const set = await answerTo('updates thread');
    expect(set).toContain('Updates set.');
    expect(set).toContain("*Updates:* in each case card's thread, as they happen; no scheduled digest.");
    expect(set).toContain(`Set by <@${ALICE}>.`);
    expect(await answerTo('updates')).toContain('no scheduled digest.');
    expect(await answerTo('digest')).toContain("this channel hears in the cards' threads only");
    expect(await h.store.getUpdateDelivery(NOC)).toMatchObject({ mode: 'thread', updatedBy: ALICE });
    expect(await h.app.deps.updates.wantsThreadReplies(NOC)).toBe(true);

    await answerTo('updates digest');
    expect(await h.app.deps.updates.wantsThreadReplies(NOC)).toBe(false);
    expect(await h.app.deps.updates.wantsScheduledDigest(NOC)).toBe(true);
  });

  it('answers a bad choice with the usage and an example, and saves nothing', async () => {
    h = await startHarness({ vendors: ['cisco'] });
    const refused = await ackTo('updates sometimes');
    expect(refused).toContain('"sometimes" is not a choice: use thread, digest or both.');
    expect(refused).toContain('Usage: /case updates [thread | digest | both]  e.g. /case updates thread');
    const extra = await ackTo('updates thread please');
    expect(extra).toContain('I don\'t know what to do with "please".');
    expect(await h.store.getUpdateDelivery(NOC)).toBeUndefined();
  });

  it('is listed in /case help', async () => {
    h = await startHarness({ vendors: ['cisco'] });
    const help = await answerTo('help');
    expect(help).toContain('/case updates [thread | digest | both]');
  });

  it('needs the digest rule of the policy to change, not to look', async () => {
    dir = mkdtempSync(join(tmpdir(), 'caseops-updates-policy-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      `version: 1\ndefaults:\n  digest:\n    - name: digest settings in the NOC channel\n      channels: [${NOC}]\n`,
    );
    h = await startHarness({ vendors: ['cisco'], policy: loadPolicy(join(dir, 'policy.yaml')) });
    h.fake.channels.set(LAB, { id: LAB, name: 'lab', members: [ALICE] });
    const denied = await answerTo('updates thread', { channel: LAB });
    expect(denied).toContain(':no_entry: You may not change digest settings');
    expect(await h.store.getUpdateDelivery(LAB)).toBeUndefined();
    expect(await answerTo('updates', { channel: LAB })).toContain('*Updates:*');
    expect(await answerTo('updates thread', { channel: NOC })).toContain('Updates set.');
  });

  it('a thread-only channel gets no scheduled digest; set back, its digest covers what happened meanwhile', async () => {
    h = await startHarness({ vendors: ['cisco'], digests: true });
    const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
    expect(await answerTo(`watch cisco ${id}`)).toContain('Watching');
    await poll();
    await answerTo('updates thread');

    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    await fireDigests();
    expect(digestsIn(NOC)).toHaveLength(0);

    await answerTo('updates both');
    await fireDigests();
    const digests = digestsIn(NOC);
    expect(digests).toHaveLength(1);
    const text = blockText(digests[0]!.blocks);
    expect(text).toContain(id);
    expect(text).toContain('Waiting on us');
  });
});
