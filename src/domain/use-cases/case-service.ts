/**
 * The use cases, knowing neither Slack nor HTTP: look up, list, open, annotate, cancel, watch. Vendor writes
 * go through `WriteOnce` (./write-once.ts), which makes them happen at most once per origin (see idempotency.ts), records the
 * outcome for repeats, and audits every attempt. Callers do their own acknowledging before calling here:
 * every method may talk to a vendor or the database.
 */

import type { Actor } from '../actions.js';
import { type Authorize, allowEverything } from '../authorize.js';
import type { Case, VendorId } from '../case.js';
import { DeniedError, InvalidInputError, UnsupportedOperationError } from '../errors.js';
import { vendorKey, type WriteOrigin } from '../idempotency.js';
import type { OpenRequest } from '../open-request.js';
import type { Logger } from '../ports/logger.js';
import type { Store, Watch } from '../ports/store.js';
import type {
  Capability,
  ListQuery,
  ListResult,
  NoteRequest,
  OpenResult,
  VendorAdapter,
  VendorDirectory,
} from '../ports/vendor.js';
import type { CaseAccess } from './case-access.js';
import { DEFAULT_LIST_CACHE, ListCache } from './list-cache.js';
import { quietly, WriteOnce, type WriteOutcome } from './write-once.js';

export interface OpenedCase {
  case: Case;
  /** False when the vendor recognised the key and returned the case it already had. */
  created: boolean;
  vendorKey: string;
}

export interface WatchedCase {
  watch: Watch;
  title?: string;
  status?: string;
  url?: string;
}

/** Each watch with what the poller last saw of its case (one store call for all of them). */
export async function withSnapshots(
  store: Pick<Store, 'getSnapshots'>,
  watches: readonly Watch[],
): Promise<WatchedCase[]> {
  if (watches.length === 0) return [];
  const snapshots = await store.getSnapshots(watches.map((w) => ({ vendor: w.vendor, caseId: w.caseId })));
  const byKey = new Map(snapshots.map((s) => [`${s.vendor}:${s.caseId}`, s]));
  return watches.map((watch) => {
    const snap = byKey.get(`${watch.vendor}:${watch.caseId}`);
    return { watch, title: snap?.title, status: snap?.status, url: snap?.url };
  });
}

export interface CaseServiceOptions {
  vendors: VendorDirectory;
  store: Store;
  logger: Logger;
  authorize?: Authorize;
  /** Where cases live and who may see them elsewhere; without it, only the policy limits reads. */
  access?: CaseAccess;
  now?: () => Date;
  /**
   * A pending write record older than this was left by a crash (no vendor call takes this long); younger, it
   * belongs to a submit still in flight.
   */
  pendingStaleAfterMs?: number;
  /**
   * Runs a vendor call on behalf of `actor`, so the vendor's rate budget can share its calls fairly between
   * people (the composition root passes the HTTP layer's requester scope). Without it calls run as they are.
   */
  vendorCallScope?: <T>(actor: Actor, call: () => Promise<T>) => Promise<T>;
  /** How long and how many case lists are kept for their page buttons. */
  listCache?: { ttlMs: number; maxEntries: number };
}

export class CaseService {
  private readonly vendors: VendorDirectory;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly authorize: Authorize;
  private readonly access?: CaseAccess;
  private readonly now: () => Date;
  private readonly vendorCallScope: <T>(actor: Actor, call: () => Promise<T>) => Promise<T>;
  private readonly recentLists: ListCache;
  private readonly writes: WriteOnce;

  constructor(options: CaseServiceOptions) {
    this.vendors = options.vendors;
    this.store = options.store;
    this.logger = options.logger;
    this.authorize = options.authorize ?? allowEverything;
    this.access = options.access;
    this.now = options.now ?? (() => new Date());
    this.vendorCallScope = options.vendorCallScope ?? ((_actor, call) => call());
    this.writes = new WriteOnce({
      store: this.store,
      logger: this.logger,
      now: this.now,
      pendingStaleAfterMs: options.pendingStaleAfterMs ?? 120_000,
      vendorCallScope: this.vendorCallScope,
    });
    this.recentLists = new ListCache({
      ...DEFAULT_LIST_CACHE,
      ...options.listCache,
      now: () => this.now().getTime(),
    });
  }

