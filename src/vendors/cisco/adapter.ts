/**
 * Cisco Support Case API v3 (read-only): look a case up, refresh many at once through the summary call (30 ids
 * a call), and list cases by contract or by user, walking every page. Opening, annotating and closing Cisco
 * cases needs Cisco's separate, contract-gated Smart Bonding API, so those stay unsupported here.
 * Listing is list-query.ts; reading Cisco's refusals is errors.ts.
 */
import type { Case } from '../../domain/case.js';
import {
  CaseNotFoundError,
  InvalidInputError,
  VendorError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import { systemClock } from '../../domain/ports/clock.js';
import type { ListQuery, ListResult, RefreshOutcome } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { BaseVendorAdapter } from '../base-adapter.js';
import type { VendorDeps } from '../deps.js';
import { VendorHttpClient } from '../http/client.js';
import { oauthClient } from '../http/oauth.js';
import { encodePath } from '../http/path.js';
import { RateBudget } from '../http/rate-budget.js';
import type { FailedAnswer } from '../http/wire.js';
import { mapCiscoError, readErrorEnvelope } from './errors.js';
import { buildListRequest, CISCO_LIMITS } from './list-query.js';
import { ciscoCaseToCase } from './mapper.js';

export { CISCO_LIMITS } from './list-query.js';

import {
  CiscoCase,
  CiscoCaseId,
  CiscoDetailResponse,
  CiscoListResponse,
  CiscoSummaryEntries,
  CiscoTokenResponse,
  parseLenientJson,
} from './schemas.js';

export interface CiscoAdapterOptions {
  baseUrl: string;
  /** Absolute URL of the OAuth token endpoint. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  ratePerSecond: number;
  maxConcurrent: number;
  deps: VendorDeps;
  /** How long to stop asking for a token after Cisco refused the credentials (default 5 minutes). */
  tokenRefusalCooldownMs?: number;
}

import { CISCO } from './terms.js';

export class CiscoAdapter extends BaseVendorAdapter {
  protected readonly terms = CISCO;
  private readonly logger: Logger;

  constructor(options: CiscoAdapterOptions) {
    super(createCiscoHttpClient(options));
    this.logger = options.deps.logger;
  }

  async lookup(rawId: string): Promise<Case> {
    const id = this.parseCaseId(rawId);
    const { data } = await this.http.request({
      operation: 'lookup',
      method: 'GET',
      path: encodePath`/case/v3/cases/details/case_id/${id}`,
      schema: CiscoDetailResponse,
      idempotent: true,
      caseId: id,
    });
    if (!data.caseDetail) throw new CaseNotFoundError(this.vendor, id);
    return ciscoCaseToCase(data.caseDetail);
  }

  /**
   * Summaries of up to 30 cases per call. Outcomes come back in the order of `ids`, keyed by the id as given.
   * An id that cannot be a Cisco case number is refused on its own, without asking Cisco, and never sinks the
   * rest of the refresh.
   */
  override async refresh(ids: readonly string[]): Promise<RefreshOutcome[]> {
    const caseIdByInput = new Map<string, string | InvalidInputError>();
    const uniqueIds = new Set<string>();
    for (const input of ids) {
      if (caseIdByInput.has(input)) continue;
      const id = this.tryParseCaseId(input);
      caseIdByInput.set(input, id);
      if (typeof id === 'string') uniqueIds.add(id);
    }

    const results = new Map<string, Case | VendorError>();
    const batches = chunk([...uniqueIds], CISCO_LIMITS.caseIdsPerSummary);
    // All batches are queued at once; the rate budget paces them.
    await Promise.all(
      batches.map(async (batch) => {
        for (const [id, result] of await this.refreshBatch(batch)) results.set(id, result);
      }),
    );

    return ids.map((input): RefreshOutcome => {
      const id = caseIdByInput.get(input);
      if (id instanceof InvalidInputError) {
        return { id: input, ok: false, error: new VendorRejectedError(this.vendor, id.message) };
      }
      const result = id === undefined ? undefined : results.get(id);
      if (result === undefined) {
        return { id: input, ok: false, error: new CaseNotFoundError(this.vendor, input) };
      }
      return result instanceof VendorError
        ? { id: input, ok: false, error: result }
        : { id: input, ok: true, case: result, summary: true };
    });
  }

  override async list(query: ListQuery): Promise<ListResult> {
    const request = buildListRequest(query);
    const cases = new Map<string, Case>();
    let total = 0;
    let pages = 0;
    let lastIndex = 1;
    for (let pageIndex = 1; pageIndex <= lastIndex; pageIndex++) {
      let data: CiscoListResponse;
      try {
        ({ data } = await this.http.request({
          operation: 'list',
          method: 'GET',
          path: request.path,
          query: { ...request.query, page_index: pageIndex },
          schema: CiscoListResponse,
          idempotent: true,
        }));
      } catch (error) {
        // Cisco may say "no case found" for a search with no match; that is an empty list, not a failure.
        if (pageIndex === 1 && isCaseNotFoundRefusal(error)) return { cases: [], total: 0, pages: 1 };
        throw error;
      }
      pages++;
      const record = data.pagination_response_record;
      if (pageIndex === 1) total = record?.total_records ?? data.cases.length;
      // Continue while page_index < last_index, as each page reports it (cases can come and go mid-walk).
      lastIndex = record?.last_index ?? pageIndex;
      if (lastIndex > CISCO_LIMITS.maxListPages) {
        throw new InvalidInputError(
          `Cisco has ${total} cases for this search (${lastIndex} pages); caseops reads at most ${CISCO_LIMITS.maxListPages} pages. Narrow the dates or filter by status.`,
          'from',
        );
      }
      for (const entry of data.cases) cases.set(entry.case_id, ciscoCaseToCase(entry));
    }
    return { cases: [...cases.values()], total, pages };
  }

  private tryParseCaseId(input: string): string | InvalidInputError {
    try {
      return this.parseCaseId(input);
    } catch (error) {
      if (error instanceof InvalidInputError) return error;
      throw error;
    }
  }

  private async refreshBatch(batch: readonly string[]): Promise<Map<string, Case | VendorError>> {
    const results = new Map<string, Case | VendorError>();
    try {
      const { data } = await this.http.request({
        operation: 'refresh',
        method: 'GET',
        // encodePath would encode the separating commas; the ids are validated, each encoded anyway.
        path: `/case/v3/cases/case_ids/${batch.map((id) => encodeURIComponent(id)).join(',')}`,
        schema: CiscoSummaryEntries,
        idempotent: true,
      });
      const byId = new Map<string, Case | VendorError>();
      for (const raw of data.cases) {
        const entry = CiscoCase.safeParse(raw);
        if (entry.success) {
          byId.set(comparableCaseId(entry.data.case_id), ciscoCaseToCase(entry.data));
          continue;
        }
        const id = CiscoCaseId.safeParse((raw as { case_id?: unknown } | null)?.case_id);
        const issue = entry.error.issues[0];
        if (id.success && !byId.has(comparableCaseId(id.data))) {
          byId.set(
            comparableCaseId(id.data),
            new VendorUnavailableError(
              this.vendor,
              `an unexpected answer for case ${id.data}${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`,
            ),
          );
        }
      }
      for (const id of batch) {
        results.set(id, byId.get(comparableCaseId(id)) ?? new CaseNotFoundError(this.vendor, id));
      }
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      const noneFound = isCaseNotFoundRefusal(error);
      if (!noneFound) {
        this.logger.warn(
          { vendor: this.vendor, code: error.code, cases: batch.length },
          'a batch of Cisco case summaries failed',
        );
      }
      for (const id of batch) {
        results.set(id, noneFound ? new CaseNotFoundError(this.vendor, id, error.httpStatus) : error);
      }
    }
    return results;
  }
}

/** Cisco case numbers compare as numbers: "0682299374" and "682299374" are the same case. */
function comparableCaseId(id: string): string {
  return id.replace(/^0+(?=\d)/, '');
}

function isCaseNotFoundRefusal(error: unknown): boolean {
  return error instanceof VendorRejectedError && error.vendorCode === 'CASE_NOTFOUND';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP: token, budget and the reading of Cisco's refusals.

function createCiscoHttpClient(options: CiscoAdapterOptions): VendorHttpClient {
  const { deps } = options;
  const clock = deps.clock ?? systemClock;
  const shared = {
    vendor: 'cisco' as const,
    timeoutMs: options.timeoutMs,
    clock,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    onCall: deps.onCall,
    tracing: deps.tracing,
    retry: deps.retry,
    parseBody: parseLenientJson,
    mapError: (answer: FailedAnswer) => mapCiscoError(answer, clock.now()),
  };

  const auth = oauthClient({
    vendor: CISCO.id,
    vendorName: CISCO.name,
    baseUrl: options.tokenUrl,
    timeoutMs: options.timeoutMs,
    refusalCooldownMs: options.tokenRefusalCooldownMs,
    mapError: shared.mapError,
    parseBody: shared.parseBody,
    token: {
      path: options.tokenUrl,
      body: {
        form: {
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
        },
      },
      schema: CiscoTokenResponse,
      read: (answer) => ({ accessToken: answer.access_token, expiresInSeconds: answer.expires_in }),
    },
    deps,
  });

  const budget = new RateBudget({
    ratePerSecond: options.ratePerSecond,
    maxConcurrent: options.maxConcurrent,
    clock,
  });
  return new VendorHttpClient({
    ...shared,
    baseUrl: options.baseUrl,
    budget,
    auth,
    inspectSuccess: (answer) => {
      const error = readErrorEnvelope(answer);
      // The client pauses the budget only for throttling it sees in a non-2xx answer.
      if (error instanceof VendorThrottledError) budget.pause(clock.now() + (error.retryAfterMs ?? 1_000));
      return error;
    },
  });
}
