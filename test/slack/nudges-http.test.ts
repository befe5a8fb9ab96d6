/**
 * Nudges end to end: `/case nudge` over HTTP into the real Bolt app, the real scheduler's poll (fired by the
 * test) and the real notifier posting to the fake Slack Web API, on a clock the test moves forward.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { NUDGE_ACTIONS } from '../../src/slack/blocks/nudge.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { ALICE, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

let h: Harness;
let clock: SkipAheadClock;

beforeEach(async () => {
  clock = new SkipAheadClock();
  h = await startHarness({ vendors: ['cisco'], digests: true, clock });
});

afterEach(async () => {
  await h.stop();
});

async function answerTo(text: string) {
  const sent = await h.slack.command(text);
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id);
  return `${String(reply.body.text)}\n${blockText(reply.body.blocks)}`;
}

async function poll() {
  const slot = new Date(clock.now());
  slot.setUTCMilliseconds(0);
  expect(await h.tracking!.scheduler.fire(POLL_TASK, slot)).toBe('ran');
}

const nudgesIn = (channel: string) =>
  h.fake.messages.filter(
    (m) =>
      m.channel === channel &&
      (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_nudge',
  );

describe('/case nudge over HTTP', () => {
  it('posts one nudge after the minute in the channel, and only one', async () => {
    const id = h.sims.cisco.seed({ status: 'Customer Pending' });
    expect(await answerTo(`watch cisco ${id}`)).toContain('Watching');
    await poll();
    const set = await answerTo('nudge waiting-on-us 1m');
    expect(set).toContain('Nudge rule set');
    expect(set).toContain(`\`${id}\``);

    clock.skip(30_000);
    await poll();
    expect(nudgesIn(NOC)).toHaveLength(0);

    clock.skip(31_000);
    await poll();
    const nudges = nudgesIn(NOC);
    expect(nudges).toHaveLength(1);
    const text = blockText(nudges[0]!.blocks);
    expect(text).toContain(`<@${ALICE}>`);
    expect(text).toContain(id);
    expect(text).toContain('waiting on us');
    expect(text).toContain('1 min');

    // Another poll within the period posts nothing more.
    clock.skip(10_000);
    await poll();
    expect(nudgesIn(NOC)).toHaveLength(1);

    // Done: no more nudges for this stay, however long it lasts.
    const nudge = nudges[0]!;
    const doneValue = JSON.stringify(
      (nudge.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === NUDGE_ACTIONS.done)?.value,
    );
    expect(doneValue).toBeDefined();
    const pressed = await h.slack.pressOnMessage(
      { channel: NOC, ts: nudge.ts, blocks: nudge.blocks },
      { actionId: NUDGE_ACTIONS.done, value: JSON.parse(doneValue), blockId: 'nudge_actions' },
    );
    expect(pressed.status).toBe(200);
    await h.fake.waitFor(
      () =>
        blockText(h.fake.messages.find((m) => m.ts === nudge.ts)?.blocks).includes('is on it')
          ? true
          : undefined,
      'the nudge replaced by Done',
    );
    clock.skip(5 * 60_000);
    await poll();
    expect(nudgesIn(NOC)).toHaveLength(1);
    expect(await answerTo('nudge')).toContain('No nudge is due');
  });

  it('refuses a bad duration with the usage line and an example', async () => {
    const refused = async (text: string) => {
      const sent = await h.slack.command(text);
      expect(sent.status).toBe(200);
      return String(sent.json?.text);
    };
    const text = await refused('nudge waiting-on-us 10s');
    expect(text).toContain('"10s" is not a duration');
    expect(text).toContain('Usage: /case nudge');
    expect(text).toContain('e.g. /case nudge waiting-on-us 2h');
    expect(await refused('nudge vendor-silent 0m')).toContain('at least 1m');
    expect(await refused('nudge someday 1h')).toContain('use waiting-on-us or vendor-silent');
    expect(await refused('quiet 25:00-08:00')).toContain('HH:MM-HH:MM');
  });
});