  /** The configured vendors in display order. */
  enabledVendors(): VendorAdapter[] {
    return this.vendors.enabled();
  }

  /** Whether `vendor` is configured and allows `capability` (without throwing). */
  allows(vendor: VendorId, capability: Capability): boolean {
    return this.vendors.get(vendor)?.capabilities.has(capability) ?? false;
  }

  /** The adapter, or VendorNotConfiguredError / UnsupportedOperationError with the vendor's reason. */
  adapterFor(vendor: VendorId, capability?: Capability): VendorAdapter {
    const adapter = this.vendors.require(vendor);
    if (capability && !adapter.capabilities.has(capability)) {
      throw new UnsupportedOperationError(
        vendor,
        capability,
        this.vendors.profile(vendor).unsupportedReason(capability),
      );
    }
    return adapter;
  }

  /** The configured vendor's case a portal link points at (the first vendor whose link shape fits). */
  caseFromLink(url: string): { vendor: VendorId; id: string } | undefined {
    for (const adapter of this.vendors.enabled()) {
      const id = adapter.caseIdFromLink?.(url);
      if (id !== undefined) return { vendor: adapter.vendor, id };
    }
    return undefined;
  }

  /** Validates a case id as the vendor's rules say (no unvalidated text reaches a URL). */
  parseCaseId(vendor: VendorId, raw: string): string {
    return this.adapterFor(vendor).parseCaseId(raw);
  }

  async lookup(actor: Actor, vendor: VendorId, rawId: string): Promise<Case> {
    const adapter = this.adapterFor(vendor, 'lookup');
    const id = adapter.parseCaseId(rawId);
    await this.requireReadable(actor, vendor, id);
    return this.vendorCallScope(actor, () => adapter.lookup(id));
  }

  /**
   * Every read of a case: the policy's `lookup` rules, then where the case lives (a private channel's case
   * only for its members). Both are decided before any vendor call.
   */
  private async requireReadable(actor: Actor, vendor: VendorId, caseId: string): Promise<void> {
    await this.authorize('lookup', { actor, vendor, caseId });
    await this.access?.requireVisible(actor, vendor, caseId);
  }

  /**
   * A vendor's cases by the query, less those living in private channels the person is not in. `reuse` (a
   * list's page buttons) answers from the same person's same list read in the last few minutes, when there is
   * one, instead of walking the vendor's pages again.
   */
  async list(
    actor: Actor,
    vendor: VendorId,
    query: ListQuery,
    options: { reuse?: boolean } = {},
  ): Promise<ListResult> {
    const adapter = this.adapterFor(vendor, 'list');
    await this.authorize('list', { actor, vendor });
    const key = ListCache.key(actor.userId, vendor, query);
    let result = options.reuse ? this.recentLists.get(key) : undefined;
    if (!result) {
      result = await this.vendorCallScope(actor, () => adapter.list(query));
      this.recentLists.set(key, result);
    }
    return this.visibleOnly(actor, result);
  }

  private async visibleOnly(actor: Actor, result: ListResult): Promise<ListResult> {
    if (!this.access || result.cases.length === 0) return result;
    const keyed = result.cases.map((c) => ({ vendor: c.vendor, caseId: c.id, case: c }));
    const visible = await this.access.visibleOf(actor.userId, keyed);
    if (visible.length === keyed.length) return result;
    // The vendor's total spans every page; only this answer's hidden cases are known to take off.
    return {
      ...result,
      cases: visible.map((k) => k.case),
      total: Math.max(0, result.total - (keyed.length - visible.length)),
    };
  }

