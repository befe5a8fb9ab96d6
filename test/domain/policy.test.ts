import { describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/config/policy-file.js';
import type { VendorId } from '../../src/domain/case.js';
import { DeniedError } from '../../src/domain/errors.js';
import type { OpenRequest } from '../../src/domain/open-request.js';
import {
  AccessPolicy,
  POLICY_ACTIONS,
  type PolicyAction,
  type PolicyContext,
  type PolicyDecision,
} from '../../src/domain/policy.js';
import {
  CachingUserGroupResolver,
  PolicyCheckUnavailableError,
  PolicyGate,
  policyAuthorizer,
} from '../../src/domain/policy-gate.js';
import { denialText, whoMay } from '../../src/slack/words.js';

/** What a person reads for the denial `attempt` rejects with. */
async function refusal(attempt: Promise<unknown> | unknown): Promise<string> {
  const error = await Promise.resolve(attempt).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeniedError);
  return denialText((error as DeniedError).denial);
}

/** A decision as a person reads it (the Slack surface words the domain's structured denial). */
function worded(decision: PolicyDecision) {
  if (decision.allowed) return decision;
  return {
    allowed: false,
    rule: decision.rule,
    message: denialText(decision.denial, 'mrkdwn'),
    plainMessage: denialText(decision.denial, 'plain'),
    whoMay: whoMay(decision.denial),
  };
}

import { vendorProfile } from '../../src/vendors/registry.js';

/** The request's severity as its vendor's plugin reads it (what CaseService hands the authorizer). */
const openRequestSeverity = (request: OpenRequest) => vendorProfile(request.vendor).openSeverity(request);

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const ONCALL = 'S0ONCALL';
const NOC = 'C0NOC';
const RANDOM = 'C0RANDOM';

function policy(yaml: string): AccessPolicy {
  return parsePolicy(`version: 1\n${yaml}`, 'policy.yaml');
}

function context(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return { vendor: 'cisco', userId: BOB, userGroupIds: [], channelId: RANDOM, ...overrides };
}

/** The policy section an action is written under: digest only under defaults, the rest under a vendor. */
function sectionFor(action: PolicyAction, rules: string): string {
  return action === 'digest'
    ? `defaults:\n  digest:\n${rules}`
    : `vendors:\n  cisco:\n    ${action}:\n${rules.replace(/^/gm, '  ')}`;
}

describe('the built-in default (no policy file)', () => {
  const builtIn = AccessPolicy.builtInDefault();

  it.each(POLICY_ACTIONS)('lets every member %s, anywhere', (action) => {
    expect(builtIn.evaluate(action, context({ channelId: undefined }))).toEqual({
      allowed: true,
      rule: 'everyone',
    });
  });

  it('puts no cap on severity', () => {
    expect(builtIn.evaluate('open', context({ vendor: 'juniper', severity: 1 })).allowed).toBe(true);
  });

  it('is what a file that lists nothing means for every unlisted action', () => {
    const empty = policy('vendors:\n  cisco:\n    cancel: []\n');
    expect(empty.evaluate('lookup', context()).allowed).toBe(true);
    expect(empty.evaluate('cancel', context({ vendor: 'juniper' })).allowed).toBe(true);
    expect(empty.evaluate('cancel', context()).allowed).toBe(false);
  });
});

describe.each(POLICY_ACTIONS)('%s', (action) => {
  it('allows a listed user and denies others', () => {
    const p = policy(sectionFor(action, `      - name: alice only\n        users: [${ALICE}]\n`));
    expect(p.evaluate(action, context({ userId: ALICE }))).toMatchObject({
      allowed: true,
      rule: expect.stringContaining('alice only'),
    });
    const denied = worded(p.evaluate(action, context({ userId: BOB })));
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) expect(denied.whoMay).toEqual([`<@${ALICE}>`]);
  });

  it('allows members of a listed group and denies others', () => {
    const p = policy(sectionFor(action, `      - groups: [${ONCALL}]\n`));
    expect(p.evaluate(action, context({ userGroupIds: [ONCALL] })).allowed).toBe(true);
    const denied = worded(p.evaluate(action, context({ userGroupIds: ['S0OTHER'] })));
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) expect(denied.whoMay).toEqual([`members of <!subteam^${ONCALL}>`]);
  });

  it('allows anyone in a listed channel and denies elsewhere, and without a channel', () => {
    const p = policy(sectionFor(action, `      - channels: [${NOC}]\n`));
    expect(p.evaluate(action, context({ channelId: NOC })).allowed).toBe(true);
    expect(p.evaluate(action, context({ channelId: RANDOM })).allowed).toBe(false);
    expect(p.evaluate(action, context({ channelId: undefined })).allowed).toBe(false);
  });

  it('needs both who and where when a rule lists both', () => {
    const p = policy(sectionFor(action, `      - users: [${ALICE}]\n        channels: [${NOC}]\n`));
    expect(p.evaluate(action, context({ userId: ALICE, channelId: NOC })).allowed).toBe(true);
    expect(p.evaluate(action, context({ userId: ALICE, channelId: RANDOM })).allowed).toBe(false);
    expect(p.evaluate(action, context({ userId: BOB, channelId: NOC })).allowed).toBe(false);
  });

  it('denies everyone with an empty list', () => {
    const denied = worded(
      policy(sectionFor(action, '      []\n').replace(/:\n\s+\[\]/, ': []')).evaluate(
        action,
        context({ userId: ALICE }),
      ),
    );
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) {
      expect(denied.whoMay).toEqual([]);
      expect(denied.message).toMatch(
        /^Nobody may .* through caseops: rule ".+" \(policy\.yaml line \d+\) allows nobody\.$/,
      );
    }
  });
});

