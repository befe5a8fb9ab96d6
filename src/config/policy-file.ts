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
import {
  AccessPolicy,
  POLICY_ACTIONS,
  type PolicyDefinition,
  type PolicyRule,
  type RuleList,
  VENDOR_POLICY_ACTIONS,
  type VendorPolicyAction,
} from '../domain/policy.js';
import { VENDOR_IDS } from '../vendors/plugin.js';
import {
  OPEN_RULE_KEYS,
  PolicyFileSchema,
  type RawPolicy,
  type RawRule,
  RULE_KEYS,
  unknownKeyMessage,
} from './policy-schema.js';

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
