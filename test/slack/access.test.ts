/**
 * Who may see and do what, over real HTTP with the real Bolt app: every read of a case obeys the policy's
 * `lookup` rules (watch and audit follow lookup when the policy says nothing of them), and a case that lives in
 * a private channel is shown, watched or posted elsewhere only for that channel's members. Each refusal is
 * checked on what the person reads and on what did not happen: no vendor call, no watch, no Slack post.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy-file.js';
import type { Store } from '../../src/domain/ports/store.js';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { ALICE, BOB, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

/** A private channel caseops is in, with Alice only. */
const PRIV = 'CPRIV0001';
/** A public channel with Alice and Bob. */
const LAB = 'CLAB00001';
const BOB_DM = 'DBOB00001';

const ref = (vendor: string, id: string) => JSON.stringify({ v: vendor, id });

async function answerTo(h: Harness, text: string, options: { user?: string; channel?: string } = {}) {
  const sent = await h.slack.command(text, options);
  expect(sent.status).toBe(200);
  const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  return { text: String(reply.body.text), blocks: blockText(reply.body.blocks) };
}

/** Vendor calls that mention the case (its lookup, notes, cancel). */
const equinixCallsFor = (h: Harness, id: string) =>
  h.sims.equinix.requests.filter((r) => r.path.includes(id)).length;

async function homeOf(h: Harness, user: string): Promise<string> {
  const before = h.fake.callsTo('views.publish').filter((c) => c.args.user_id === user).length;
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: `D${user.slice(1)}` });
  await h.fake.waitFor(
    () =>
      h.fake.callsTo('views.publish').filter((c) => c.args.user_id === user).length > before
        ? true
        : undefined,
    'App Home published',
  );
  const published = h.fake
    .callsTo('views.publish')
    .filter((c) => c.args.user_id === user)
    .at(-1)!;
  return blockText((published.args.view as { blocks: unknown[] }).blocks);
}

describe('every read obeys lookup (a policy that restricts lookup and says nothing of watch or audit)', () => {
  let dir: string;
  let h: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caseops-access-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      `version: 1
vendors:
  equinix:
    lookup:
      - name: equinix readers
        users: [${ALICE}]
`,
    );
    h = await startHarness({ vendors: ['equinix'], policy: loadPolicy(join(dir, 'policy.yaml')) });
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/case watch by someone lookup does not allow: refused, no vendor call, no watch, no card', async () => {
    const id = h.sims.equinix.seed({ description: 'Secret cage move' });
    const posts = h.fake.callsTo('chat.postMessage').length;
    const { text, blocks } = await answerTo(h, `watch eqx ${id}`, { user: BOB });
    expect(text).toContain(':no_entry:');
    expect(text).toContain('vendors.equinix.lookup');
    expect(`${text}${blocks}`).not.toContain('Secret cage move');
    expect(equinixCallsFor(h, id)).toBe(0);
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(posts);

    const allowed = await answerTo(h, `watch eqx ${id}`, { user: ALICE });
    expect(allowed.text).toContain(`Watching Equinix case \`${id}\``);
    expect(allowed.blocks).toContain('Secret cage move');
  });

  it('/case show, unwatch and audit by that person are refused the same way, with no vendor call', async () => {
    const id = h.sims.equinix.seed({ description: 'Audit me not' });
    await answerTo(h, `watch eqx ${id}`, { user: ALICE });
    const calls = equinixCallsFor(h, id);
    for (const command of [`show eqx ${id}`, `unwatch eqx ${id}`, `audit eqx ${id}`]) {
      const { text, blocks } = await answerTo(h, command, { user: BOB });
      expect(text, command).toContain(':no_entry:');
      expect(`${text}${blocks}`, command).not.toContain('Audit me not');
    }
    expect(equinixCallsFor(h, id)).toBe(calls);
    expect(await h.store.watchesOfCase('equinix', id)).toHaveLength(1);
    const trail = await answerTo(h, `audit eqx ${id}`, { user: ALICE });
    expect(trail.text).not.toContain(':no_entry:');
  });

  it('App Home lists a watched case only to people lookup allows', async () => {
    const id = h.sims.equinix.seed({ description: 'Home row' });
    await answerTo(h, `watch eqx ${id}`, { user: ALICE });
    expect(await homeOf(h, ALICE)).toContain(id);
    expect(await homeOf(h, BOB)).not.toContain(id);
  });

  it('"Post to channel" pressed by someone lookup does not allow posts nothing', async () => {
    const id = h.sims.equinix.seed({ description: 'Not for Bob' });
    await answerTo(h, `show eqx ${id}`, { user: ALICE });
    const card = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
    const calls = equinixCallsFor(h, id);
    const posts = h.fake.callsTo('chat.postMessage').length;
    await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.post', value: ref('equinix', id) },
      { user: BOB },
    );
    const told = await h.fake.waitFor(
      () => h.fake.responses.find((r) => String(r.body.text).includes(':no_entry:')),
      'the refusal',
    );
    expect(String(told.body.text)).toContain('vendors.equinix.lookup');
    expect(equinixCallsFor(h, id)).toBe(calls);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(posts);
  });
});

