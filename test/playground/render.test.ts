/**
 * The page's Block Kit and mrkdwn renderer (playground/public/render.js): Slack's formatting, everything
 * from the app, vendors and people escaped, links limited to safe schemes, unknown blocks shown as JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSlackDate,
  renderBlocks,
  renderModalBlocks,
  renderMrkdwn,
  safeUrl,
} from '../../playground/public/render.js';

const ctx = {
  users: { U0ALEX: 'Alex Rivera' },
  channels: { C0NOC: 'noc' },
  timeZone: 'Europe/Amsterdam',
  // 2026-11-23 12:00 UTC, a Monday.
  now: Date.UTC(2026, 10, 23, 12, 0, 0),
};

/** The renderer's own markup, removed to check that nothing else in the output is markup. */
const OWN_TAGS = [
  /<\/?(b|i|s|code|blockquote)>/g,
  /<br>/g,
  /<pre class="mrkdwn-pre">|<\/pre>/g,
  /<span class="mention">|<\/span>/g,
  /<time class="slack-date" title="[^"<>]*">|<\/time>/g,
  /<a href="[^"<>]*" target="_blank" rel="noopener noreferrer">|<\/a>/g,
];

function withoutOwnTags(html: string): string {
  return OWN_TAGS.reduce((text, tag) => text.replace(tag, ''), html);
}

describe('mrkdwn', () => {
  it.each([
    ['*bold* and _italic_ and ~struck~', '<b>bold</b> and <i>italic</i> and <s>struck</s>'],
    ['*a _nested_ one*', '<b>a <i>nested</i> one</b>'],
    ['snake_case_name and 2*3*4', 'snake_case_name and 2*3*4'],
    ['`x < y` then ```a\n*b*\n```', '<code>x &lt; y</code> then <pre class="mrkdwn-pre">a\n*b*</pre>'],
    [
      'line one\n>quoted *bold*\n>second\nafter',
      'line one<blockquote>quoted <b>bold</b><br>second</blockquote>after',
    ],
    ['&gt; typed quote', '<blockquote> typed quote</blockquote>'],
    ['Tom &amp; Jerry &lt;3', 'Tom &amp; Jerry &lt;3'],
    [':white_check_mark: done :not_an_emoji:', '✅ done :not_an_emoji:'],
  ])('%j', (input, html) => {
    expect(renderMrkdwn(input, ctx)).toBe(html);
  });

  it('renders links, user and channel mentions and special mentions', () => {
    expect(renderMrkdwn('<https://example.com/a?b=1&amp;c=2|the *portal*>', ctx)).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the *portal*</a>',
    );
    expect(renderMrkdwn('<mailto:noc@example.com>', ctx)).toContain('href="mailto:noc@example.com"');
    expect(renderMrkdwn('see https://example.com/x_y_z.', ctx)).toBe(
      'see <a href="https://example.com/x_y_z" target="_blank" rel="noopener noreferrer">https://example.com/x_y_z</a>.',
    );
    expect(renderMrkdwn('<@U0ALEX> in <#C0NOC> and <#C999|elsewhere>, <!here>', ctx)).toBe(
      '<span class="mention">@Alex Rivera</span> in <span class="mention">#noc</span> and <span class="mention">#elsewhere</span>, <span class="mention">@here</span>',
    );
  });

  it('renders date tokens in the viewer time zone, with relative days', () => {
    const noonUtc = ctx.now / 1000;
    expect(renderMrkdwn(`<!date^${noonUtc}^{date_short_pretty} {time}|2026-11-23 12:00 UTC>`, ctx)).toBe(
      '<time class="slack-date" title="2026-11-23 12:00 UTC">today 1:00 PM</time>',
    );
    expect(formatSlackDate(noonUtc - 86_400, '{date_pretty}', ctx)).toBe('yesterday');
    expect(formatSlackDate(noonUtc + 86_400, '{date_short_pretty}', ctx)).toBe('tomorrow');
    expect(formatSlackDate(noonUtc - 3 * 86_400, '{date_long} at {time_secs}', ctx)).toBe(
      'Friday, November 20th, 2026 at 1:00:00 PM',
    );
    expect(formatSlackDate(noonUtc, '{date_num} {date} {date_short}', ctx)).toBe(
      '2026-11-23 November 23rd, 2026 Nov 23, 2026',
    );
    expect(formatSlackDate(noonUtc - 180, '{ago} {unknown}', ctx)).toBe('3 minutes ago {unknown}');
  });

  it('escapes markup and refuses unsafe links', () => {
    expect(renderMrkdwn('<script>alert(1)</script>', ctx)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(renderMrkdwn('<javascript:alert(1)|click me>', ctx)).toBe('click me');
    expect(renderMrkdwn('<https://x.io/"onmouseover="alert(1)|x>', ctx)).toContain(
      'href="https://x.io/&quot;onmouseover=&quot;alert(1)"',
    );
    expect(renderMrkdwn('*<img src=x onerror=alert(1)>*', ctx)).not.toContain('<img');
    expect(safeUrl('JavaScript:alert(1)')).toBeUndefined();
    expect(safeUrl('https://ok.example/\u0000')).toBeUndefined();
    expect(safeUrl('https://ok.example/path')).toBe('https://ok.example/path');
  });

  it('never produces markup of its own making from any text', () => {
    const slacky = fc.constantFrom(
      '<',
      '>',
      '&',
      '"',
      "'",
      '*',
      '_',
      '~',
      '`',
      '|',
      '@',
      '#',
      '!',
      ':',
      '\n',
      'a',
      ' ',
      '/',
      '^',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(slacky, { maxLength: 40 }).map((a) => a.join('')),
        ),
        (text) => {
          const rest = withoutOwnTags(renderMrkdwn(text, ctx));
          expect(rest).not.toMatch(/[<>]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('blocks', () => {
  it('renders the blocks caseops sends', () => {
    const html = renderBlocks(
      [
        { type: 'header', text: { type: 'plain_text', text: ':eyes: <b>Case</b>', emoji: true } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Status*' },
          fields: [{ type: 'mrkdwn', text: '*Vendor*\nCisco' }],
          accessory: { type: 'button', text: { type: 'plain_text', text: 'Show' }, action_id: 'show' },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: '_small_' },
            { type: 'image', image_url: 'https://x.io/a.png', alt_text: 'logo' },
          ],
        },
        { type: 'divider' },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Cancel case' },
              style: 'danger',
              action_id: 'c',
            },
            { type: 'button', text: { type: 'plain_text', text: 'Post' }, style: 'primary', action_id: 'p' },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Portal' },
              url: 'https://portal.example/1',
              action_id: 'u',
            },
          ],
        },
        { type: 'image', image_url: 'https://x.io/graph.png', alt_text: 'traffic graph' },
      ],
      ctx,
    );
    expect(html).toContain('<div class="block block-header">👀 &lt;b&gt;Case&lt;/b&gt;</div>');
    expect(html).toContain('<div class="field"><b>Vendor</b><br>Cisco</div>');
    expect(html).toContain('data-block="1" data-element="accessory">Show</button>');
    expect(html).toContain('<hr class="block block-divider">');
    expect(html).toContain('class="btn btn-danger" data-block="4" data-element="0">Cancel case</button>');
    expect(html).toContain('class="btn btn-primary" data-block="4" data-element="1">Post</button>');
    expect(html).toContain('href="https://portal.example/1"');
    // Images are links: the page loads nothing from elsewhere.
    expect(html).not.toContain('<img');
    expect(html).toContain(
      'href="https://x.io/graph.png" target="_blank" rel="noopener noreferrer"><span class="image-link">🖼 traffic graph</span>',
    );
  });

  it('shows blocks and elements it does not render as their JSON', () => {
    const html = renderBlocks(
      [
        {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: '<hi>' }] }],
        },
        {
          type: 'actions',
          elements: [{ type: 'workflow_button', text: { type: 'plain_text', text: 'Run' } }],
        },
      ],
      ctx,
    );
    expect(html).toContain('Block &quot;rich_text&quot; (the playground shows it as JSON)');
    expect(html).toContain('&quot;text&quot;: &quot;&lt;hi&gt;&quot;');
    expect(html).toContain('Element &quot;workflow_button&quot;');
    expect(renderBlocks('not a list', ctx)).toContain('Blocks that are not a list');
  });
});

