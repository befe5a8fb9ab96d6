/**
 * The `/case` grammar: every subcommand's good forms, a specific answer plus the usage line for every bad
 * form, and a fuzz proving nothing but InvalidInputError ever escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/domain/errors.js';
import { parseCaseCommand } from '../../../../src/slack/listeners/commands/parser.js';
import { subcommands } from '../../../../src/slack/listeners/commands/subcommands.js';
import { defineSubcommand } from '../../../../src/slack/listeners/commands/types.js';

function parsed(text: string) {
  const { subcommand, args } = parseCaseCommand(text);
  return { name: subcommand.name, args };
}

function refusal(text: string): string {
  try {
    parseCaseCommand(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('/case grammar: accepted forms', () => {
  it.each([
    ['', 'help', {}],
    ['help', 'help', {}],
    ['HELP', 'help', {}],
    ['open', 'open', {}],
    ['open EQX', 'open', { vendor: 'equinix' }],
    ['open motadata', 'open', { vendor: 'motadata' }],
    ['show jnpr CO-1', 'show', { vendor: 'juniper', id: 'CO-1' }],
    ['get Equinix 11150929', 'show', { vendor: 'equinix', id: '11150929' }],
    ['watch cisco 682299374', 'watch', { vendor: 'cisco', id: '682299374' }],
    ['unwatch eqx 11150929', 'unwatch', { vendor: 'equinix', id: '11150929' }],
    ['watching', 'watching', {}],
    ['cancel eqx 11150929', 'cancel', { vendor: 'equinix', id: '11150929', reason: undefined }],
    ['note eqx 11150929', 'note', { vendor: 'equinix', id: '11150929', text: undefined }],
  ])('"/case %s"', (text, name, args) => {
    expect(parsed(text)).toEqual({ name, args });
  });

  it('keeps a note as typed (line breaks, spacing) and undoes Slack escaping', () => {
    expect(parsed('note eqx 11150929 Optic swapped &amp; link up\n  rx -3.1 dBm &lt;ok&gt;').args).toEqual({
      vendor: 'equinix',
      id: '11150929',
      text: 'Optic swapped & link up\n  rx -3.1 dBm <ok>',
    });
  });

  it('keeps the cancel reason as typed', () => {
    expect(parsed('cancel eqx 11150929   Opened by mistake, sorry').args).toMatchObject({
      reason: 'Opened by mistake, sorry',
    });
  });

  it('reads a full list query, in any order after the ids', () => {
    expect(
      parsed('list cisco contract 123456789, 987654321 closed to 2026-02-01 from 2026-01-01').args,
    ).toEqual({
      vendor: 'cisco',
      query: {
        by: 'contract',
        ids: ['123456789', '987654321'],
        status: 'closed',
        from: '2026-01-01',
        to: '2026-02-01',
      },
    });
    expect(parsed('list cisco user jdoe').args).toEqual({
      vendor: 'cisco',
      query: { by: 'user', ids: ['jdoe'] },
    });
  });
});

describe('/case grammar: refusals say what is wrong and how to use the subcommand', () => {
  it.each([
    ['frobnicate', /"frobnicate" is not a \/case subcommand/, /Usage: \/case help\|open\|show/],
    ['show', /Which vendor\?/, /Usage: \/case show <vendor> <id>/],
    ['show acme 1', /"acme" is not a vendor caseops knows/, /Usage: \/case show <vendor> <id>/],
    ['show csico 1', /"csico" is not a vendor caseops knows\. Did you mean cisco\?/, /Usage: \/case show/],
    [
      'show jnrp 1',
      /Did you mean juniper\?/,
      /Use equinix \(eqx\), cisco \(csco\), juniper \(jnpr\) or motadata \(itsm\)/,
    ],
    ['show eqx', /Which case\? Add the case id/, /Usage: \/case show <vendor> <id>/],
    ['show eqx 1 2', /I don't know what to do with "2"/, /Usage: \/case show/],
    ['note', /Which vendor\?/, /Usage: \/case note <vendor> <id> \[text\]/],
    ['note eqx', /Which case\?/, /Usage: \/case note/],
    ['cancel jnpr', /Which case\?/, /Usage: \/case cancel <vendor> <id> \[reason\]/],
    ['watch', /Which vendor\?/, /Usage: \/case watch <vendor> <id>/],
    ['unwatch eqx', /Which case\?/, /Usage: \/case unwatch/],
    ['watching now', /I don't know what to do with "now"/, /Usage: \/case watching/],
    ['open acme', /"acme" is not a vendor/, /Usage: \/case open \[vendor\]/],
    ['help me', /I don't know what to do with "me"/, /Usage: \/case help/],
    ['list cisco', /List by what\?/, /Usage: \/case list cisco contract\|user/],
    ['list cisco team 1', /"team" is not "contract" or "user"/, /Usage: \/case list/],
    ['list cisco contract', /Which contract ids\?/, /Usage: \/case list/],
    ['list cisco contract 1 from 2026-13-01', /"2026-13-01" is not a date/, /YYYY-MM-DD/],
    ['list cisco contract 1 from', /Add a date after "from"/, /Usage: \/case list/],
    [
      'list cisco contract 1 from 2026-02-01 to 2026-01-01',
      /"from" 2026-02-01 is after "to" 2026-01-01/,
      /Usage/,
    ],
    ['list cisco contract 1 open closed', /"open" or "closed" once/, /Usage/],
    ['list cisco contract 1,2,3,4,5,6,7,8,9,10,11', /At most 10 contract ids/, /Usage/],
    ['list cisco contract 1 open later', /I don't know what to do with "later"/, /Usage/],
    ['list cisco contract a/b', /"a\/b" is not a contract id/, /Usage/],
  ])('"/case %s"', (text, problem, usage) => {
    const message = refusal(text);
    expect(message).toMatch(problem);
    expect(message).toMatch(usage);
    expect(message.split('\n')).toHaveLength(2);
  });

  it('does not echo markup back (no mentions or formatting from what was typed)', () => {
    const message = refusal('show <!channel> 1');
    expect(message).not.toContain('<!channel>');
  });

  it('refuses a note longer than notes may be', () => {
    expect(refusal(`note eqx 11150929 ${'x'.repeat(3001)}`)).toMatch(/at most 3000/);
  });

  it('refuses an absurdly long command', () => {
    expect(refusal(`show eqx ${'1'.repeat(9000)}`)).toMatch(/too long/);
  });
});

describe('/case grammar: robustness', () => {
  const words = fc.constantFrom(
    'help',
    'open',
    'show',
    'get',
    'note',
    'cancel',
    'list',
    'watch',
    'unwatch',
    'watching',
    'digest',
    'eqx',
    'equinix',
    'EQX',
    'jnpr',
    'cisco',
    'motadata',
    'acme',
    'contract',
    'user',
    'open',
    'closed',
    'from',
    'to',
    '2026-01-01',
    '2026-02-30',
    '11150929',
    '1,2,3',
    ',',
    '',
    '&amp;',
    '<@U1>',
    '\u0000',
    '😀',
  );
  const commandLike = fc
    .array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 12 })
    .map((w) => w.join(' '));

  it('throws nothing but InvalidInputError for any input (10,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          commandLike,
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 100, unit: 'binary' }),
          // Injection attempts in ids and notes, and texts far past Slack's length.
          fc
            .tuple(
              fc.constantFrom(
                'show eqx',
                'note eqx 11150929',
                'cancel cisco',
                'watch jnpr',
                'list cisco contract',
              ),
              fc.constantFrom(
                '../../etc',
                '%2e%2e%2f',
                "'; drop table watches; --",
                '<!channel>',
                '1\n2',
                '{{x}} $(id)',
              ),
            )
            .map((parts) => parts.join(' ')),
          fc.integer({ min: 7990, max: 20_000 }).map((n) => `note eqx 11150929 ${'x'.repeat(n)}`),
        ),
        (text) => {
          try {
            parseCaseCommand(text);
          } catch (error) {
            if (!(error instanceof InvalidInputError)) throw error;
            expect(error.message).toContain('Usage: /case');
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('turns a bug in a subcommand grammar into a usage answer, not a crash', () => {
    const broken = defineSubcommand({
      name: 'boom',
      usage: '/case boom',
      summary: 'breaks',
      parse: () => {
        throw new TypeError('undefined is not a function');
      },
      run: async () => {},
    });
    expect(() => parseCaseCommand('boom', [...subcommands, broken])).toThrow(InvalidInputError);
  });

  it('lists every subcommand in the table, and a new one is one entry away', () => {
    const extra = defineSubcommand({
      name: 'ping',
      usage: '/case ping',
      summary: 'pong',
      parse: () => ({}),
      run: async () => {},
    });
    expect(parseCaseCommand('PING', [...subcommands, extra]).subcommand.name).toBe('ping');
    expect(refusal('ping')).toMatch(/not a \/case subcommand/);
  });
});
