/**
 * The policy file (CASEOPS_POLICY): YAML or JSON, read and validated once at start-up. JSON is parsed with the
 * YAML parser too (JSON is valid YAML 1.2), so both get the same positions: every problem names the file, the
 * line and column, the setting (`vendors.juniper.open[0].maxSeverity`) and what was expected, and all problems
 * are reported at once. Unknown vendors, actions and keys come with a suggestion.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import type { VendorId } from '../domain/case.js';
import {
  AccessPolicy,
  POLICY_ACTIONS,
  type PolicyAction,
  type PolicyDefinition,
  type PolicyRule,
  type RuleList,
  type Severity,
  VENDOR_POLICY_ACTIONS,
  type VendorPolicyAction,
} from '../domain/policy.js';
import { closestName } from '../text/suggest.js';
import { ALL_PLUGINS, resolveVendorName, VENDOR_IDS } from '../vendors/plugin.js';

type Node = Yaml.Node;
const requireModule = createRequire(import.meta.url);
/** The YAML parser, loaded only when there is a policy file to read (most starts have none). */
const yaml = (): typeof Yaml => requireModule('yaml') as typeof Yaml;

export interface PolicyProblem {
  file: string;
  /** 1-based; absent when the problem is not at a place in the file (it cannot be read). */
  line?: number;
  column?: number;
  /** The setting, e.g. `vendors.juniper.open[0].maxSeverity`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatProblem(problem: PolicyProblem): string {
  const where =
    problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    super(
      `caseops cannot start: the policy file ${file} has ${problems.length} problem(s):\n${problems
        .map((p) => `  - ${formatProblem(p)}`)
        .join('\n')}`,
    );
    this.name = 'PolicyFileError';
  }
}

// --- Schema -------------------------------------------------------------------------------------------------

/** Every vendor's own severity words (most severe first), lower case, as the 1..4 they stand for. */
const SEVERITY_WORDS: Record<string, Severity> = Object.fromEntries(
  ALL_PLUGINS.flatMap((plugin) =>
    (plugin.severityWords ?? []).map((word, index) => [word.toLowerCase(), (index + 1) as Severity]),
  ),
);

const SEVERITY_EXPECTED = `expected 1 (most severe) to 4, ${ALL_PLUGINS.flatMap((plugin) =>
  plugin.severityWords
    ? [`a ${plugin.shortName} priority (${plugin.severityWords.map((w) => `"${w}"`).join(', ')})`]
    : [],
).join(' or ')}`;

function parseSeverity(value: unknown): Severity | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 1 && value <= 4 ? (value as Severity) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (/^[1-4]$/.test(text)) return Number(text) as Severity;
  return SEVERITY_WORDS[text.replace(/\s*-\s*/, ' - ')];
}

const SeveritySetting = z.unknown().transform((value, ctx): Severity => {
  const severity = parseSeverity(value);
  if (severity === undefined) {
    ctx.addIssue({ code: 'custom', message: `${SEVERITY_EXPECTED}; got ${show(value)}` });
    return z.NEVER;
  }
  return severity;
});

