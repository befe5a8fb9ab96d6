/**
 * The clock on a case card, over HTTP with the real Bolt app: counted from when caseops recorded the case (its
 * first sighting here, moved five hours into the past as the playground's aging does), not from the vendor's
 * own "updated" time, which the simulator keeps at the moment it was created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockText, type Harness, startHarness } from '../support/slack-harness.js';

const HOUR = 3_600_000;

describe('the clock on a case card', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function answerTo(text: string) {
    const sent = await h.slack.command(text);
    expect(sent.status).toBe(200);
    const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    return blockText(reply.body.blocks);
  }

  it('counts from the recorded sighting, five hours ago', async () => {
    const id = h.sims.equinix.seed({ description: 'Clock from the record' });
    await answerTo(`watch eqx ${id}`);
    const recorded = await h.store.getSnapshot('equinix', id);
    expect(recorded).toBeDefined();

    expect(await h.store.ageCase('equinix', id, 5 * HOUR)).toBe(true);
    const card = await answerTo(`show eqx ${id}`);
    const words = {
      open: 'Open for 5 h',
      'waiting-on-vendor': 'Equinix silent for 5 h',
      'waiting-on-customer': 'Waiting on us for 5 h',
    } as const;
    expect(recorded!.state in words, recorded!.state).toBe(true);
    expect(card).toContain(words[recorded!.state as keyof typeof words]);
  });
});
