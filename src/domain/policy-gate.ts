/**
 * The policy as the rest of the app meets it: `authorize` throws DeniedError (with the rule that stopped the
 * person and the structured denial the surface words) or returns the rule that allowed the action. User-group membership is looked
 * up only when a rule for the action names a group and nothing else already allowed the person, so most checks
 * cost no Slack call at all.
 */
import { ACTIONS, policyActionOf } from './actions.js';
import type { Authorize } from './authorize.js';
import type { VendorId } from './case.js';
import { CaseopsError, DeniedError } from './errors.js';
import type { AccessPolicy, PolicyAction, PolicyDecision, Severity } from './policy.js';

export interface PolicyRequest {
  vendor?: VendorId;
  userId: string;
  channelId?: string;
  severity?: Severity;
}

/** Answers "which of these Slack user groups is this user in?". */
export interface UserGroupResolver {
  memberships(userId: string, groupIds: readonly string[]): Promise<string[]>;
}

/** Group membership could not be checked (Slack failed and nothing usable is cached). */
export class PolicyCheckUnavailableError extends CaseopsError {
  readonly code = 'unavailable';
  override readonly retryable = true;
  constructor(
    readonly groupId: string,
    cause: unknown,
  ) {
    super(
      `caseops could not check membership of user group ${groupId} with Slack just now, so it cannot tell whether you may do this. Try again in a minute.`,
      { cause },
    );
    this.name = 'PolicyCheckUnavailableError';
  }
}

export interface PolicyGateOptions {
  /** Without one, rules that name groups never match (fine for a policy that names none). */
  groups?: UserGroupResolver;
  /** Told every decision (metrics: `metrics.policyDecision`). */
  onDecision?: (action: PolicyAction, decision: PolicyDecision) => void;
}

export class PolicyGate {
  constructor(
    readonly policy: AccessPolicy,
    private readonly options: PolicyGateOptions = {},
  ) {}

  async decide(action: PolicyAction, request: PolicyRequest): Promise<PolicyDecision> {
    const decision = await this.evaluate(action, request);
    this.options.onDecision?.(action, decision);
    return decision;
  }

  /**
   * The same decision without telling onDecision: for an early look (before a form opens, before a form is
   * acknowledged) that the authoritative check in CaseService repeats, so a decision is counted once.
   */
  preview(action: PolicyAction, request: PolicyRequest): Promise<PolicyDecision> {
    return this.evaluate(action, request);
  }

  private async evaluate(action: PolicyAction, request: PolicyRequest): Promise<PolicyDecision> {
    const withoutGroups = this.policy.evaluate(action, { ...request, userGroupIds: [] });
    if (withoutGroups.allowed) return withoutGroups;
    const mentioned = this.policy.groupsMentioned(action, request.vendor);
    if (mentioned.length === 0 || !this.options.groups) return withoutGroups;
    const userGroupIds = await this.options.groups.memberships(request.userId, mentioned);
    return this.policy.evaluate(action, { ...request, userGroupIds });
  }

  /** Returns the rule that allowed the action; throws DeniedError when the policy says no. */
  async authorize(action: PolicyAction, request: PolicyRequest): Promise<{ rule: string }> {
    const decision = await this.decide(action, request);
    if (!decision.allowed) throw new DeniedError(decision.rule, decision.denial);
    return { rule: decision.rule };
  }
}

/**
 * The gate in the shape of the use cases' `authorize(action, context)` seam: each action is decided by its
 * policy rules (listing by lookup's, unwatching by watch's), and an open request's severity is the one its
 * vendor's profile read.
 */
export function policyAuthorizer(gate: PolicyGate): Authorize {
  return async (action, context) => {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new DeniedError('unknown action', {
        kind: 'unknown-action',
        action,
        vendor: context.vendor,
        whoMay: [],
      });
    }
    await gate.authorize(policyActionOf(action), {
      vendor: context.vendor,
      userId: context.actor.userId,
      channelId: context.actor.channelId,
      severity: context.severity,
    });
  };
}

/** Fetches the user ids of one Slack user group (Slack side: `usergroups.users.list`). */
export type FetchGroupMembers = (groupId: string) => Promise<readonly string[]>;

export interface CachingUserGroupResolverOptions {
  fetchMembers: FetchGroupMembers;
  /** How long a fetched member list is trusted (default 5 minutes). */
  ttlMs?: number;
  /**
   * When Slack fails, an expired list younger than this is still used (default 1 hour): a Slack hiccup should
   * not lock the on-call group out, while a long outage stops relying on stale membership.
   */
  maxStaleMs?: number;
  now?: () => number;
  /** Told when a stale list stands in for a failed fetch. */
  onStale?: (groupId: string, error: unknown) => void;
}

interface CachedMembers {
  members: ReadonlySet<string>;
  fetchedAt: number;
}

/** Caches each group's member list with a TTL and shares one fetch among concurrent checks. */
export class CachingUserGroupResolver implements UserGroupResolver {
  private readonly cache = new Map<string, CachedMembers>();
  private readonly inFlight = new Map<string, Promise<CachedMembers>>();
  private readonly ttlMs: number;
  private readonly maxStaleMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CachingUserGroupResolverOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxStaleMs = options.maxStaleMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async memberships(userId: string, groupIds: readonly string[]): Promise<string[]> {
    const lists = await Promise.all(groupIds.map((groupId) => this.members(groupId)));
    return groupIds.filter((_, index) => lists[index]!.has(userId));
  }

  /** Drops cached lists (all, or one group's), e.g. on a `subteam_members_changed` event. */
  invalidate(groupId?: string): void {
    if (groupId === undefined) this.cache.clear();
    else this.cache.delete(groupId);
  }

  private async members(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    const age = cached ? this.now() - cached.fetchedAt : Number.POSITIVE_INFINITY;
    if (cached && age < this.ttlMs) return cached.members;
    try {
      return (await this.fetchShared(groupId)).members;
    } catch (error) {
      if (cached && age < this.maxStaleMs) {
        this.options.onStale?.(groupId, error);
        return cached.members;
      }
      throw new PolicyCheckUnavailableError(groupId, error);
    }
  }

  private fetchShared(groupId: string): Promise<CachedMembers> {
    const pending = this.inFlight.get(groupId);
    if (pending) return pending;
    const fetching = this.options
      .fetchMembers(groupId)
      .then((ids) => {
        const entry = { members: new Set(ids), fetchedAt: this.now() };
        this.cache.set(groupId, entry);
        return entry;
      })
      .finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, fetching);
    return fetching;
  }
}