describe('vendor sections', () => {
  const p = policy(
    [
      'defaults:',
      '  cancel:',
      `    - groups: [${ONCALL}]`,
      'vendors:',
      '  equinix:',
      '    cancel:',
      `      - users: [${ALICE}]`,
    ].join('\n'),
  );

  it('replace the default for that vendor only', () => {
    expect(p.evaluate('cancel', context({ vendor: 'equinix', userId: ALICE })).allowed).toBe(true);
    expect(p.evaluate('cancel', context({ vendor: 'equinix', userGroupIds: [ONCALL] })).allowed).toBe(false);
    expect(p.evaluate('cancel', context({ vendor: 'juniper', userGroupIds: [ONCALL] })).allowed).toBe(true);
    expect(p.evaluate('cancel', context({ vendor: 'juniper', userId: ALICE })).allowed).toBe(false);
  });

  it('say which groups matter for an action at a vendor', () => {
    expect(p.groupsMentioned('cancel', 'juniper')).toEqual([ONCALL]);
    expect(p.groupsMentioned('cancel', 'equinix')).toEqual([]);
    expect(p.groupsMentioned('lookup', 'juniper')).toEqual([]);
  });
});

describe('severity caps on open', () => {
  const p = policy(
    [
      'defaults:',
      '  open:',
      '    - name: on-call any severity',
      `      groups: [${ONCALL}]`,
      '    - name: everyone up to 3',
      '      anyone: true',
      '      maxSeverity: 3',
      'vendors:',
      '  juniper:',
      '    open:',
      '      - name: jtac on-call',
      `        groups: [${ONCALL}]`,
      '      - name: everyone up to 2 - High',
      '        anyone: true',
      '        maxSeverity: 2 - High',
    ].join('\n'),
  );
  const juniper = (severity: 1 | 2 | 3 | 4, userGroupIds: string[] = []) =>
    worded(p.evaluate('open', context({ vendor: 'juniper', severity, userGroupIds })));

  it('a cap of 2 allows 2, 3 and 4 but not 1', () => {
    expect([1, 2, 3, 4].map((s) => juniper(s as 1 | 2 | 3 | 4).allowed)).toEqual([false, true, true, true]);
  });

  it('the uncapped group may open the most severe', () => {
    expect(juniper(1, [ONCALL])).toEqual({ allowed: true, rule: 'jtac on-call (policy.yaml line 12)' });
  });

  it("uses the severity scale of the vendor's own priorities", () => {
    const severity = openRequestSeverity({
      vendor: 'juniper',
      incidentId: '42',
      priority: '1 - Critical',
      followUpMethod: 'Phone Call',
      synopsis: 'core down',
      ccEmails: [],
      trackingNumber: 'TRK-0001',
    });
    expect(severity).toBe(1);
    expect(p.evaluate('open', context({ vendor: 'juniper', severity })).allowed).toBe(false);
  });

  it('the default cap applies to vendors without their own open rules', () => {
    const motadata = (severity: 1 | 2 | 3 | 4) =>
      p.evaluate('open', context({ vendor: 'motadata', severity }));
    expect([1, 2, 3, 4].map((s) => motadata(s as 1 | 2 | 3 | 4).allowed)).toEqual([false, false, true, true]);
  });

  it('does not stop a request that carries no severity (Equinix)', () => {
    expect(p.evaluate('open', context({ vendor: 'equinix', severity: undefined })).allowed).toBe(true);
  });

  it('tells the person their cap, the rule, and who may open it', () => {
    const denied = juniper(1);
    expect(denied).toEqual({
      allowed: false,
      rule: 'everyone up to 2 - High (policy.yaml line 14)',
      message:
        'You may open cases at Juniper up to priority 2 - High, not priority 1 - Critical: rule "everyone up to 2 - High" (policy.yaml line 14) caps you there. ' +
        `A priority 1 - Critical case may be opened by members of <!subteam^${ONCALL}>.`,
      plainMessage:
        'You may open cases at Juniper up to priority 2 - High, not priority 1 - Critical: rule "everyone up to 2 - High" (policy.yaml line 14) caps you there. ' +
        `A priority 1 - Critical case may be opened by members of group ${ONCALL}.`,
      whoMay: [`members of <!subteam^${ONCALL}>`],
    });
  });

  it('says nobody may when no rule allows that severity', () => {
    const capped = policy('defaults:\n  open:\n    - anyone: true\n      maxSeverity: 2\n');
    const denied = worded(capped.evaluate('open', context({ vendor: 'motadata', severity: 1 })));
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) {
      expect(denied.message).toContain(
        'You may open cases at Motadata ServiceOps up to priority HIGH, not priority URGENT: rule "defaults.open[0]" (policy.yaml line 4) caps you there.',
      );
      expect(denied.message).toContain(
        'Nobody may open a priority URGENT case at Motadata ServiceOps through caseops',
      );
    }
  });

  it('caps only open: other actions ignore the severity', () => {
    expect(p.evaluate('cancel', context({ vendor: 'juniper', severity: 1 })).allowed).toBe(true);
  });
});

