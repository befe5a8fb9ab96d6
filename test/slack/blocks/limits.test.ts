import { describe, expect, it } from 'vitest';
import type { Case } from '../../../src/domain/case.js';
import { validateBlocks } from '../../../src/playground/fake-slack-api.js';
import { buildCaseCard } from '../../../src/slack/blocks/case-card.js';
import { button, header, section } from '../../../src/slack/blocks/kit.js';
import {
  blockTextLength,
  escapeMrkdwn,
  fitBlocks,
  fitMessage,
  fitModal,
  SLACK_LIMITS,
  splitText,
  truncate,
  unescapeSlackText,
} from '../../../src/slack/blocks/limits.js';

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('splitText', () => {
  it('splits on line or word boundaries into chunks within the limit, losing nothing but the breaks', () => {
    const text = `${'word '.repeat(900)}\n\n${'line\n'.repeat(400)}`;
    const chunks = splitText(text, 3000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
    expect(chunks.join(' ').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });

  it('hard-cuts a text without any break', () => {
    const chunks = splitText('x'.repeat(7001), 3000);
    expect(chunks.map((c) => c.length)).toEqual([3000, 3000, 1001]);
  });
});

describe('escaping', () => {
  it('escapes the three mrkdwn control characters and undoes Slack command escaping', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(unescapeSlackText('a &lt;b&gt; &amp;amp;')).toBe('a <b> &amp;');
  });
});

describe('fitting messages and modals', () => {
  it('caps a message at 50 blocks, keeps the trailing buttons and says how many were left out', () => {
    const blocks = [
      ...Array.from({ length: 80 }, (_, i) => section(`line ${i}`)),
      { type: 'actions' as const, elements: [button({ text: 'Go', actionId: 'go' })] },
    ];
    const fitted = fitMessage({ text: 'x', blocks });
    expect(fitted.blocks).toHaveLength(SLACK_LIMITS.message.blocks);
    expect(fitted.blocks.at(-1)?.type).toBe('actions');
    expect(JSON.stringify(fitted.blocks.at(-2))).toContain('32 more not shown');
    expect(() => validateBlocks(fitted.blocks, 'message')).not.toThrow();
  });

  it('shortens the longest texts until the whole message is under the total Slack accepts', () => {
    const blocks = Array.from({ length: 8 }, () => section('y'.repeat(3000)));
    const fitted = fitBlocks(blocks, 50, SLACK_LIMITS.message.totalBlockTextChars);
    const total = fitted.reduce((n, b) => n + blockTextLength(b), 0);
    expect(total).toBeLessThanOrEqual(SLACK_LIMITS.message.totalBlockTextChars);
    expect(() => validateBlocks(fitted, 'message')).not.toThrow();
    // The original is untouched (builders may reuse blocks).
    expect(blockTextLength(blocks[0]!)).toBe(3000);
  });

  it('never sends an empty fallback text', () => {
    expect(fitMessage({ text: '  ', blocks: [header('h')] }).text).toBe('caseops');
  });

  it('cuts modal titles and buttons to 24 characters and refuses metadata it would have to corrupt', () => {
    const view = fitModal({
      type: 'modal',
      title: { type: 'plain_text', text: 'A title far longer than twenty-four characters' },
      submit: { type: 'plain_text', text: 'Submit this rather long form now' },
      blocks: [],
    });
    expect(view.title.text).toHaveLength(24);
    expect(view.submit?.text).toHaveLength(24);
    expect(() =>
      fitModal({
        type: 'modal',
        title: { type: 'plain_text', text: 't' },
        blocks: [],
        private_metadata: 'x'.repeat(3001),
      }),
    ).toThrow(/3000/);
  });

  it('a card for a case with huge vendor texts still passes Slack’s checks', () => {
    const big: Case = {
      vendor: 'equinix',
      id: '11150929',
      alternateIds: ['1-204976070710'],
      title: 'T'.repeat(5000),
      status: 'IN_PROGRESS',
      state: 'open',
      severity: 'S'.repeat(3000),
      owner: '<!channel> & friends',
      createdAt: '2026-01-01T10:00:00Z',
      updatedAt: '2026-01-02T10:00:00Z',
      url: 'https://portal.equinix.com/cases/11150929',
      notes: Array.from({ length: 40 }, (_, i) => ({
        text: `note ${i} ${'n'.repeat(5000)}`,
        author: 'Equinix NOC',
        createdAt: '2026-01-02T10:00:00Z',
      })),
      fields: Array.from({ length: 30 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(4000) })),
    };
    const card = fitMessage(
      buildCaseCard(big, {
        surface: 'ephemeral',
        capabilities: new Set(['lookup', 'annotate', 'cancel']),
        openedBy: 'U1',
        watchedHere: true,
      }),
    );
    expect(() => validateBlocks(card.blocks, 'message')).not.toThrow();
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
  });
});