  async open(actor: Actor, request: OpenRequest, origin: WriteOrigin): Promise<WriteOutcome<OpenedCase>> {
    const adapter = this.adapterFor(request.vendor, 'open');
    const profile = this.vendors.profile(request.vendor);
    await this.authorize('open', {
      actor,
      vendor: request.vendor,
      request,
      severity: profile.openSeverity(request),
    });
    const outcome = await this.writes.run<OpenedCase>({
      actor,
      operation: 'open',
      vendor: request.vendor,
      origin,
      vendorKey: profile.openVendorKey(request) ?? vendorKey('open', request.vendor, origin),
      asked: `open a case: ${profile.describeOpen(request)}`,
      perform: async (key) => {
        const result: OpenResult = await adapter.open(request, { idempotencyKey: key });
        return { case: result.case, created: result.created, vendorKey: key };
      },
      remember: (opened) => ({
        caseId: opened.case.id,
        title: opened.case.title,
        created: opened.created,
        detail: `${opened.created ? 'opened' : 'found already open'} case ${opened.case.id} "${opened.case.title}"`,
      }),
      replay: async (stored, key) => ({
        case: await this.bestEffortLookup(adapter, stored.caseId, stored.title),
        created: stored.created ?? true,
        vendorKey: key,
      }),
      resolveCrashed: adapter.findByIdempotencyKey
        ? async (key) => {
            const found = await adapter.findByIdempotencyKey?.(key);
            return found ? { case: found, created: true, vendorKey: key } : 'absent';
          }
        : undefined,
    });
    if (outcome.kind === 'done' && !outcome.repeated) {
      // A case opened in a private channel belongs there (watching it there records the same home again).
      await quietly(this.logger, 'record where the case lives', async () =>
        this.access?.settleHome(request.vendor, outcome.value.case.id, actor.channelId),
      );
      await quietly(this.logger, 'record the recent case', () =>
        this.store.recordRecentCase({
          userId: actor.userId,
          vendor: request.vendor,
          caseId: outcome.value.case.id,
          title: outcome.value.case.title,
          at: this.now().toISOString(),
        }),
      );
    }
    return outcome;
  }

  async annotate(
    actor: Actor,
    vendor: VendorId,
    rawId: string,
    note: NoteRequest,
    origin: WriteOrigin,
  ): Promise<WriteOutcome<{ caseId: string }>> {
    const adapter = this.adapterFor(vendor, 'annotate');
    const id = adapter.parseCaseId(rawId);
    const text = note.text.trim();
    if (!text) throw new InvalidInputError('The note is empty: write something to add.', 'note');
    await this.authorize('annotate', { actor, vendor, caseId: id });
    // A case that lives in a private channel is written to only by people who may see it.
    await this.access?.requireVisible(actor, vendor, id);
    return this.writes.run({
      actor,
      operation: 'annotate',
      vendor,
      caseId: id,
      origin,
      vendorKey: vendorKey('annotate', vendor, origin),
      asked: `add a note of ${text.length} characters to case ${id}`,
      perform: async (key) => {
        await adapter.annotate(id, { ...note, text }, { idempotencyKey: key });
        // Kept on the case's record, so digests and cards show it even where the vendor never echoes notes.
        await quietly(this.logger, 'record the note sent from Slack', () =>
          this.store.recordSlackNote(vendor, id, {
            text,
            slackUserId: actor.userId,
            at: this.now().toISOString(),
          }),
        );
        return { caseId: id };
      },
      remember: () => ({ caseId: id, detail: `note added to case ${id}` }),
      replay: async () => ({ caseId: id }),
    });
  }

  async cancel(
    actor: Actor,
    vendor: VendorId,
    rawId: string,
    reason: string,
    origin: WriteOrigin,
  ): Promise<WriteOutcome<Case>> {
    const adapter = this.adapterFor(vendor, 'cancel');
    const id = adapter.parseCaseId(rawId);
    const why = reason.trim();
    if (!why) throw new InvalidInputError('Say why the case is being cancelled.', 'reason');
    await this.authorize('cancel', { actor, vendor, caseId: id });
    // A case that lives in a private channel is written to only by people who may see it.
    await this.access?.requireVisible(actor, vendor, id);
    return this.writes.run({
      actor,
      operation: 'cancel',
      vendor,
      caseId: id,
      origin,
      vendorKey: vendorKey('cancel', vendor, origin),
      asked: `cancel case ${id} with reason "${why}"`,
      perform: (key) => adapter.cancel(id, why, { idempotencyKey: key }),
      remember: (c) => ({ caseId: c.id, title: c.title, detail: `case ${c.id} is now ${c.status}` }),
      replay: (stored) => this.bestEffortLookup(adapter, stored.caseId, stored.title),
    });
  }

