/**
 * The policy file's shape as zod sees it (rules, sections, severities in each vendor's own words) and the
 * words for a setting caseops does not know, with the closest known name. Read by ./policy-file.ts.
 */
import * as z from 'zod';
import type { VendorId } from '../domain/case.js';
import {
  POLICY_ACTIONS,
  type PolicyAction,
  type Severity,
  VENDOR_POLICY_ACTIONS,
  type VendorPolicyAction,
} from '../domain/policy.js';
import { closestName } from '../text/suggest.js';
import { ALL_PLUGINS, resolveVendorName, VENDOR_IDS } from '../vendors/plugin.js';

/** A value as a person would name it in a problem: "a list", "number 7". */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  return `${typeof value} ${String(value)}`;
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
export type RawRule = z.infer<typeof OpenRule>;

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
export type RawPolicy = z.infer<typeof PolicyFileSchema>;

// --- Suggestions for unknown names ----------------------------------------------------------------------------

const TOP_LEVEL_KEYS = ['version', 'defaults', 'vendors'];
export const RULE_KEYS = Object.keys(ruleShape);
export const OPEN_RULE_KEYS = [...RULE_KEYS, 'maxSeverity'];

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

export function unknownKeyMessage(key: string, path: readonly PropertyKey[]): string {
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