/** A Slack id of one kind, with a message that says what one looks like and where to find it. */
function slackId(kind: string, prefixes: string, example: string, where: string) {
  const pattern = new RegExp(`^[${prefixes}][A-Z0-9]{2,}$`);
  const expected = `expected a Slack ${kind} id such as ${example} (${prefixes.split('').join(' or ')} then capital letters and digits; ${where})`;
  return z.string({ error: (issue) => `${expected}; got ${show(issue.input)}` }).regex(pattern, {
    error: (issue) => {
      const input = String(issue.input);
      const hint = /^[@#]/.test(input) ? ` — write the id, not the ${input[0]}name` : '';
      return `${expected}; got ${show(input)}${hint}`;
    },
  });
}

const UserId = slackId('user', 'UW', 'U024BE7LH', 'profile → ⋮ → Copy member ID');
const GroupId = slackId('user group', 'S', 'S0614TZR7', 'the group page URL ends with it');
const ChannelId = slackId('channel', 'CGD', 'C024BE91L', 'channel details → About, at the bottom');

const listOf = <T extends z.ZodType>(item: T, what: string, example: string) =>
  z.array(item, {
    error: (issue) => `expected a list of ${what}, e.g. [${example}]; got ${show(issue.input)}`,
  });

const ruleShape = {
  name: z
    .string({ error: 'expected a short name for the rule, shown to people it stops' })
    .trim()
    .min(1, 'expected a short name for the rule, shown to people it stops')
    .max(80, 'a rule name can be at most 80 characters')
    .optional(),
  users: listOf(UserId, 'Slack user ids', 'U024BE7LH').optional(),
  groups: listOf(GroupId, 'Slack user group ids', 'S0614TZR7').optional(),
  channels: listOf(ChannelId, 'Slack channel ids', 'C024BE91L').optional(),
  anyone: z.literal(true, { error: 'anyone can only be true (leave it out otherwise)' }).optional(),
};

const notAMapping = (what: string) => (issue: { code: string; input?: unknown }) =>
  issue.code === 'invalid_type' ? `expected ${what}; got ${show(issue.input)}` : undefined;

const RULE_EXPECTED = 'a rule: a mapping with users, groups, channels or anyone: true';
const Rule = z.strictObject(ruleShape, { error: notAMapping(RULE_EXPECTED) });
const OpenRule = z.strictObject(
  { ...ruleShape, maxSeverity: SeveritySetting.optional() },
  { error: notAMapping(RULE_EXPECTED) },
);
type RawRule = z.infer<typeof OpenRule>;

const ruleList = (rule: z.ZodType) =>
  z.array(rule, {
    error: (issue) =>
      `expected a list of rules (each starting with "- "), or [] for nobody; got ${show(issue.input)}`,
  });

const actionRules = (action: PolicyAction) => ruleList(action === 'open' ? OpenRule : Rule).optional();

const DefaultsSection = z.strictObject(
  Object.fromEntries(POLICY_ACTIONS.map((action) => [action, actionRules(action)])) as Record<
    PolicyAction,
    ReturnType<typeof actionRules>
  >,
  { error: notAMapping('a mapping of actions to rule lists (open:, cancel:, …)') },
);

const VendorSection = z.strictObject(
  Object.fromEntries(VENDOR_POLICY_ACTIONS.map((action) => [action, actionRules(action)])) as Record<
    VendorPolicyAction,
    ReturnType<typeof actionRules>
  >,
  { error: notAMapping('a mapping of actions to rule lists (open:, cancel:, …)') },
);

const VendorsSection = z.strictObject(
  Object.fromEntries(VENDOR_IDS.map((vendor) => [vendor, VendorSection.optional()])) as Record<
    VendorId,
    z.ZodOptional<typeof VendorSection>
  >,
  { error: notAMapping(`a mapping of vendors (${VENDOR_IDS.map((id) => `${id}:`).join(', ')})`) },
);

export const PolicyFileSchema = z.strictObject(
  {
    version: z.literal(1, { error: (issue) => `expected version: 1; got ${show(issue.input)}` }),
    defaults: DefaultsSection.optional(),
    vendors: VendorsSection.optional(),
  },
  { error: notAMapping('a mapping with version, defaults and vendors') },
);
type RawPolicy = z.infer<typeof PolicyFileSchema>;

// --- Suggestions for unknown names ----------------------------------------------------------------------------

const TOP_LEVEL_KEYS = ['version', 'defaults', 'vendors'];
const RULE_KEYS = Object.keys(ruleShape);
const OPEN_RULE_KEYS = [...RULE_KEYS, 'maxSeverity'];

const ACTION_SYNONYMS: Record<string, PolicyAction> = {
  note: 'annotate',
  notes: 'annotate',
  comment: 'annotate',
  close: 'cancel',
  create: 'open',
  new: 'open',
  view: 'lookup',
  show: 'lookup',
  get: 'lookup',
  read: 'lookup',
  subscribe: 'watch',
  follow: 'watch',
  digests: 'digest',
};
const RULE_KEY_SYNONYMS: Record<string, string> = {
  user: 'users',
  group: 'groups',
  usergroups: 'groups',
  channel: 'channels',
  everyone: 'anyone',
  all: 'anyone',
  severity: 'maxSeverity',
  priority: 'maxSeverity',
  maxPriority: 'maxSeverity',
  max_severity: 'maxSeverity',
};

/** The closest known name within a couple of typos, if any. */
const closest = (word: string, known: readonly string[]) => closestName(word, known);

function unknownKeyMessage(key: string, path: readonly PropertyKey[]): string {
  const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
  const guess = (known: readonly string[], synonyms: Record<string, string> = {}) =>
    synonyms[key] ?? synonyms[key.toLowerCase()] ?? closest(key, known);
  const suggest = (suggestion: string | undefined) => (suggestion ? `did you mean "${suggestion}"? ` : '');

  if (path.length === 0) {
    return `unknown setting "${key}"; ${suggest(guess(TOP_LEVEL_KEYS))}expected ${quoted(TOP_LEVEL_KEYS)}`;
  }
  if (path.length === 1 && path[0] === 'vendors') {
    const alias = resolveVendorName(key);
    return `unknown vendor "${key}"; ${suggest(alias ?? guess(VENDOR_IDS))}vendors are ${quoted(VENDOR_IDS)}`;
  }
  if (path.length === 1 && path[0] === 'defaults') {
    return `unknown action "${key}"; ${suggest(guess(POLICY_ACTIONS, ACTION_SYNONYMS))}actions are ${quoted(POLICY_ACTIONS)}`;
  }
  if (path.length === 2 && path[0] === 'vendors') {
    if (key === 'digest') {
      return 'digest settings belong to a channel, not to a vendor: put "digest" under "defaults"';
    }
    const suggestion = guess(VENDOR_POLICY_ACTIONS, ACTION_SYNONYMS);
    return `unknown action "${key}"; ${suggest(suggestion === 'digest' ? undefined : suggestion)}actions are ${quoted(VENDOR_POLICY_ACTIONS)}`;
  }
  const isOpenRule = path[path.length - 2] === 'open';
  if (!isOpenRule && key === 'maxSeverity') return 'maxSeverity only applies to open rules';
  const known = isOpenRule ? OPEN_RULE_KEYS : RULE_KEYS;
  return `unknown rule setting "${key}"; ${suggest(guess(known, RULE_KEY_SYNONYMS))}a rule has ${quoted(known)}`;
}

// --- Positions --------------------------------------------------------------------------------------------------

interface Located {
  /** The node the path leads to, or the deepest one that exists. */
  node: Node | undefined;
  /** The key of the last segment when it is a mapping key, for problems about the key itself. */
  keyNode: Node | undefined;
  /** Whether the whole path exists in the file. */
  complete: boolean;
}

function locate(root: Node | null | undefined, path: readonly PropertyKey[]): Located {
  let node: Node | undefined = root ?? undefined;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (yaml().isMap(node)) {
      const pair = node.items.find(
        (item) => yaml().isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return { node, keyNode: undefined, complete: false };
      keyNode = pair.key as Node;
      // `open:` with nothing after it has a null value node at the key's end; point at the key instead.
      node = (pair.value as Node | null) ?? keyNode;
    } else if (yaml().isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      keyNode = undefined;
      node = node.items[segment] as Node;
    } else {
      return { node, keyNode: undefined, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  return `${typeof value} ${String(value)}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : text
          ? `${text}.${String(segment)}`
          : String(segment),
    '',
  );
}

// --- Rules the schema cannot express per field ---------------------------------------------------------------

interface RuleIssue {
  path: PropertyKey[];
  message: string;
}

function ruleShapeIssues(raw: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const checkList = (list: unknown, path: PropertyKey[]) => {
    if (!Array.isArray(list)) return;
    list.forEach((rule, index) => {
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return;
      const r = rule as Record<string, unknown>;
      const known = path[path.length - 1] === 'open' ? OPEN_RULE_KEYS : RULE_KEYS;
      // A misspelt key ("grups") is reported by itself; "allows nobody" would only repeat it.
      const misspelt = Object.keys(r).some((key) => !known.includes(key));
      const hasWho = r.users !== undefined || r.groups !== undefined;
      if (r.anyone === true && hasWho) {
        issues.push({
          path: [...path, index],
          message: 'a rule with anyone: true cannot also list users or groups (anyone already includes them)',
        });
      } else if (!hasWho && r.channels === undefined && r.anyone === undefined && !misspelt) {
        issues.push({
          path: [...path, index],
          message: 'this rule allows nobody: list users, groups or channels, or say anyone: true',
        });
      }
      for (const key of ['users', 'groups', 'channels'] as const) {
        if (Array.isArray(r[key]) && (r[key] as unknown[]).length === 0) {
          issues.push({
            path: [...path, index, key],
            message: `${key} is an empty list; leave it out instead`,
          });
        }
      }
    });
  };
  if (raw === null || typeof raw !== 'object') return issues;
  const file = raw as Record<string, unknown>;
  const eachAction = (section: unknown, path: PropertyKey[]) => {
    if (section === null || typeof section !== 'object') return;
    for (const [action, list] of Object.entries(section)) checkList(list, [...path, action]);
  };
  eachAction(file.defaults, ['defaults']);
  if (file.vendors !== null && typeof file.vendors === 'object') {
    for (const [vendor, section] of Object.entries(file.vendors)) eachAction(section, ['vendors', vendor]);
  }
  return issues;
}

// --- Loading ------------------------------------------------------------------------------------------------------

/** Parses and validates policy text. `file` names it in problems. Throws PolicyFileError. */
export function parsePolicy(text: string, file: string): AccessPolicy {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    throw new PolicyFileError(
      file,
      doc.errors.map((error) => ({
        file,
        ...at(error.pos[0]),
        path: '',
        message: `not valid YAML or JSON: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }

  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new PolicyFileError(file, [
      { file, line: 1, column: 1, path: '', message: 'the file is empty; expected at least "version: 1"' },
    ]);
  }

  const problems: PolicyProblem[] = [];
  const result = PolicyFileSchema.safeParse(raw, { reportInput: true });
  for (const issue of result.success ? [] : result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const where = locate(doc.contents, [...issue.path, key]);
        problems.push({
          file,
          ...at((where.keyNode ?? where.node)?.range?.[0]),
          path: pathText([...issue.path, key]),
          message: unknownKeyMessage(key, issue.path),
        });
      }
      continue;
    }
    const where = locate(doc.contents, issue.path);
    const missing = !where.complete;
    problems.push({
      file,
      ...at(where.node?.range?.[0]),
      path: pathText(issue.path),
      message: missing ? `is missing; ${issue.message.replace(/; got nothing$/, '')}` : issue.message,
    });
  }
  for (const issue of ruleShapeIssues(raw)) {
    problems.push({
      file,
      ...at(locate(doc.contents, issue.path).node?.range?.[0]),
      path: pathText(issue.path),
      message: issue.message,
    });
  }
  if (problems.length > 0 || !result.success) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new PolicyFileError(file, problems);
  }

  const lineOf = (path: PropertyKey[]) => {
    const where = locate(doc.contents, path);
    return `${basename(file)} line ${at((where.keyNode ?? where.node)?.range?.[0]).line}`;
  };
  return new AccessPolicy(toDefinition(result.data, file, lineOf));
}

