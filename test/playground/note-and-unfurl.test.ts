/**
 * The playground's "Send to vendor as note" shortcut and link unfurls against the real app: the shortcut is
 * in every message's menu, and a portal link (of the manifests' unfurl domain) typed in the composer or in a
 * thread reaches the app as link_shared and shows the app's unfurl under the message, whose "Watch here"
 * works like any button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';
import { pageApi } from './page-api.js';

// With no portal configured, the playground puts each vendor's page under the manifests' unfurl domain.
const EQUINIX_PAGE = 'https://portal.example.com/equinix/case/{id}';

let instance: PlaygroundInstance;
const { ok, state, eventually } = pageApi(() => instance);
beforeAll(async () => {
  instance = await startPlaygroundInstance();
}, 30_000);
afterAll(async () => {
  await instance?.stop();
});

describe('the playground', () => {
  it('offers "Send to vendor as note" in the message menu and opens its form', async () => {
    const s = await state();
    expect(s.shortcuts.map((x) => x.callbackId)).toContain('send_as_note');
    const seeded = s.messages.C0NOC?.[0];
    await ok('shortcut', { channel: 'C0NOC', ts: seeded?.ts, callbackId: 'send_as_note' });
    const form = await eventually(
      (x) =>
        x.modal?.blocks.some((b) => (b as { block_id?: string }).block_id === 'note') ? x.modal : undefined,
      'the note form',
    );
    expect(JSON.stringify(form.blocks)).toContain('From Slack:');
    await ok('close', { viewId: form.id, all: false });
  });

  it('unfurls an Equinix portal link typed in the composer, and its Watch here watches the case', async () => {
    const equinix = instance.sandbox.simulators.equinix as EquinixSimulator;
    const id = equinix.seed({ description: 'Unfurl me: cage 0207 power' });
    const url = EQUINIX_PAGE.replace('{id}', id);
    const { ts } = (await ok('message', { channel: 'C0NOC', text: `see ${url} please` })) as { ts: string };
    const shown = await eventually(
      (x) => x.messages.C0NOC?.find((m) => m.ts === ts && (m.unfurls?.length ?? 0) > 0),
      'the unfurl',
    );
    expect(shown.text).toContain(`<${url}>`);
    const unfurl = shown.unfurls?.[0];
    expect(unfurl?.url).toBe(url);
    expect(JSON.stringify(unfurl?.blocks)).toContain('Unfurl me: cage 0207 power');
    const blockIndex = unfurl!.blocks.findIndex((b) => (b as { type?: string }).type === 'actions');
    await ok('action', { surface: { type: 'unfurl', channel: 'C0NOC', ts, url }, blockIndex, element: 0 });
    await eventually(
      (x) =>
        x.messages.C0NOC?.find((m) => m.ephemeral && m.text.includes('This channel now watches this case')),
      'the presser told',
    );
    expect((await instance.store.watchesOfCase('equinix', id)).map((w) => w.channelId)).toContain('C0NOC');
  });

  it('unfurls a portal link in a thread reply, with the thread in link_shared', async () => {
    const equinix = instance.sandbox.simulators.equinix as EquinixSimulator;
    const id = equinix.seed({ description: 'Threaded unfurl: rack 0311 door alarm' });
    const url = EQUINIX_PAGE.replace('{id}', id);
    const root = instance.playground.workspace.seedMessage('C0NOC', 'U0SAM', 'door alarm again?');
    const { ts } = (await ok('message', { channel: 'C0NOC', text: url, threadTs: root })) as { ts: string };
    const reply = await eventually(
      (x) => x.messages.C0NOC?.find((m) => m.ts === ts && (m.unfurls?.length ?? 0) > 0),
      'the unfurl in the thread',
    );
    expect(reply.threadTs).toBe(root);
    expect(JSON.stringify(reply.unfurls?.[0]?.blocks)).toContain('Threaded unfurl: rack 0311 door alarm');
    expect((await state()).messages.C0NOC?.find((m) => m.ts === root)?.thread?.replyCount).toBe(1);
  });
});