  /**
   * Watches a case in a channel (after checking the case exists, so a typo is not watched forever) and keeps
   * a first snapshot so the first status change is reported against what the channel saw.
   */
  async watch(
    actor: Actor,
    vendor: VendorId,
    rawId: string,
    channelId: string,
    knownCase?: Case,
  ): Promise<{ added: boolean; case: Case }> {
    const adapter = this.adapterFor(vendor, 'lookup');
    const id = adapter.parseCaseId(rawId);
    const where = { ...actor, channelId };
    // Watching shows the case's card, so it is a read as well as a watch.
    await this.authorize('watch', { actor: where, vendor, caseId: id });
    await this.requireReadable(where, vendor, id);
    const current = knownCase ?? (await this.vendorCallScope(actor, () => adapter.lookup(id)));
    // The first channel to watch a case is its home when it has none yet (a private one keeps it there).
    await this.access?.settleHome(vendor, current.id, channelId);
    const added = await this.store.addWatch({
      vendor,
      caseId: current.id,
      channelId,
      createdBy: actor.userId,
      createdAt: this.now().toISOString(),
    });
    await quietly(this.logger, 'store the first snapshot', () =>
      this.store.recordObservation(current, this.now().toISOString()),
    );
    return { added, case: current };
  }

  async unwatch(actor: Actor, vendor: VendorId, rawId: string, channelId: string): Promise<boolean> {
    const id = this.vendors.get(vendor)?.parseCaseId(rawId) ?? rawId.trim();
    await this.authorize('unwatch', { actor: { ...actor, channelId }, vendor, caseId: id });
    await this.authorize('lookup', { actor: { ...actor, channelId }, vendor, caseId: id });
    return this.store.removeWatch(vendor, id, channelId);
  }

  async isWatched(vendor: VendorId, caseId: string, channelId: string): Promise<boolean> {
    const watches = await this.store.watchesOfCase(vendor, caseId);
    return watches.some((w) => w.channelId === channelId);
  }

  /**
   * The cases a channel watches, with what the poller last saw of each: for `viewer`, only those whose vendor's
   * `lookup` rules allow them here and whose case they may see (a private channel's case only for its members).
   */
  async watching(channelId: string, viewer: Actor): Promise<WatchedCase[]> {
    let watches = await this.store.watchesInChannel(channelId);
    const where = { ...viewer, channelId };
    const readable = new Map<VendorId, boolean>();
    for (const vendor of new Set(watches.map((w) => w.vendor))) {
      readable.set(
        vendor,
        await Promise.resolve()
          .then(() => this.authorize('lookup', { actor: where, vendor }))
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof DeniedError) return false;
              throw error;
            },
          ),
      );
    }
    watches = watches.filter((w) => readable.get(w.vendor));
    if (this.access) watches = await this.access.visibleOf(viewer.userId, watches);
    return withSnapshots(this.store, watches);
  }

  /** A fresh look at a case for a repeat's answer; what was remembered when the vendor cannot answer now. */
  private async bestEffortLookup(adapter: VendorAdapter, caseId: string, title?: string): Promise<Case> {
    try {
      return await adapter.lookup(caseId);
    } catch (error) {
      this.logger.warn({ err: error, vendor: adapter.vendor, caseId }, 'lookup for a repeated write failed');
      return {
        vendor: adapter.vendor,
        id: caseId,
        alternateIds: [],
        title: title ?? `${this.vendors.profile(adapter.vendor).name} case ${caseId}`,
        status: 'unknown',
        state: 'open',
        notes: [],
        fields: [],
      };
    }
  }
}