describe('cases stay where they live', () => {
  let h: Harness;
  const storeCalls: string[] = [];
  beforeAll(async () => {
    h = await startHarness({
      vendors: ['equinix', 'cisco'],
      channels: [
        { id: PRIV, name: 'incident-7', members: [ALICE], isPrivate: true },
        { id: LAB, name: 'lab', members: [ALICE, BOB] },
      ],
      wrapStore: (store) =>
        new Proxy(store, {
          get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver) as unknown;
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              storeCalls.push(String(property));
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }) as Store,
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a case first watched in a private channel is refused elsewhere to non-members, with no vendor call', async () => {
    const id = h.sims.equinix.seed({ description: 'Breach investigation' });
    const watched = await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: PRIV });
    expect(watched.text).toContain(`Watching Equinix case \`${id}\``);

    const calls = equinixCallsFor(h, id);
    const posts = h.fake.callsTo('chat.postMessage').length;
    for (const command of [`show eqx ${id}`, `watch eqx ${id}`, `audit eqx ${id}`]) {
      const { text, blocks } = await answerTo(h, command, { user: BOB, channel: NOC });
      expect(text, command).toContain(
        `:lock: Equinix case \`${id}\` belongs to a private channel you are not in`,
      );
      expect(`${text}${blocks}`, command).not.toContain('Breach investigation');
      expect(text, command).not.toContain(PRIV);
    }
    expect(equinixCallsFor(h, id)).toBe(calls);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(posts);
    expect((await h.store.watchesOfCase('equinix', id)).map((w) => w.channelId)).toEqual([PRIV]);

    // A member of the private channel may show it elsewhere.
    const alice = await answerTo(h, `show eqx ${id}`, { user: ALICE, channel: NOC });
    expect(alice.blocks).toContain('Breach investigation');
  });

  it('a note in a DM on a case homed in a private channel the writer is not in is refused before the vendor', async () => {
    const id = h.sims.equinix.seed();
    await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: PRIV });
    const calls = equinixCallsFor(h, id);
    const { text } = await answerTo(h, `note eqx ${id} Let me in`, { user: BOB, channel: BOB_DM });
    expect(text).toContain(':lock:');
    expect(equinixCallsFor(h, id)).toBe(calls);
  });

  it('/case list leaves out a case living in a private channel the viewer is not in', async () => {
    const ids = h.sims.cisco.seedMany(3, { contractId: '55500077' });
    const hidden = ids[0]!;
    await answerTo(h, `watch cisco ${hidden}`, { user: ALICE, channel: PRIV });
    const bob = await answerTo(h, 'list cisco contract 55500077', { user: BOB, channel: NOC });
    expect(bob.text).toContain('2 found');
    expect(bob.blocks).not.toContain(hidden);
    expect(bob.blocks).toContain(ids[1]);
    const alice = await answerTo(h, 'list cisco contract 55500077', { user: ALICE, channel: NOC });
    expect(alice.text).toContain('3 found');
  });

  it('/case watching in a shared channel leaves out a private channel’s case for people outside it', async () => {
    const id = h.sims.equinix.seed({ description: 'War room only' });
    await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: PRIV });
    // Alice, a member of the private channel, may watch it in the lab too.
    await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: LAB });
    const bob = await answerTo(h, 'watching', { user: BOB, channel: LAB });
    expect(`${bob.text}${bob.blocks}`).not.toContain('War room only');
    expect(`${bob.text}${bob.blocks}`).not.toContain(id);
    const alice = await answerTo(h, 'watching', { user: ALICE, channel: LAB });
    expect(alice.blocks).toContain('War room only');
  });

  it('a case first watched in a public channel stays open to everyone', async () => {
    const id = h.sims.equinix.seed({ description: 'Public works' });
    await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: NOC });
    await answerTo(h, `watch eqx ${id}`, { user: ALICE, channel: PRIV });
    const bob = await answerTo(h, `show eqx ${id}`, { user: BOB, channel: LAB });
    expect(bob.blocks).toContain('Public works');
  });

  it('/case audit shows entries from the viewer’s channels and their own, not those made in a private channel', async () => {
    const id = h.sims.equinix.seed();
    await answerTo(h, `note eqx ${id} Alice in private`, { user: ALICE, channel: PRIV });
    await answerTo(h, `note eqx ${id} Alice in lab`, { user: ALICE, channel: LAB });
    await answerTo(h, `note eqx ${id} Bob from his DM`, { user: BOB, channel: BOB_DM });
    const entries = await h.store.auditForCase('equinix', id);
    expect(entries).toHaveLength(3);
    const size = (detail: string) => `note of ${detail.length} characters`;

    const bob = await answerTo(h, `audit eqx ${id}`, { user: BOB, channel: NOC });
    expect(bob.blocks).toContain(size('Alice in lab'));
    expect(bob.blocks).toContain(size('Bob from his DM'));
    expect(bob.blocks).not.toContain(size('Alice in private'));

    const alice = await answerTo(h, `audit eqx ${id}`, { user: ALICE, channel: NOC });
    expect(alice.blocks).toContain(size('Alice in private'));
    expect(alice.blocks).toContain(size('Alice in lab'));
    // Bob's note was made in his DM: not a channel Alice is in.
    expect(alice.blocks).not.toContain(size('Bob from his DM'));
  });

  it('a note made in a DM updates the posted cards in place (a channel the writer is not in included), posting nothing', async () => {
    const id = h.sims.equinix.seed({ description: 'Shared fibre' });
    const privCard = await postCard(h, id, PRIV, ALICE);
    const labCard = await postCard(h, id, LAB, ALICE);
    const from = h.fake.calls.length;
    const noted = await answerTo(h, `note eqx ${id} Bob says the splice tray is cracked`, {
      user: BOB,
      channel: BOB_DM,
    });
    expect(noted.text).toContain('Note added');
    const updateOf = (card: FakeMessage) =>
      h.fake.waitFor(
        () =>
          h.fake.calls
            .slice(from)
            .find(
              (c) => c.method === 'chat.update' && c.args.channel === card.channel && c.args.ts === card.ts,
            ),
        `the card in ${card.channel} updated`,
      );
    const [priv, lab] = await Promise.all([updateOf(privCard), updateOf(labCard)]);
    for (const call of [priv, lab]) {
      expect(call.outcome).toBe('ok');
      expect(blockText((call.args as { blocks: unknown[] }).blocks)).toContain('Shared fibre');
    }
    // Which notes each channel's card may show is the case-cards use case's (test/domain/case-access.test.ts).
    expect(h.fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('App Home: the viewer’s channels’ watches in one store query, every one of them, the channel list cached', async () => {
    // More watched cases than the old 200-case cut, all sorting before the one in the viewer's channel.
    for (let i = 0; i < 205; i++) {
      await h.store.addWatch({
        vendor: 'cisco',
        caseId: `69${String(i).padStart(7, '0')}`,
        channelId: 'COTHER01',
        createdBy: BOB,
      });
    }
    const id = h.sims.equinix.seed({ description: 'Late in the list' });
    await answerTo(h, `watch eqx ${id}`, { user: BOB, channel: LAB });
    const secret = h.sims.equinix.seed({ description: 'Private watch' });
    await answerTo(h, `watch eqx ${secret}`, { user: ALICE, channel: PRIV });

    const conversationsBefore = h.fake
      .callsTo('users.conversations')
      .filter((c) => c.args.user === BOB).length;
    storeCalls.length = 0;
    const bob = await homeOf(h, BOB);
    expect(bob).toContain(id);
    expect(bob).toContain('Late in the list');
    expect(bob).not.toContain(secret);
    expect(bob).not.toContain('6900000');
    expect(storeCalls.filter((c) => c === 'watchesInChannels')).toHaveLength(1);
    expect(storeCalls).not.toContain('watchedCases');
    expect(storeCalls).not.toContain('watchesOfCase');

    expect(await homeOf(h, BOB)).toContain(id);
    const conversationsAfter = h.fake
      .callsTo('users.conversations')
      .filter((c) => c.args.user === BOB).length;
    // The second App Home within the minute reuses the first channel list.
    expect(conversationsAfter - conversationsBefore).toBeLessThanOrEqual(1);

    const alice = await homeOf(h, ALICE);
    expect(alice).toContain(secret);
  });
});

/** `/case show` in `channel` by `user`, then its "Post to channel": the posted card. */
async function postCard(h: Harness, id: string, channel: string, user: string): Promise<FakeMessage> {
  await answerTo(h, `show eqx ${id}`, { user, channel });
  const ephemeral = h.fake.messages.filter((m) => m.visibleTo === user && m.channel === channel).at(-1)!;
  await h.slack.pressOnMessage(
    { channel, ts: ephemeral.ts, ephemeral: true },
    { actionId: 'case.post', value: ref('equinix', id) },
    { user },
  );
  return h.fake.waitFor(
    () => h.fake.messagesIn(channel).find((m) => !m.visibleTo && blockText(m.blocks).includes(id)),
    `the card posted in ${channel}`,
  );
}