function toDefinition(
  raw: RawPolicy,
  file: string,
  lineOf: (path: PropertyKey[]) => string,
): PolicyDefinition {
  const toList = (rules: RawRule[], path: PropertyKey[]): RuleList => ({
    path: pathText(path),
    source: lineOf(path),
    rules: rules.map((rule, index): PolicyRule => {
      const users = rule.users ?? [];
      const groups = rule.groups ?? [];
      return {
        name: rule.name ?? pathText([...path, index]),
        source: lineOf([...path, index]),
        users,
        groups,
        channels: rule.channels ?? [],
        anyone: users.length === 0 && groups.length === 0,
        maxSeverity: rule.maxSeverity,
      };
    }),
  });

  const defaults: PolicyDefinition['defaults'] = {};
  for (const action of POLICY_ACTIONS) {
    const rules = raw.defaults?.[action];
    if (rules) defaults[action] = toList(rules as RawRule[], ['defaults', action]);
  }
  const vendors: PolicyDefinition['vendors'] = {};
  for (const vendor of VENDOR_IDS) {
    const section = raw.vendors?.[vendor];
    if (!section) continue;
    const lists: Partial<Record<VendorPolicyAction, RuleList>> = {};
    for (const action of VENDOR_POLICY_ACTIONS) {
      const rules = section[action];
      if (rules) lists[action] = toList(rules as RawRule[], ['vendors', vendor, action]);
    }
    vendors[vendor] = lists;
  }
  return { origin: file, defaults, vendors };
}

/** Reads and validates the policy file at `path`. Throws PolicyFileError, including when it cannot be read. */
export function loadPolicyFile(path: string): AccessPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new PolicyFileError(path, [
      {
        file: path,
        path: '',
        message: `cannot read the policy file (${why}); CASEOPS_POLICY must name a readable file`,
      },
    ]);
  }
  return parsePolicy(text, path);
}

/** The policy in force: the file CASEOPS_POLICY names, or the documented built-in default without one. */
export function loadPolicy(path: string | undefined): AccessPolicy {
  return path ? loadPolicyFile(path) : AccessPolicy.builtInDefault();
}
