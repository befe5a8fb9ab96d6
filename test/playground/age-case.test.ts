/**
 * "Age a case" in the simulators panel, through the playground's HTTP API against the real app: a watched
 * case's clock moves forward by the step asked for, so a channel's nudge arrives (once per step that makes
 * one due) and App Home's queue shows the longer wait, without waiting; a case caseops has not seen, or a
 * step it does not know, is refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';
import { pageApi } from './page-api.js';

const CHANNEL = 'C0NETONCALL';
let instance: PlaygroundInstance;
const { call, state } = pageApi(() => instance);

beforeAll(async () => {
  instance = await startPlaygroundInstance();
}, 30_000);

afterAll(async () => {
  await instance?.stop();
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const nudges = () =>
  instance.playground.fake.messages.filter(
    (m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_nudge',
  );

describe('aging a case from the simulators panel', () => {
  it('moves its clock forward: a nudge arrives and App Home shows the longer wait', async () => {
    const panel = await state();
    expect(panel.age.steps.map((s) => s.label)).toEqual(['+1 h', '+1 d']);
    const cases = panel.simulators.flatMap((v) =>
      v.cases.filter((c) => c.fill.includes(' show ')).map((c) => ({ vendor: v.vendor, id: c.id })),
    );

    // Not seen by caseops yet: nothing to age.
    const first = cases[0]!;
    const unseen = await call('simulators/age', { ...first, by: '1h' });
    expect(unseen.status).toBe(400);
    expect(String(unseen.body.error)).toContain('has not seen');

    // Watch cases until one waits on someone (an open case has no nudge to give).
    let picked: { vendor: string; id: string; situation: 'waiting-on-us' | 'vendor-silent' } | undefined;
    for (const c of cases) {
      expect(
        (await call('command', { channel: CHANNEL, text: `/case watch ${c.vendor} ${c.id}` })).status,
      ).toBe(200);
      const snapshot = await until(`the watch of ${c.id}`, () => instance.store.getSnapshot(c.vendor, c.id));
      if (snapshot.state === 'waiting-on-customer') picked = { ...c, situation: 'waiting-on-us' };
      if (snapshot.state === 'waiting-on-vendor') picked = { ...c, situation: 'vendor-silent' };
      if (picked) break;
    }
    expect(picked, 'a seeded case waiting on someone').toBeDefined();
    const { vendor, id, situation } = picked!;
    expect((await call('command', { channel: CHANNEL, text: `/case nudge ${situation} 1h` })).status).toBe(
      200,
    );
    await until('the nudge rule', async () =>
      (await instance.store.getNudgeSettings(CHANNEL))?.rules[situation] ? true : undefined,
    );
    expect(nudges()).toHaveLength(0);

    const aged = await call('simulators/age', { vendor, id, by: '+1h' });
    expect(aged.status, JSON.stringify(aged.body)).toBe(200);
    const nudge = await until('a nudge', () => nudges()[0]);
    expect(nudge.text).toContain(id);
    expect(nudge.text).toMatch(/for 1 h/);
    expect(nudges()).toHaveLength(1);

    // Another day on: App Home's queue shows the case with its clock a day longer.
    expect((await call('simulators/age', { vendor, id, by: '1d' })).status).toBe(200);
    expect((await call('home', {})).status).toBe(200);
    const home = await until('App Home', async () => {
      const blocks = JSON.stringify((await state()).home?.blocks ?? []);
      return blocks.includes(`queue:${vendor}:${id}`) ? blocks : undefined;
    });
    expect(home).toMatch(situation === 'waiting-on-us' ? /Waiting on us for 25 h/ : /silent for 25 h/);
  }, 30_000);

  it('refuses a step it does not know', async () => {
    const c = (await state()).simulators[0]!.cases[0]!;
    const refused = await call('simulators/age', {
      vendor: (await state()).simulators[0]!.vendor,
      id: c.id,
      by: 'soon',
    });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error)).toContain('not a step');
  });
});
