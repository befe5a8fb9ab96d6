/**
 * A vendor case titled to ping a channel, through the real Bolt app (Slack harness): looked up, then posted
 * with the card's own button. Slack notifies from a message's fallback `text` as well as from its blocks, so
 * neither may carry a live broadcast, mention or disguised link; the title still reads as the vendor wrote it.
 * Also a short run of the renderer fuzz (the long one is in renderers.fuzz.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type Harness, NOC, startHarness } from '../support/slack-harness.js';
import { caseLinkLabels, liveProblem, renderAll, renderedProblems, renderInput } from './renderers.js';

const HOSTILE_TITLE =
  '<!channel> core down <@UBOB0001> <https://evil.example|https://portal.example> <!here>';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendors: ['equinix'] });
});
afterAll(async () => {
  await h?.stop();
});

/** The mrkdwn texts in a block tree (plain_text is shown as typed, so it cannot ping). */
function mrkdwnIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (record.type === 'mrkdwn' && typeof record.text === 'string') return [record.text];
  return Object.values(record).flatMap(mrkdwnIn);
}

/** Every `<…>` token Slack would read as a broadcast, a mention, a channel or a link. */
const liveTokens = (text: string) =>
  [...text.matchAll(/<[!@#]?[^<>]*>/g)].map((m) => m[0]).filter((t) => !t.startsWith('<!date^'));

describe('a case titled to ping everyone', () => {
  it('pings nobody from the ephemeral card or the posted one, in the fallback text or the blocks', async () => {
    const id = h.sims.equinix.seed({ description: HOSTILE_TITLE });
    const sent = await h.slack.command(`show equinix ${id}`, { channel: NOC });
    const response = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    const card = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1);
    if (!card) throw new Error('no ephemeral card');

    const from = h.fake.calls.length;
    await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.post', value: JSON.stringify({ v: 'equinix', id }) },
    );
    const post = await h.fake.waitForCall('chat.postMessage', (c) => h.fake.calls.indexOf(c) >= from);
    expect(post.outcome).toBe('ok');

    const ephemeralText = String(response.body.text ?? '');
    const postedText = String(post.args.text ?? '');
    // The title is there to read, escaped: Slack shows &lt; as "<".
    expect(postedText).toContain('&lt;!channel&gt; core down');
    expect(ephemeralText).toContain('&lt;!channel&gt; core down');
    const mrkdwn = [...mrkdwnIn(response.body.blocks), ...mrkdwnIn(post.args.blocks)];
    // The card's header shows the title as plain text, literally.
    expect(JSON.stringify(post.args.blocks)).toContain(
      '"type":"header","text":{"type":"plain_text","text":"<!channel> core down',
    );
    for (const text of [ephemeralText, postedText, ...mrkdwn]) expect(liveTokens(text)).toEqual([]);
  });
});

describe('hostile vendor text through every renderer (short run)', () => {
  it('pings nobody, shows no disguised link and fits the limits over 200 inputs', () => {
    fc.assert(
      fc.property(renderInput, (input) => {
        const ownLabels = caseLinkLabels(input);
        const problems = renderAll(input).flatMap((rendered) => renderedProblems(rendered, ownLabels));
        expect(problems).toEqual([]);
      }),
      { numRuns: 200, seed: 20260603 },
    );
  });

  it('the check itself sees a raw broadcast, a foreign mention and a disguised link', () => {
    expect(liveProblem('<!channel> down')).toMatch(/broadcast/);
    expect(liveProblem('by <@U123>')).toMatch(/mention/);
    expect(liveProblem('<https://evil.example|https://portal.example>')).toMatch(/hostile address/);
    expect(liveProblem('<https://support.example/1|portal.example.com>')).toMatch(/disguised/);
    expect(liveProblem('&lt;!channel&gt; <!date^1700000000^{date}|Nov 14> by <@UACTOR001>')).toBeUndefined();
  });
});