describe('the denial message', () => {
  const p = policy(
    [
      'vendors:',
      '  cisco:',
      '    cancel:',
      '      - name: on-call',
      `        groups: [${ONCALL}]`,
      `      - users: [${ALICE}]`,
      `        channels: [${NOC}, C0WAR]`,
    ].join('\n'),
  );

  it('names the rule list, where it is written, and everyone who may', () => {
    const denied = worded(p.evaluate('cancel', context()));
    expect(denied).toEqual({
      allowed: false,
      rule: 'vendors.cisco.cancel (policy.yaml line 4)',
      message: `You may not cancel Cisco cases: rule "vendors.cisco.cancel" (policy.yaml line 4) allows only members of <!subteam^${ONCALL}>; <@${ALICE}> in <#${NOC}> or <#C0WAR>.`,
      plainMessage: `You may not cancel Cisco cases: rule "vendors.cisco.cancel" (policy.yaml line 4) allows only members of group ${ONCALL}; user ${ALICE} in channel ${NOC} or channel C0WAR.`,
      whoMay: [`members of <!subteam^${ONCALL}>`, `<@${ALICE}> in <#${NOC}> or <#C0WAR>`],
    });
  });

  it('words each action', () => {
    const everyAction = policy(
      `defaults:\n${POLICY_ACTIONS.map((a) => `  ${a}:\n    - users: [${ALICE}]`).join('\n')}\n`,
    );
    const messages = POLICY_ACTIONS.map((action) => {
      const decision = everyAction.evaluate(
        action,
        context({ vendor: action === 'digest' ? undefined : 'juniper' }),
      );
      return decision.allowed ? '' : denialText(decision.denial).split(':')[0];
    });
    expect(messages).toEqual([
      'You may not look up Juniper cases',
      'You may not watch Juniper cases',
      'You may not open Juniper cases',
      'You may not add notes to Juniper cases',
      'You may not cancel Juniper cases',
      'You may not see the audit trail of Juniper cases',
      'You may not change digest settings',
    ]);
  });

  it('labels severities as each vendor does', () => {
    const labels = (vendor: VendorId) => ([1, 4] as const).map((s) => vendorProfile(vendor).severityLabel(s));
    expect(labels('juniper')).toEqual(['priority 1 - Critical', 'priority 4 - Low']);
    expect(labels('motadata')).toEqual(['priority URGENT', 'priority LOW']);
    expect(labels('cisco')).toEqual(['severity 1', 'severity 4']);
  });
});

