import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  loadPolicy,
  loadPolicyFile,
  PolicyFileError,
  type PolicyProblem,
  parsePolicy,
} from '../../src/config/policy-file.js';

function problemsOf(text: string, file = 'policy.yaml'): PolicyProblem[] {
  try {
    parsePolicy(text, file);
  } catch (error) {
    if (error instanceof PolicyFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

function onlyProblem(text: string): PolicyProblem {
  const problems = problemsOf(text);
  expect(problems.map(formatProblem)).toHaveLength(1);
  return problems[0]!;
}

describe('policy file: valid files', () => {
  it('loads the shipped example', () => {
    const policy = loadPolicyFile(fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url)));
    const juniperOpen = policy.rulesFor('open', 'juniper');
    expect(juniperOpen.path).toBe('vendors.juniper.open');
    expect(juniperOpen.rules.map((r) => r.maxSeverity)).toEqual([undefined, 2]);
    expect(policy.rulesFor('open', 'motadata').path).toBe('defaults.open');
    expect(policy.rulesFor('lookup', 'cisco').path).toBe('built-in default');
    expect(policy.rulesFor('digest').rules[0]?.channels).toEqual(['C0NOC00001']);
  });

  it('reads JSON with the same meaning, tabs and all', () => {
    const policy = parsePolicy(
      '{\n\t"version": 1,\n\t"vendors": {"cisco": {"cancel": [{"users": ["U0ALICE"], "name": "alice"}]}}\n}\n',
      'policy.json',
    );
    const cancel = policy.rulesFor('cancel', 'cisco');
    expect(cancel.rules).toMatchObject([{ name: 'alice', users: ['U0ALICE'], anyone: false }]);
    expect(cancel.source).toBe('policy.json line 3');
  });

  it('names rules by where they sit when they have no name, with their line', () => {
    const policy = parsePolicy(
      'version: 1\ndefaults:\n  cancel:\n    - users: [U0ALICE]\n    - channels: [C0NOC]\n',
      '/etc/caseops/policy.yaml',
    );
    const rules = policy.rulesFor('cancel', 'equinix').rules;
    expect(rules.map((r) => [r.name, r.source, r.anyone])).toEqual([
      ['defaults.cancel[0]', 'policy.yaml line 4', false],
      ['defaults.cancel[1]', 'policy.yaml line 5', true],
    ]);
  });

  it('accepts severities as numbers, Juniper priorities and Motadata levels', () => {
    const policy = parsePolicy(
      [
        'version: 1',
        'defaults:',
        '  open:',
        '    - {users: [U1A], maxSeverity: 1}',
        '    - {users: [U2A], maxSeverity: "3"}',
        '    - {users: [U3A], maxSeverity: 2 - High}',
        '    - {users: [U4A], maxSeverity: urgent}',
        '    - {users: [U5A], maxSeverity: LOW}',
      ].join('\n'),
      'p.yaml',
    );
    expect(policy.rulesFor('open').rules.map((r) => r.maxSeverity)).toEqual([1, 3, 2, 1, 4]);
  });

  it('uses the built-in default without a path', () => {
    expect(loadPolicy(undefined).origin).toBe('built-in default');
  });
});

describe('policy file: problems name the file, line and column', () => {
  it('a wrong type: a single id where a list is expected', () => {
    const problem = onlyProblem('version: 1\ndefaults:\n  cancel:\n    - groups: S0ONCALL\n');
    expect(formatProblem(problem)).toBe(
      'policy.yaml:4:15: defaults.cancel[0].groups: expected a list of Slack user group ids, e.g. [S0614TZR7]; got "S0ONCALL"',
    );
  });

  it('a wrong type: a rule list written as a mapping', () => {
    const problem = onlyProblem('version: 1\ndefaults:\n  watch:\n    anyone: true\n');
    expect(problem).toMatchObject({ line: 4, column: 5, path: 'defaults.watch' });
    expect(problem.message).toContain('expected a list of rules');
    expect(problem.message).toContain('got a mapping');
  });

  it('an unknown action, with a suggestion', () => {
    const problem = onlyProblem('version: 1\nvendors:\n  equinix:\n    note:\n      - anyone: true\n');
    expect(formatProblem(problem)).toMatch(
      /^policy\.yaml:4:5: vendors\.equinix\.note: unknown action "note"; did you mean "annotate"\?/,
    );
  });

  it('a misspelt action gets the closest name', () => {
    expect(onlyProblem('version: 1\ndefaults:\n  cancle: []\n').message).toContain('did you mean "cancel"?');
  });

  it('digest under a vendor says where it belongs', () => {
    const problem = onlyProblem('version: 1\nvendors:\n  cisco:\n    digest: []\n');
    expect(problem).toMatchObject({ line: 4, column: 5 });
    expect(problem.message).toContain('put "digest" under "defaults"');
  });

  it('an unknown vendor, by alias or typo', () => {
    const problems = problemsOf('version: 1\nvendors:\n  jnpr: {}\n  csico: {}\n');
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^policy\.yaml:3:3: vendors\.jnpr: unknown vendor "jnpr"; did you mean "juniper"\?/,
      ),
      expect.stringMatching(
        /^policy\.yaml:4:3: vendors\.csico: unknown vendor "csico"; did you mean "cisco"\?/,
      ),
    ]);
  });

  it('a bad user id shape, including an @name', () => {
    const problems = problemsOf('version: 1\ndefaults:\n  open:\n    - users: [U0ALICE, "@bob", u0carol]\n');
    expect(problems.map((p) => [p.line, p.column, p.path])).toEqual([
      [4, 24, 'defaults.open[0].users[1]'],
      [4, 32, 'defaults.open[0].users[2]'],
    ]);
    expect(problems[0]!.message).toContain('expected a Slack user id such as U024BE7LH');
    expect(problems[0]!.message).toContain('write the id, not the @name');
  });

  it('a bad channel id and a bad group id', () => {
    const problems = problemsOf(
      'version: 1\ndefaults:\n  cancel:\n    - groups: [U0ALICE]\n      channels: [noc]\n',
    );
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'defaults.cancel[0].groups[0]'],
      [5, 'defaults.cancel[0].channels[0]'],
    ]);
    expect(problems[0]!.message).toContain('Slack user group id');
    expect(problems[1]!.message).toContain('Slack channel id');
  });

  it('a bad severity', () => {
    const problem = onlyProblem(
      'version: 1\nvendors:\n  juniper:\n    open:\n      - anyone: true\n        maxSeverity: 5 - Whenever\n',
    );
    expect(problem).toMatchObject({ line: 6, column: 22, path: 'vendors.juniper.open[0].maxSeverity' });
    expect(problem.message).toContain('expected 1 (most severe) to 4');
    expect(problem.message).toContain('got "5 - Whenever"');
  });

  it('maxSeverity on an action other than open', () => {
    const problem = onlyProblem(
      'version: 1\ndefaults:\n  cancel:\n    - anyone: true\n      maxSeverity: 1\n',
    );
    expect(problem).toMatchObject({ line: 5, column: 7, message: 'maxSeverity only applies to open rules' });
  });

  it('an unknown rule key, with a suggestion', () => {
    const problem = onlyProblem('version: 1\ndefaults:\n  cancel:\n    - user: [U0ALICE]\n');
    expect(problem).toMatchObject({ line: 4, column: 7, path: 'defaults.cancel[0].user' });
    expect(problem.message).toContain('did you mean "users"?');
  });

  it('a rule that allows nobody, and anyone mixed with users', () => {
    const problems = problemsOf(
      'version: 1\ndefaults:\n  cancel:\n    - name: empty\n    - anyone: true\n      users: [U0ALICE]\n',
    );
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [4, 7],
      [5, 7],
    ]);
    expect(problems[0]!.message).toContain('this rule allows nobody');
    expect(problems[1]!.message).toContain('cannot also list users or groups');
  });

  it('a missing or wrong version', () => {
    expect(formatProblem(onlyProblem('defaults: {}\n'))).toBe(
      'policy.yaml:1:1: version: is missing; expected version: 1',
    );
    expect(formatProblem(onlyProblem('version: 2\n'))).toBe(
      'policy.yaml:1:10: version: expected version: 1; got number 2',
    );
  });

  it('YAML syntax errors, and JSON syntax errors', () => {
    const yamlProblem = onlyProblem('version: 1\ndefaults:\n  open: [\n');
    expect(yamlProblem.line).toBeGreaterThanOrEqual(3);
    expect(yamlProblem.message).toMatch(/^not valid YAML or JSON: /);

    const jsonProblems = problemsOf('{\n  "version": 1,\n  "defaults": {"open": [}\n}\n', 'policy.json');
    expect(jsonProblems[0]).toMatchObject({ file: 'policy.json', line: 3 });
  });

  it('duplicate keys', () => {
    const problem = onlyProblem('version: 1\ndefaults:\n  open: []\n  open: []\n');
    expect(problem).toMatchObject({ line: 4 });
    expect(problem.message).toContain('unique');
  });

  it('an empty file and a file that is not a mapping', () => {
    expect(onlyProblem('# nothing yet\n').message).toContain('the file is empty');
    expect(onlyProblem('- version: 1\n').message).toBe(
      'expected a mapping with version, defaults and vendors; got a list',
    );
  });

  it('reports every problem at once, in file order, in the thrown message', () => {
    const text =
      'version: 1\nvendors:\n  cisco:\n    cancel:\n      - users: [bob]\n  nope: {}\ndefaults:\n  watch: 3\n';
    let message = '';
    try {
      parsePolicy(text, 'p.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^caseops cannot start: the policy file p\.yaml has 3 problem\(s\):/);
    const lines = message.split('\n').slice(1);
    expect(lines.map((l) => l.match(/p\.yaml:(\d+):/)?.[1])).toEqual(['5', '6', '8']);
  });

  it('a file that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseops-policy-'));
    const missing = join(dir, 'absent.yaml');
    expect(() => loadPolicyFile(missing)).toThrow(
      /absent\.yaml: cannot read the policy file \(no such file\)/,
    );
    const present = join(dir, 'present.yaml');
    writeFileSync(present, 'version: 1\n');
    expect(loadPolicyFile(present).origin).toBe(present);
  });
});
