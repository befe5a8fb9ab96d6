/**
 * Equinix Case Management API 2.0.0: open, look up, annotate and cancel cases. OAuth client credentials with a
 * cached token; ids are 8-digit case numbers or order numbers (1-204976070710).
 */
import { createHash } from 'node:crypto';
import type { Case } from '../../domain/case.js';
import {
  InvalidInputError,
  OutcomeUnknownError,
  VendorError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import type { OpenRequest } from '../../domain/open-request.js';
import { systemClock } from '../../domain/ports/clock.js';
import type { NoteRequest, OpenResult, WriteOptions } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { BaseVendorAdapter } from '../base-adapter.js';
import type { VendorDeps } from '../deps.js';
import { VendorHttpClient } from '../http/client.js';
import { oauthClient } from '../http/oauth.js';
import { encodePath } from '../http/path.js';
import { RateBudget } from '../http/rate-budget.js';
import type { VendorResponse } from '../http/wire.js';
import { mapEquinixError, mapTokenError, TOKEN_REFUSAL_COOLDOWN_MS } from './errors.js';
import { equinixTicketToCase, justCancelledCase, justCreatedCase, ticketNumbers } from './mapper.js';
import { type EquinixNotificationContact, EquinixOpenRequest, takesDetails } from './open-request.js';
import {
  CASE_NUMBER_PATTERN,
  CUSTOMER_REFERENCE_MAX,
  EquinixCancelRequest,
  type EquinixCreateRequest,
  EquinixCreateResponse,
  type EquinixNonRegisteredContact,
  type EquinixNoteRequest,
  EquinixTicket,
  type EquinixTokenRequest,
  EquinixTokenResponse,
} from './schemas.js';
import { EQUINIX } from './terms.js';

export { mapEquinixError, TOKEN_REFUSAL_COOLDOWN_MS } from './errors.js';

const VENDOR = EQUINIX.id;

export interface EquinixConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  ratePerSecond: number;
  maxConcurrent: number;
}

/**
 * The customerReferenceId sent for an idempotency key: the key itself when it fits Equinix's 40 characters,
 * otherwise a stable digest of it, so every attempt of one intended create carries the same reference.
 */
export function customerReferenceFor(idempotencyKey: string): string {
  if (idempotencyKey.length === 0) throw new TypeError('an idempotency key is required');
  if (idempotencyKey.length <= CUSTOMER_REFERENCE_MAX) return idempotencyKey;
  const prefix = 'caseops-';
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex');
  return prefix + digest.slice(0, CUSTOMER_REFERENCE_MAX - prefix.length);
}

function createHttpClient(config: EquinixConfig, deps: VendorDeps): VendorHttpClient {
  const clock = deps.clock ?? systemClock;
  const auth = oauthClient({
    vendor: VENDOR,
    vendorName: EQUINIX.name,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    refusalCooldownMs: TOKEN_REFUSAL_COOLDOWN_MS,
    mapError: (answer) => mapTokenError(answer, clock.now()),
    token: {
      path: '/oauth2/v1/token',
      body: {
        json: {
          grant_type: 'client_credentials',
          client_id: config.clientId,
          client_secret: config.clientSecret,
        } satisfies EquinixTokenRequest,
      },
      schema: EquinixTokenResponse,
      read: (answer) => ({ accessToken: answer.access_token, expiresInSeconds: answer.token_timeout }),
    },
    deps,
  });
  return new VendorHttpClient({
    vendor: VENDOR,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    clock,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    onCall: deps.onCall,
    tracing: deps.tracing,
    retry: deps.retry,
    budget: new RateBudget({
      ratePerSecond: config.ratePerSecond,
      maxConcurrent: config.maxConcurrent,
      clock,
    }),
    auth,
    mapError: (answer) => mapEquinixError(answer, clock.now()),
  });
}

type CreateEntry =
  | { kind: 'pending'; caseId: Promise<string> }
  | { kind: 'created'; caseId: string }
  | { kind: 'unknown'; error: OutcomeUnknownError };

/**
 * The creates this process has sent, by customerReferenceId: a repeat joins the create under way, gets the
 * case an earlier attempt created, or the same OutcomeUnknownError (never a second POST). A definitive
 * failure is forgotten, since nothing was created. Durable, cross-restart protection is the write ledger in
 * the store; this guards the double-click within one process.
 */
class CreateLedger {
  private readonly entries = new Map<string, CreateEntry>();

  constructor(private readonly capacity = 1_000) {}

  get(reference: string): CreateEntry | undefined {
    return this.entries.get(reference);
  }