describe('modal forms', () => {
  const input = (blockId: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: blockId },
    element: { action_id: 'value', ...element },
    ...extra,
  });
  const option = (value: string) => ({ text: { type: 'plain_text', text: `Option ${value}` }, value });

  it('renders every input element caseops or Slack forms use, with initial values', () => {
    const html = renderModalBlocks(
      [
        input('single', { type: 'plain_text_input', initial_value: 'a "quoted" value', max_length: 100 }),
        input('multi', { type: 'plain_text_input', multiline: true, initial_value: '</textarea><b>x' }),
        input('select', {
          type: 'static_select',
          options: [option('1'), option('2')],
          initial_option: option('2'),
        }),
        input('many', {
          type: 'multi_static_select',
          options: [option('1'), option('2')],
          initial_options: [option('1')],
        }),
        input('day', { type: 'datepicker', initial_date: '2026-11-23' }),
        input('when', { type: 'datetimepicker' }),
        input('boxes', { type: 'checkboxes', options: [option('x')] }),
        input('radio', {
          type: 'radio_buttons',
          options: [option('y'), option('z')],
          initial_option: option('z'),
        }),
        input('mail', { type: 'email_text_input', initial_value: 'noc@example.com' }),
        input('site', { type: 'url_text_input' }),
        input('people', { type: 'multi_users_select', initial_users: ['U0ALEX'] }, { optional: true }),
        input('odd', { type: 'file_input' }),
      ],
      ctx,
      { single: 'Too short: <b>fix</b>' },
    );
    expect(html).toContain('type="text" value="a &quot;quoted&quot; value" data-kind="plain_text_input"');
    expect(html).toContain('maxlength="100"');
    expect(html).toContain('&lt;/textarea&gt;&lt;b&gt;x</textarea>');
    expect(html).toContain('<option value="2" selected>Option 2</option>');
    expect(html).toMatch(/type="checkbox" name="many::value" value="1" checked/);
    expect(html).toContain('type="date" value="2026-11-23"');
    expect(html).toContain('type="datetime-local" value=""');
    expect(html).toMatch(/type="radio" name="radio::value" value="z" checked/);
    expect(html).toContain('type="email" value="noc@example.com"');
    expect(html).toContain('type="url" value=""');
    expect(html).toMatch(/value="U0ALEX" checked> <span>Alex Rivera<\/span>/);
    expect(html).toContain('<span class="optional">(optional)</span>');
    expect(html).toContain('Input element &quot;file_input&quot; (the playground shows it as JSON)');
    // The error sits under its own field, escaped.
    expect(html).toMatch(
      /data-input-block="single"[\s\S]*?<div class="field-error" role="alert">Too short: &lt;b&gt;fix&lt;\/b&gt;<\/div>/,
    );
    expect(html.match(/class="block block-input has-error"/g)).toHaveLength(1);
  });
});