describe('PolicyGate', () => {
  const p = policy(
    [
      'defaults:',
      '  cancel:',
      `    - users: [${ALICE}]`,
      `    - groups: [${ONCALL}]`,
      '  open:',
      `    - groups: [${ONCALL}]`,
      '    - anyone: true',
      '      maxSeverity: 3',
    ].join('\n'),
  );

  it('throws DeniedError with the rule and the message', async () => {
    const gate = new PolicyGate(p, { groups: { memberships: async () => [] } });
    const error = await gate
      .authorize('cancel', { vendor: 'cisco', userId: BOB, channelId: NOC })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DeniedError);
    expect(error.code).toBe('denied');
    expect(error.rule).toBe('defaults.cancel (policy.yaml line 3)');
    expect(denialText(error.denial)).toContain(`<@${ALICE}>; members of <!subteam^${ONCALL}>`);
  });

  it('asks for group membership only when a group could change the answer', async () => {
    const memberships = vi.fn(async (_user: string, groups: readonly string[]) => [...groups]);
    const gate = new PolicyGate(p, { groups: { memberships } });

    await expect(gate.authorize('cancel', { vendor: 'cisco', userId: ALICE })).resolves.toEqual({
      rule: 'defaults.cancel[0] (policy.yaml line 4)',
    });
    await expect(gate.authorize('lookup', { vendor: 'cisco', userId: BOB })).resolves.toEqual({
      rule: 'everyone',
    });
    await expect(
      gate.authorize('open', { vendor: 'juniper', userId: BOB, severity: 3 }),
    ).resolves.toBeDefined();
    expect(memberships).not.toHaveBeenCalled();

    await expect(gate.authorize('open', { vendor: 'juniper', userId: BOB, severity: 1 })).resolves.toEqual({
      rule: 'defaults.open[0] (policy.yaml line 7)',
    });
    expect(memberships).toHaveBeenCalledWith(BOB, [ONCALL]);
  });

  it('denies when the resolver says the user is in none of the groups', async () => {
    const gate = new PolicyGate(p, { groups: { memberships: async () => [] } });
    expect(await refusal(gate.authorize('open', { vendor: 'juniper', userId: BOB, severity: 1 }))).toContain(
      'not priority 1 - Critical',
    );
  });

  it('previews a decision without reporting it; decide reports each one', async () => {
    const onDecision = vi.fn();
    const gate = new PolicyGate(p, { groups: { memberships: async () => [] }, onDecision });
    const previewed = await gate.preview('cancel', { vendor: 'cisco', userId: BOB });
    expect(previewed.allowed).toBe(false);
    expect(onDecision).not.toHaveBeenCalled();
    const decided = await gate.decide('cancel', { vendor: 'cisco', userId: BOB });
    expect(decided).toEqual(previewed);
    expect(onDecision).toHaveBeenCalledExactlyOnceWith('cancel', decided);
  });
});

describe('rule names in denials', () => {
  const p = policy(
    [
      'defaults:',
      '  open:',
      '    - name: "<!channel> & friends up to 3"',
      '      anyone: true',
      '      maxSeverity: 3',
    ].join('\n'),
  );

  it('are escaped in the mrkdwn message and kept as written in the plain one', () => {
    const decision = worded(p.evaluate('open', context({ vendor: 'juniper', severity: 1 })));
    if (decision.allowed) throw new Error('expected a denial');
    expect(decision.message).toContain('rule "&lt;!channel&gt; &amp; friends up to 3" (policy.yaml line 4)');
    expect(decision.message).not.toContain('<!channel>');
    expect(decision.plainMessage).toContain('rule "<!channel> & friends up to 3" (policy.yaml line 4)');
  });
});

describe('policyAuthorizer (the CaseService seam)', () => {
  const p = policy(
    [
      'defaults:',
      '  lookup:',
      `    - users: [${ALICE}]`,
      '  watch:',
      `    - channels: [${NOC}]`,
      'vendors:',
      '  juniper:',
      '    open:',
      `      - users: [${ALICE}]`,
      '      - anyone: true',
      '        maxSeverity: 2',
    ].join('\n'),
  );
  const decisions: Array<[string, boolean]> = [];
  const authorize = policyAuthorizer(
    new PolicyGate(p, { onDecision: (action, decision) => decisions.push([action, decision.allowed]) }),
  );
  const bob = { userId: BOB, channelId: RANDOM };

  it('maps list to lookup and unwatch to watch', async () => {
    await expect(authorize('list', { actor: bob, vendor: 'cisco' })).rejects.toBeInstanceOf(DeniedError);
    await expect(authorize('list', { actor: { userId: ALICE }, vendor: 'cisco' })).resolves.toBeUndefined();
    expect(await refusal(authorize('unwatch', { actor: bob, vendor: 'cisco' }))).toContain(
      'You may not watch',
    );
    await expect(
      authorize('unwatch', { actor: { userId: BOB, channelId: NOC }, vendor: 'cisco' }),
    ).resolves.toBeUndefined();
  });

  it('caps open by the request severity', async () => {
    const request = (priority: '1 - Critical' | '2 - High'): OpenRequest => ({
      vendor: 'juniper',
      incidentId: '42',
      priority,
      followUpMethod: 'Phone Call',
      synopsis: 'core down',
      ccEmails: [],
      trackingNumber: 'TRK-0001',
    });
    const asked = (priority: '1 - Critical' | '2 - High') => ({
      actor: bob,
      vendor: 'juniper',
      request: request(priority),
      severity: openRequestSeverity(request(priority)),
    });
    await expect(authorize('open', asked('2 - High'))).resolves.toBeUndefined();
    expect(await refusal(authorize('open', asked('1 - Critical')))).toContain('not priority 1 - Critical');
  });

  it('reports every decision', () => {
    expect(decisions).toContainEqual(['lookup', false]);
    expect(decisions).toContainEqual(['open', true]);
  });

  it('refuses an action it has no mapping for', async () => {
    const unknownAction = 'purge' as Parameters<typeof authorize>[0];
    expect(await refusal(authorize(unknownAction, { actor: bob, vendor: 'cisco' }))).toContain(
      'no policy for "purge"',
    );
  });
});

