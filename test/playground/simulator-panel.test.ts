/**
 * The simulators panel makes the vendor act, through the playground's HTTP API against the real app: a
 * vendor note, a new owner and a new severity on a Cisco case whose card is posted in a channel, each
 * polled at once so the posted card shows it; vendors whose simulator has no such hook are not offered it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundState, ShownMessage } from '../../src/playground/workspace.js';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';
import { pageApi } from './page-api.js';

let instance: PlaygroundInstance;
const { call, ok, state, eventually } = pageApi(() => instance);
beforeAll(async () => {
  instance = await startPlaygroundInstance();
}, 30_000);
afterAll(async () => {
  await instance?.stop();
});

const textOf = (m: ShownMessage) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;

const CHANNEL = 'C0DATACENTER';

/** Presses the button labelled `label` on a message in the channel. */
async function press(message: ShownMessage, label: string): Promise<void> {
  const blocks = message.blocks as Array<{ type: string; elements?: Array<{ text?: { text: string } }> }>;
  const blockIndex = blocks.findIndex((b) => b.type === 'actions');
  const element = blocks[blockIndex]?.elements?.findIndex((e) => e.text?.text === label) ?? -1;
  expect(element, label).toBeGreaterThanOrEqual(0);
  await ok('action', { surface: { type: 'message', channel: CHANNEL, ts: message.ts }, blockIndex, element });
}

/** `/case show`, "Post to channel", then "Watch here" on the posted card: the ts of that card. */
async function watchedCard(id: string): Promise<string> {
  await ok('command', { channel: CHANNEL, text: `/case show cisco ${id}` });
  const ephemeral = await eventually(
    (s) =>
      (s.messages[CHANNEL] ?? []).filter((m) => m.ephemeral && textOf(m).includes('Post to channel')).at(-1),
    'the card',
  );
  await press(ephemeral, 'Post to channel');
  const posted = await eventually(
    (s) =>
      (s.messages[CHANNEL] ?? []).find(
        (m) => !m.ephemeral && textOf(m).includes(id) && textOf(m).includes('Owner'),
      ),
    'the posted card',
  );
  await press(posted, 'Watch here');
  await eventually(
    (s) => (textOf(cardNow(posted.ts)(s)!).includes('Watched in this channel') ? true : undefined),
    'the watch',
  );
  return posted.ts;
}

const cardNow = (ts: string) => (s: PlaygroundState) => (s.messages[CHANNEL] ?? []).find((m) => m.ts === ts);

describe('making the vendor act', () => {
  it('offers it only where the plugin gives the simulator the hooks, with the vendor’s severities', async () => {
    const vendors = (await state()).simulators;
    const cisco = vendors.find((v) => v.vendor === 'cisco');
    expect(cisco?.acts).toEqual({
      note: true,
      owner: true,
      severities: [
        { value: '1', label: 'Sev 1' },
        { value: '2', label: 'Sev 2' },
        { value: '3', label: 'Sev 3' },
        { value: '4', label: 'Sev 4' },
      ],
    });
    for (const other of vendors.filter((v) => v.vendor !== 'cisco')) expect(other.acts).toBeUndefined();
    const equinix = vendors.find((v) => v.vendor === 'equinix')!;
    const refused = await call('simulators/act', {
      vendor: 'equinix',
      id: equinix.cases[0]!.id,
      kind: 'note',
      value: 'hello',
    });
    expect(refused).toEqual({
      status: 400,
      body: { ok: false, error: "The Equinix simulator cannot change a case's note." },
    });
  });

  it('a vendor note, a new owner and a new severity each reach the posted card at once', async () => {
    const id = instance.sandbox.simulators.cisco.cases()[1]!.id;
    const ts = await watchedCard(id);

    await ok('simulators/act', {
      vendor: 'cisco',
      id,
      kind: 'note',
      value: 'Replaced the line card in slot 3',
    });
    // The act answers once its poll is done: the card is already updated.
    expect(textOf(cardNow(ts)(await state())!)).toContain('Replaced the line card in slot 3');

    await ok('simulators/act', { vendor: 'cisco', id, kind: 'owner', value: 'Marco Bianchi' });
    expect(textOf(cardNow(ts)(await state())!)).toContain('Marco Bianchi');

    await ok('simulators/act', { vendor: 'cisco', id, kind: 'severity', value: '1' });
    expect(textOf(cardNow(ts)(await state())!)).toContain('Sev 1');

    const wrong = await call('simulators/act', { vendor: 'cisco', id, kind: 'severity', value: '7' });
    expect(wrong).toEqual({ status: 400, body: { ok: false, error: '7 is not a Cisco severity' } });
    const unknown = await call('simulators/act', {
      vendor: 'cisco',
      id: '699999999',
      kind: 'owner',
      value: 'X',
    });
    expect(unknown.status).toBe(400);
  });
});