  track(reference: string, create: Promise<string>): void {
    this.remember(reference, { kind: 'pending', caseId: create });
    create.then(
      (caseId) => this.remember(reference, { kind: 'created', caseId }),
      (error: unknown) => {
        if (error instanceof OutcomeUnknownError) this.remember(reference, { kind: 'unknown', error });
        else this.entries.delete(reference);
      },
    );
  }

  private remember(reference: string, entry: CreateEntry): void {
    this.entries.delete(reference);
    this.entries.set(reference, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

function validOpenRequest(request: OpenRequest): EquinixOpenRequest {
  if (request.vendor !== VENDOR) {
    throw new InvalidInputError(`A ${request.vendor} request cannot open an Equinix case.`, 'vendor');
  }
  const parsed = EquinixOpenRequest.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(
    issue?.message ?? 'The Equinix request is not valid.',
    issue?.path.length ? issue.path.join('.') : undefined,
  );
}

/** A person Equinix reaches by e-mail, as the document's ContactRequestNonRegisteredUser. */
function contactOf(type: 'NOTIFICATION' | 'TECHNICAL', contact: EquinixNotificationContact) {
  return {
    type,
    firstName: contact.firstName,
    lastName: contact.lastName,
    details: [{ type: 'EMAIL', value: contact.email }],
  } satisfies EquinixNonRegisteredContact;
}

/** `details.documents` as the document's sample shapes it, for the codes that take details; else none. */
function detailsOf(request: EquinixOpenRequest): EquinixCreateRequest['details'] {
  if (!takesDetails(request.code)) return undefined;
  const documents = {
    ...(request.transactionIds?.length ? { transactionIds: request.transactionIds } : {}),
    ...(request.documentType ? { type: request.documentType } : {}),
    ...(request.documentFormats?.length ? { formats: request.documentFormats } : {}),
  };
  return Object.keys(documents).length > 0 ? { documents } : undefined;
}

function createBody(request: EquinixOpenRequest, reference: string): EquinixCreateRequest {
  const contacts = [
    ...request.notificationContacts.map((contact) => contactOf('NOTIFICATION', contact)),
    ...(request.technicalContacts ?? []).map((contact) => contactOf('TECHNICAL', contact)),
  ];
  return {
    code: request.code,
    description: request.description,
    primaryId: request.primaryId,
    secondaryId: request.secondaryId,
    occurredDateTime: request.occurredAt ? new Date(request.occurredAt).toISOString() : undefined,
    customerReferenceId: reference,
    contacts: contacts.length > 0 ? contacts : undefined,
    details: detailsOf(request),
  };
}

/** The id Equinix gave a new case: from the body, or from the older API's 201 + Location answer. */
function createdCaseId(response: VendorResponse<EquinixCreateResponse | undefined>): string {
  if (response.data) return response.data.id;
  const location = response.headers.location;
  const raw = Array.isArray(location) ? location[0] : location;
  const lastSegment = raw
    ? new URL(raw, 'http://location.invalid').pathname.split('/').filter(Boolean).at(-1)
    : '';
  const id = lastSegment ? decodeURIComponent(lastSegment) : '';
  if (id.length >= 8 && id.length <= 100) return id;
  throw new VendorUnavailableError(
    VENDOR,
    'a success answer that names no case id we could read',
    response.status,
    true,
  );
}

function noteBody(note: NoteRequest): EquinixNoteRequest {
  const text = note.text.trim();
  if (text.length === 0) throw new InvalidInputError('The note is empty.', 'text');
  if (text.length > 4000) {
    throw new InvalidInputError(
      `A note can be at most 4000 characters (this one has ${text.length}).`,
      'text',
    );
  }
  // Sent explicitly, though EXTERNAL is also Equinix's default, so what the customer sees never depends on it.
  return { text, visibility: note.visibility ?? 'EXTERNAL' };
}

function cancelBody(reason: string): EquinixCancelRequest {
  const parsed = EquinixCancelRequest.safeParse({ reason: reason.trim() });
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    reason.trim().length === 0
      ? 'A reason is required to cancel an Equinix case.'
      : 'The reason can be at most 4000 characters.',
    'reason',
  );
}

export class EquinixAdapter extends BaseVendorAdapter {
  protected readonly terms = EQUINIX;

  private readonly logger: Logger;
  private readonly creates = new CreateLedger();

  constructor(config: EquinixConfig, deps: VendorDeps) {
    super(createHttpClient(config, deps));
    this.logger = deps.logger;
  }

  async lookup(rawId: string): Promise<Case> {
    return equinixTicketToCase(await this.getTicket(this.parseCaseId(rawId)));
  }

  override async open(request: OpenRequest, options: WriteOptions): Promise<OpenResult> {
    const valid = validOpenRequest(request);
    const reference = customerReferenceFor(options.idempotencyKey);
    const earlier = this.creates.get(reference);
    if (earlier?.kind === 'unknown') throw earlier.error;
    if (earlier) {
      const caseId = earlier.kind === 'pending' ? await earlier.caseId : earlier.caseId;
      return { case: await this.readBack(caseId, valid, reference), created: false };
    }
    const create = this.create(valid, reference, options.signal);
    this.creates.track(reference, create);
    const caseId = await create;
    return { case: await this.readBack(caseId, valid, reference), created: true };
  }

  override async annotate(rawId: string, note: NoteRequest, options: WriteOptions): Promise<void> {
    const id = this.parseCaseId(rawId);
    const body = noteBody(note);
    const caseNumber = await this.caseNumberOf(id, options.signal);
    // Equinix notes carry no idempotency field, so the POST is sent once; a failure whose outcome is uncertain
    // stays a VendorUnavailableError with `outcomeUncertain` for the caller's write ledger to record.
    await this.http.request({
      operation: 'annotate',
      method: 'POST',
      path: encodePath`/support/v2/tickets/${caseNumber}/notes`,
      body: { json: body },
      idempotent: false,
      caseId: caseNumber,
      signal: options.signal,
    });
  }

  override async cancel(rawId: string, reason: string, options: WriteOptions): Promise<Case> {
    const id = this.parseCaseId(rawId);
    const body = cancelBody(reason);
    try {
      await this.http.request({
        operation: 'cancel',
        method: 'POST',
        path: encodePath`/support/v2/tickets/${id}/cancel`,
        body: { json: body },
        idempotent: false,
        caseId: id,
        signal: options.signal,
      });
    } catch (error) {
      // Unlike a create, a cancel can be checked: when Equinix may have acted, look instead of asking again.
      if (error instanceof VendorUnavailableError && error.outcomeUncertain) {
        const current = await this.getTicket(id).then(equinixTicketToCase, () => undefined);
        if (current?.state === 'cancelled') return current;
      }
      throw error;
    }
    try {
      return equinixTicketToCase(await this.getTicket(id, options.signal));
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.logger.warn(
        { vendor: VENDOR, caseId: id, code: error.code },
        'Equinix accepted the cancel but reading the case back failed',
      );
      return justCancelledCase(id);
    }
  }

  private async getTicket(id: string, signal?: AbortSignal): Promise<EquinixTicket> {
    const { data } = await this.http.request({
      operation: 'lookup',
      method: 'GET',
      path: encodePath`/support/v2/tickets/${id}`,
      schema: EquinixTicket,
      idempotent: true,
      caseId: id,
      signal,
    });
    return data;
  }

  /** Notes take the 8-digit case number; an order number is resolved to its case by a lookup. */
  private async caseNumberOf(id: string, signal?: AbortSignal): Promise<string> {
    if (CASE_NUMBER_PATTERN.test(id)) return id;
    const { caseNumber } = ticketNumbers(await this.getTicket(id, signal));
    if (caseNumber) return caseNumber;
    throw new InvalidInputError(
      `Equinix order ${id} has no 8-digit case number, and Equinix takes notes only on a case number.`,
      'id',
    );
  }

  private async create(
    request: EquinixOpenRequest,
    reference: string,
    signal?: AbortSignal,
  ): Promise<string> {
    try {
      const response = await this.http.request({
        operation: 'open',
        method: 'POST',
        path: '/support/v2/tickets',
        body: { json: createBody(request, reference) },
        // Optional: the older API answered 201 with a Location header and no body.
        schema: EquinixCreateResponse.optional(),
        idempotent: false,
        signal,
      });
      return createdCaseId(response);
    } catch (error) {
      // Creates are never repeated blindly. Equinix offers no way to find a case by its customerReferenceId,
      // so when the outcome is uncertain (no answer after sending, an unreadable success answer, our own
      // abort) nothing can be checked: the caller gets OutcomeUnknownError with the reference a person can
      // search for in the Equinix portal. A definitive failure (4xx, 429, 503, …) created nothing and is
      // thrown as it is.
      if (error instanceof VendorUnavailableError && error.outcomeUncertain) {
        throw new OutcomeUnknownError(VENDOR, reference, error.detail);
      }
      if (signal?.aborted) {
        throw new OutcomeUnknownError(VENDOR, reference, 'the request was abandoned before Equinix answered');
      }
      throw error;
    }
  }

  /** The full case after a create; when reading it fails, what is known (the case exists either way). */
  private async readBack(id: string, request: EquinixOpenRequest, reference: string): Promise<Case> {
    try {
      return equinixTicketToCase(await this.getTicket(id));
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.logger.warn(
        { vendor: VENDOR, caseId: id, code: error.code },
        'Equinix created the case but reading it back failed; answering with what is known',
      );
      return justCreatedCase(id, request, reference);
    }
  }
}