describe('CachingUserGroupResolver', () => {
  function setup(options: { ttlMs?: number; maxStaleMs?: number } = {}) {
    let now = 1_000_000;
    const members: Record<string, string[]> = { [ONCALL]: [ALICE], S0DESK: [BOB] };
    let failing = false;
    const fetchMembers = vi.fn(async (groupId: string) => {
      if (failing) throw new Error('slack_down');
      return members[groupId] ?? [];
    });
    const onStale = vi.fn();
    const resolver = new CachingUserGroupResolver({ fetchMembers, now: () => now, onStale, ...options });
    return {
      resolver,
      fetchMembers,
      onStale,
      members,
      advance: (ms: number) => {
        now += ms;
      },
      fail: (value: boolean) => {
        failing = value;
      },
    };
  }

  it('answers which of the groups the user is in', async () => {
    const { resolver } = setup();
    await expect(resolver.memberships(ALICE, [ONCALL, 'S0DESK'])).resolves.toEqual([ONCALL]);
    await expect(resolver.memberships(BOB, [ONCALL, 'S0DESK'])).resolves.toEqual(['S0DESK']);
  });

  it('caches each group for the TTL, then fetches again', async () => {
    const { resolver, fetchMembers, members, advance } = setup({ ttlMs: 60_000 });
    await resolver.memberships(BOB, [ONCALL]);
    members[ONCALL] = [ALICE, BOB];
    advance(59_000);
    await expect(resolver.memberships(BOB, [ONCALL])).resolves.toEqual([]);
    expect(fetchMembers).toHaveBeenCalledTimes(1);
    advance(2_000);
    await expect(resolver.memberships(BOB, [ONCALL])).resolves.toEqual([ONCALL]);
    expect(fetchMembers).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch among concurrent checks', async () => {
    const { resolver, fetchMembers } = setup();
    await Promise.all([resolver.memberships(ALICE, [ONCALL]), resolver.memberships(BOB, [ONCALL])]);
    expect(fetchMembers).toHaveBeenCalledTimes(1);
  });

  it('uses a stale list while Slack fails, within limits, and says so', async () => {
    const { resolver, advance, fail, onStale } = setup({ ttlMs: 60_000, maxStaleMs: 600_000 });
    await resolver.memberships(ALICE, [ONCALL]);
    fail(true);
    advance(120_000);
    await expect(resolver.memberships(ALICE, [ONCALL])).resolves.toEqual([ONCALL]);
    expect(onStale).toHaveBeenCalledWith(ONCALL, expect.any(Error));
    advance(600_000);
    await expect(resolver.memberships(ALICE, [ONCALL])).rejects.toBeInstanceOf(PolicyCheckUnavailableError);
  });

  it('fails with a clear error when nothing is cached', async () => {
    const { resolver, fail } = setup();
    fail(true);
    const error = await resolver.memberships(ALICE, [ONCALL]).catch((e) => e);
    expect(error).toBeInstanceOf(PolicyCheckUnavailableError);
    expect(error.message).toContain(`could not check membership of user group ${ONCALL}`);
  });

  it('forgets a group on invalidate', async () => {
    const { resolver, fetchMembers } = setup();
    await resolver.memberships(ALICE, [ONCALL]);
    resolver.invalidate(ONCALL);
    await resolver.memberships(ALICE, [ONCALL]);
    expect(fetchMembers).toHaveBeenCalledTimes(2);
  });
});
