/**
 * The simulators panel against the real app: every seeded case of every vendor can be looked up and moved
 * on, a case that has finished says why it cannot move, the automatic advance is off until the person turns
 * it on, and the ids `/case help` gives as examples exist in the playground.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownMessage } from '../../src/playground/workspace.js';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';
import { pageApi } from './page-api.js';

let instance: PlaygroundInstance;
const { call, state } = pageApi(() => instance);

beforeAll(async () => {
  instance = await startPlaygroundInstance({ autoAdvanceEveryMs: 300 });
}, 30_000);

afterAll(async () => {
  await instance?.stop();
});

const textOf = (m: ShownMessage) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;

/** Types `command` in `channel` and returns the app's answer (the first new message from the bot). */
async function answerTo(channel: string, command: string): Promise<string> {
  const before = (await state()).messages[channel]?.length ?? 0;
  const sent = await call('command', { channel, text: command });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const until = Date.now() + 8000;
  for (;;) {
    const answer = (await state()).messages[channel]?.slice(before).find((m) => m.author === 'U0CASEOPSBOT');
    if (answer) return textOf(answer);
    if (Date.now() > until) throw new Error(`no answer to ${command}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const panelCases = async () =>
  (await state()).simulators.flatMap((v) => v.cases.map((c) => ({ vendor: v.vendor, ...c })));

describe('every seeded case', () => {
  it('can be shown by the id the panel gives it, and moved on', async () => {
    const cases = (await panelCases()).filter((c) => c.fill.startsWith('/case show'));
    expect(new Set(cases.map((c) => c.vendor))).toEqual(new Set(['equinix', 'cisco', 'juniper', 'motadata']));
    for (const c of cases) {
      const card = await answerTo('C0NETONCALL', c.fill);
      expect(card, c.fill).toContain(c.id);
      expect(card, c.fill).not.toMatch(/was found|went wrong|failed/i);
      expect(c.cannotAdvance, `${c.vendor} ${c.id}`).toBeUndefined();
      const advanced = await call('simulators/advance', { vendor: c.vendor, id: c.id });
      expect(advanced.status, `${c.vendor} ${c.id}: ${JSON.stringify(advanced.body)}`).toBe(200);
      expect((advanced.body.case as { status: string }).status).not.toBe(c.status);
    }
  }, 60_000);

  it('lists the Juniper incidents nobody submitted yet as what to open a case for, not as cases', async () => {
    const incidents = (await panelCases()).filter(
      (c) => c.vendor === 'juniper' && c.status === 'Not Submitted',
    );
    expect(incidents.length).toBeGreaterThan(0);
    for (const incident of incidents) {
      expect(incident.fill).toBe('/case open juniper');
      expect(incident.cannotAdvance).toContain(`Service Now incident ${incident.id} waits to be submitted`);
      const refused = await call('simulators/advance', { vendor: 'juniper', id: incident.id });
      expect(refused).toEqual({ status: 400, body: { ok: false, error: incident.cannotAdvance } });
    }
  });
});

describe('a closed case', () => {
  it('says why it cannot move on, and the server refuses to move it', async () => {
    const id = instance.sandbox.simulators.motadata.cases()[0]?.id as string;
    expect((await call('simulators/advance', { vendor: 'motadata', id, status: 'Closed' })).status).toBe(200);
    const closed = (await panelCases()).find((c) => c.vendor === 'motadata' && c.id === id);
    expect(closed?.cannotAdvance).toBe('This case is closed (Closed): it does not move on any more.');
    const refused = await call('simulators/advance', { vendor: 'motadata', id });
    expect(refused).toEqual({ status: 400, body: { ok: false, error: closed?.cannotAdvance } });
  });
});

describe('automatic advance', () => {
  it('is off until turned on, says what it does, and moves open cases once on', async () => {
    const initial = await state();
    expect(initial.autoAdvance.on).toBe(false);
    expect(initial.autoAdvance.description).toMatch(/next status/);
    expect(initial.autoAdvance.description).toMatch(/only when you press Advance/);
    const statuses = async () => JSON.stringify((await panelCases()).map((c) => [c.id, c.status]));
    const before = await statuses();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await statuses()).toBe(before);

    expect((await call('simulators/auto-advance', { on: true })).status).toBe(200);
    expect((await state()).autoAdvance.on).toBe(true);
    const until = Date.now() + 8000;
    while ((await statuses()) === before) {
      if (Date.now() > until) throw new Error('nothing moved with the automatic advance on');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect((await call('simulators/auto-advance', { on: false })).status).toBe(200);
    expect((await state()).autoAdvance.on).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stopped = await statuses();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await statuses()).toBe(stopped);
  }, 20_000);
});

describe('the examples in /case help', () => {
  it('name cases and contracts that exist in the playground', async () => {
    const help = await answerTo('C0DATACENTER', '/case help');
    // The usage lines are in backquotes too; they name placeholders (<vendor> <id>), examples real ids.
    const examples = [...help.matchAll(/`(\/case [^`]+)`/g)]
      .map((m) => m[1] as string)
      .filter((e) => !/&lt;|\[/.test(e));
    const byId = examples.filter((e) => /^\/case (show|note|cancel|watch|audit) /.test(e));
    expect(byId.length).toBeGreaterThan(3);
    const known = await panelCases();
    for (const example of byId) {
      const id = example.split(/\s+/)[3] as string;
      expect(
        known.map((c) => c.id),
        example,
      ).toContain(id);
    }
    const watch = byId.find((e) => e.startsWith('/case watch')) as string;
    expect(await answerTo('C0DATACENTER', watch)).toContain(
      'Watching Juniper case `CO-20260101-1A2B3C4D` in this channel',
    );
    const list = examples.find((e) => e.startsWith('/case list cisco contract')) as string;
    const listed = await answerTo('C0DATACENTER', list);
    expect(listed).not.toMatch(/no cases|none/i);
    expect(listed).toMatch(/69\d{7}/);
  }, 30_000);
});
