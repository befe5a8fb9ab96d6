/**
 * A stateful, in-memory Equinix Case Management API for tests, the playground and benchmarks. It is an
 * independent witness of the vendor's contract: every schema, path, status and error body below is restated
 * from Equinix's "Case Management API 2.0.0" document and the project's vendor notes, never taken from the
 * adapter, so a mistake in the adapter's reading of the document shows up as a failing test instead of being
 * agreed with. It answers the JSON token endpoint with its account lock after 5 refusals in a row, Bearer
 * tokens on every other route, 8-digit case numbers and 1-… order numbers, validation answered with Equinix
 * error arrays, 404 for unknown ids and 409 for cases that cannot change. The EQ-… codes it answers with are
 * its own; Equinix does not publish a list.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { SimRequest, SimResponse } from '../sim-kit.js';
import { readBearer, SimTokenIssuer, SimulatorServer } from '../sim-kit.js';
import { type SimulatedCaseSummary, SimulatedVendor, type VendorSimulator } from '../simulator.js';
import {
  ContactRequest,
  detailsProblem,
  type EquinixContactRequest,
  type EquinixDetailsRequest,
} from './simulator-create.js';

export type { EquinixContactRequest } from './simulator-create.js';

// --- The contract, as the document states it ------------------------------------------------------------

/** "CaseNumber = 8 characters", e.g. 11150929; the notes add that it is all digits. */
const CASE_NUMBER = /^\d{8}$/;
/** "OrderNumber [14 .. 100] characters", e.g. 1-204976070710. */
const ORDER_NUMBER = /^\d+-\d+$/;
const isOrderNumber = (id: string) => id.length >= 14 && id.length <= 100 && ORDER_NUMBER.test(id);

/** "StatusResponse" of a get. */
const STATUSES = ['SUBMITTED', 'IN_PROGRESS', 'RESOLVED', 'ACTION_REQUIRED', 'CLOSED', 'CANCELLED'] as const;
type EquinixStatus = (typeof STATUSES)[number];

/**
 * The document's `code` is an enum, but its own sample uses a code missing from the list and the list drifts
 * (notes): the shape NNNN-NNNN is what a server can hold a client to.
 */
const TICKET_CODE = /^\d{4}-\d{4}$/;

/**
 * `customerReferenceId` is documented as 1..200 characters, but an older version of the API capped it at 40
 * (notes). This server holds clients to 40, so one that relies on the longer limit fails here first.
 */
const CUSTOMER_REFERENCE_MAX = 40;

const bounded = (min: number, max: number) => z.string().min(min).max(max);
const Attachments = z
  .array(z.object({ id: z.string().min(1), name: z.string().min(1) }))
  .max(5)
  .optional();

/** The notes: `POST /oauth2/v1/token` with a JSON body. */
const TokenRequest = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

/** "Create a trouble ticket / case", request body. */
const CreateRequest = z.object({
  code: z.string().regex(TICKET_CODE, 'code must look like NNNN-NNNN'),
  description: bounded(1, 4000),
  primaryId: bounded(1, 100),
  secondaryId: bounded(1, 100).optional(),
  occurredDateTime: z.iso.datetime({ offset: true }).optional(),
  customerReferenceId: bounded(1, CUSTOMER_REFERENCE_MAX).optional(),
  contacts: z.array(ContactRequest).optional(),
  attachments: Attachments,
  details: z.unknown().optional(),
});
type CreateRequest = z.infer<typeof CreateRequest>;

/** "Modify a case by case number", request body. */
const NoteRequest = z.object({
  text: bounded(1, 4000),
  visibility: z.enum(['INTERNAL', 'EXTERNAL']).optional(),
  attachments: Attachments,
});

/** "Cancel a trouble ticket by case / order number", request body. */
const CancelRequest = z.object({ reason: bounded(1, 4000) });

/** The notes: errors come as an array of these. */
interface ErrorItem {
  errorCode: string;
  errorMessage: string;
  details: string;
  correlationId: string;
}

/** How the simulator answers a create: the documented `{id, type}` with either id, or the older 201 + Location. */
export type EquinixCreateAnswerStyle = 'case-number' | 'order-number' | 'location';

export interface EquinixSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued tokens; Equinix says 3599. */
  tokenLifetimeSeconds?: number;
  latencyMs?: number;
  /** When set, every open case moves one step along the usual lifecycle each time this much time passes. */
  autoAdvanceMs?: number;
  /** The Retry-After of a simulated throttle, in seconds. */
  throttleRetryAfterSeconds?: number;
  /** Ticket codes Equinix no longer accepts (the code list drifts): a create with one is refused with 400. */
  retiredCodes?: readonly string[];
  createAnswer?: EquinixCreateAnswerStyle;
  /** The simulator's notion of now (epoch ms), for timestamps and auto-advance. */
  now?: () => number;
}

export interface SimulatedEquinixNote {
  text: string;
  visibility: 'INTERNAL' | 'EXTERNAL';
  createdAt: string;
}

/** A case as the simulator holds it. */
export interface SimulatedEquinixCase {
  /** Undefined for an order that has no case number. */
  caseNumber?: string;
  orderId: string;
  status: EquinixStatus;
  statusHistory: Array<{ status: EquinixStatus; createdDate: string }>;
  code: string;
  description: string;
  primaryId: string;
  secondaryId?: string;
  occurredDateTime?: string;
  customerReferenceId?: string;
  contacts: EquinixContactRequest[];
  /** The create's `details`, as sent (only the codes that take one). */
  details?: EquinixDetailsRequest;
  createdDateTime: string;
  updatedDateTime: string;
  notes: SimulatedEquinixNote[];
  cancelReason?: string;
  ibx: string[];
  accountNumber: string;
  accountName: string;
  category: string;
  subCategory: string;
  products: string[];
}

/** The order `advance` walks when given no status. */
export const EQUINIX_LIFECYCLE: readonly EquinixStatus[] = [
  'SUBMITTED',
  'IN_PROGRESS',
  'ACTION_REQUIRED',
  'IN_PROGRESS',
  'RESOLVED',
  'CLOSED',
];

const TERMINAL: ReadonlySet<EquinixStatus> = new Set(['CLOSED', 'CANCELLED']);
const LOCK_AFTER_FAILURES = 5;

export const SIM_ERROR_CODES = {
  invalidRequest: 'EQ-3040001',
  invalidCredentials: 'EQ-3000021',
  accountLocked: 'EQ-3000025',
  unauthorised: 'EQ-3000001',
  notFound: 'EQ-3040404',
  notCaseNumber: 'EQ-3040012',
  retiredCode: 'EQ-3040020',
  conflict: 'EQ-3040409',
  throttled: 'EQ-3000429',
} as const;

const SeedOverrides = z
  .object({
    /** null: an order with no case number. */
    caseNumber: z.string().regex(CASE_NUMBER).nullable(),
    orderId: z.string().refine(isOrderNumber, 'an order number looks like 1-204976070710'),
    status: z.enum(STATUSES),
    code: z.string(),
    description: z.string().min(1),
    primaryId: z.string().min(1),
    customerReferenceId: z.string().min(1),
    ibx: z.array(z.string()),
    accountNumber: z.string(),
    accountName: z.string(),
    category: z.string(),
    subCategory: z.string(),
    products: z.array(z.string()),
    createdDateTime: z.iso.datetime({ offset: true }),
  })
  .partial()
  .strict();
export type EquinixSeed = z.input<typeof SeedOverrides>;

interface StoredCase {
  data: SimulatedEquinixCase;
  /** Position in EQUINIX_LIFECYCLE (IN_PROGRESS appears twice); past the end once cancelled. */
  step: number;
  movedAt: number;
}

function errorArray(
  status: number,
  errors: Array<Pick<ErrorItem, 'errorCode' | 'errorMessage'>>,
): SimResponse {
  const correlationId = randomUUID();
  const body: ErrorItem[] = errors.map((e) => ({ ...e, details: e.errorMessage, correlationId }));
  return { status, body };
}

function oneError(status: number, errorCode: string, errorMessage: string): SimResponse {
  return errorArray(status, [{ errorCode, errorMessage }]);
}

type Parsed<T> = { ok: true; data: T } | { ok: false; response: SimResponse };

/** Every request body the document describes is "Request Body schema: application/json". */
function isJson(req: SimRequest): boolean {
  const type = req.headers['content-type'];
  return /^application\/json\s*(;|$)/i.test(Array.isArray(type) ? (type[0] ?? '') : (type ?? ''));
}

function parseBody<T>(req: SimRequest, schema: z.ZodType<T>): Parsed<T> {
  if (!isJson(req)) {
    return {
      ok: false,
      response: oneError(415, SIM_ERROR_CODES.invalidRequest, 'The request body must be application/json.'),
    };
  }
  let json: unknown;
  try {
    json = req.json();
  } catch {
    return {
      ok: false,
      response: oneError(400, SIM_ERROR_CODES.invalidRequest, 'The request body is not valid JSON.'),
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    response: errorArray(
      400,
      parsed.error.issues.map((issue) => ({
        errorCode: SIM_ERROR_CODES.invalidRequest,
        errorMessage: `${issue.path.join('.') || 'body'}: ${issue.message}`,
      })),
    ),
  };
}

export class EquinixSimulator extends SimulatedVendor implements VendorSimulator {
  readonly vendor = 'equinix' as const;
  readonly statuses: readonly string[] = STATUSES;
  /** How creates are answered; tests switch it to check the adapter's tolerance. */
  createAnswer: EquinixCreateAnswerStyle;
  readonly retiredCodes: Set<string>;

  private readonly tokens: SimTokenIssuer;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly autoAdvanceMs?: number;
  private readonly now: () => number;
  private readonly stored: StoredCase[] = [];
  private nextNumber = 0;
  private failedTokenRequests = 0;
  private lockedOut = false;

  constructor(options: EquinixSimulatorOptions = {}) {
    super(new SimulatorServer({ name: 'Equinix', latencyMs: options.latencyMs }));
    this.clientId = options.clientId ?? 'caseops-sim-equinix';
    this.clientSecret = options.clientSecret ?? 'caseops-sim-equinix-secret';
    this.tokens = new SimTokenIssuer(options.tokenLifetimeSeconds ?? 3599);
    this.autoAdvanceMs = options.autoAdvanceMs;
    this.now = options.now ?? Date.now;
    this.createAnswer = options.createAnswer ?? 'case-number';
    this.retiredCodes = new Set(options.retiredCodes ?? []);
    const retryAfter = String(options.throttleRetryAfterSeconds ?? 1);
    this.server.throttleResponse = () => ({
      ...oneError(429, SIM_ERROR_CODES.throttled, 'Too many requests; slow down.'),
      headers: { 'retry-after': retryAfter },
    });
    this.server
      .route('POST', '/oauth2/v1/token', (req) => this.issueToken(req))
      .route(
        'POST',
        '/support/v2/tickets',
        this.authorised((req) => this.createCase(req)),
      )
      .route(
        'GET',
        '/support/v2/tickets/:id',
        this.authorised((req) => this.getCase(req)),
      )
      .route(
        'POST',
        '/support/v2/tickets/:id/notes',
        this.authorised((req) => this.addNote(req)),
      )
      .route(
        'POST',
        '/support/v2/tickets/:id/cancel',
        this.authorised((req) => this.cancelCase(req)),
      );
  }

  // --- VendorSimulator ---------------------------------------------------------------------------------

  env(): Record<string, string> {
    return {
      EQUINIX_BASE_URL: this.url,
      EQUINIX_CLIENT_ID: this.clientId,
      EQUINIX_CLIENT_SECRET: this.clientSecret,
    };
  }

  advance(id: string, status?: string): SimulatedCaseSummary {
    const stored = this.require(id);
    if (status === undefined) {
      if (!TERMINAL.has(stored.data.status)) this.move(stored, stored.step + 1, this.now());
      return this.summary(stored);
    }
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw new Error(`"${status}" is not an Equinix status; expected one of ${STATUSES.join(', ')}`);
    }
    this.move(stored, stepOf(status as EquinixStatus, stored.step), this.now());
    return this.summary(stored);
  }

  seed(overrides: EquinixSeed = {}): string {
    const seed = SeedOverrides.parse(overrides);
    if (seed.caseNumber && this.find(seed.caseNumber))
      throw new Error(`case ${seed.caseNumber} already exists`);
    if (seed.orderId && this.find(seed.orderId)) throw new Error(`order ${seed.orderId} already exists`);
    const stored = this.insert({
      code: seed.code ?? '0100-0200',
      description: seed.description ?? 'Cross connect down between cages',
      primaryId: seed.primaryId ?? 'CC-SV5-000123',
      customerReferenceId: seed.customerReferenceId,
      contacts: [],
    });
    if (seed.caseNumber === null) stored.data.caseNumber = undefined;
    else if (seed.caseNumber) stored.data.caseNumber = seed.caseNumber;
    if (seed.orderId) stored.data.orderId = seed.orderId;
    if (seed.createdDateTime) {
      stored.data.createdDateTime = new Date(seed.createdDateTime).toISOString();
      stored.data.statusHistory[0]!.createdDate = stored.data.createdDateTime;
    }
    for (const key of [
      'ibx',
      'accountNumber',
      'accountName',
      'category',
      'subCategory',
      'products',
    ] as const) {
      if (seed[key] !== undefined) Object.assign(stored.data, { [key]: seed[key] });
    }
    if (seed.status && seed.status !== 'SUBMITTED') this.move(stored, stepOf(seed.status, 0), this.now());
    return idOf(stored.data);
  }

  cases(): SimulatedCaseSummary[] {
    return this.stored.map((s) => this.summary(s));
  }

  // --- State for assertions and the playground ---------------------------------------------------------

  /** A copy of the case with this case number or order number. */
  find(id: string): SimulatedEquinixCase | undefined {
    const stored = this.lookup(id);
    return stored ? structuredClone(stored.data) : undefined;
  }

  /** Copies of every case created with this customerReferenceId. */
  casesWithReference(reference: string): SimulatedEquinixCase[] {
    return this.stored
      .filter((s) => s.data.customerReferenceId === reference)
      .map((s) => {
        this.catchUp(s);
        return structuredClone(s.data);
      });
  }

  /** Every token issued so far stops working (the adapter must fetch a new one). */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  get tokensIssued(): number {
    return this.tokens.issuedCount;
  }

  /** True once 5 token requests in a row were refused; only `unlock` lifts it. */
  get locked(): boolean {
    return this.lockedOut;
  }

  get consecutiveTokenFailures(): number {
    return this.failedTokenRequests;
  }

  /** What Equinix support does for a locked account. */
  unlock(): void {
    this.lockedOut = false;
    this.failedTokenRequests = 0;
  }

  // --- Routes ------------------------------------------------------------------------------------------

  private issueToken(req: SimRequest): SimResponse {
    if (this.lockedOut) {
      return oneError(
        401,
        SIM_ERROR_CODES.accountLocked,
        'The account is locked after repeated failed sign-ins. Contact Equinix to unlock it.',
      );
    }
    const body = parseBody(req, TokenRequest);
    if (!body.ok) return this.refuseToken(body.response);
    if (body.data.client_id !== this.clientId || body.data.client_secret !== this.clientSecret) {
      return this.refuseToken(
        oneError(401, SIM_ERROR_CODES.invalidCredentials, 'The client id or client secret is not valid.'),
      );
    }
    this.failedTokenRequests = 0;
    const { token, expiresInSeconds } = this.tokens.issue();
    // The notes: `token_timeout` is seconds, sent as a string.
    const answer = {
      access_token: token,
      token_timeout: String(expiresInSeconds),
      token_type: 'Bearer',
    };
    return { status: 200, body: answer };
  }

  private refuseToken(response: SimResponse): SimResponse {
    this.failedTokenRequests += 1;
    if (this.failedTokenRequests >= LOCK_AFTER_FAILURES) this.lockedOut = true;
    return response;
  }

  private authorised(handler: (req: SimRequest) => SimResponse): (req: SimRequest) => SimResponse {
    return (req) => {
      const header = req.headers.authorization;
      if (!this.tokens.isValid(readBearer(Array.isArray(header) ? header[0] : header))) {
        return oneError(
          401,
          SIM_ERROR_CODES.unauthorised,
          'The access token is missing, expired or not valid.',
        );
      }
      return handler(req);
    };
  }

  private createCase(req: SimRequest): SimResponse {
    const body = parseBody(req, CreateRequest);
    if (!body.ok) return body.response;
    if (this.retiredCodes.has(body.data.code)) {
      return oneError(400, SIM_ERROR_CODES.retiredCode, `Ticket code ${body.data.code} is not accepted.`);
    }
    const detailsWrong = detailsProblem(body.data.code, body.data.details);
    if (detailsWrong) return oneError(400, SIM_ERROR_CODES.invalidRequest, detailsWrong);
    const stored = this.insert(body.data);
    const { caseNumber, orderId } = stored.data;
    if (this.createAnswer === 'location') {
      return { status: 201, headers: { location: `/support/v2/tickets/${caseNumber ?? orderId}` } };
    }
    // "Create a trouble ticket / case", response: the case or order number and the ticket type.
    const answer: { id: string; type: 'CASE' | 'TROUBLE' } = {
      id: this.createAnswer === 'order-number' ? orderId : (caseNumber ?? orderId),
      type: 'CASE',
    };
    return { status: 200, body: answer };
  }

  private getCase(req: SimRequest): SimResponse {
    const stored = this.lookup(req.params.id ?? '');
    if (!stored) return this.notFound(req.params.id);
    return { status: 200, body: this.ticket(stored) };
  }

  private addNote(req: SimRequest): SimResponse {
    const id = req.params.id ?? '';
    if (!CASE_NUMBER.test(id)) {
      return oneError(400, SIM_ERROR_CODES.notCaseNumber, 'caseNumber: a case number is exactly 8 digits.');
    }
    const stored = this.lookup(id);
    if (!stored) return this.notFound(id);
    const body = parseBody(req, NoteRequest);
    if (!body.ok) return body.response;
    if (TERMINAL.has(stored.data.status)) return this.conflict(stored);
    const at = new Date(this.now()).toISOString();
    stored.data.notes.unshift({
      text: body.data.text,
      visibility: body.data.visibility ?? 'EXTERNAL',
      createdAt: at,
    });
    stored.data.updatedDateTime = at;
    return { status: 200, body: this.changeAnswer(stored) };
  }

  private cancelCase(req: SimRequest): SimResponse {
    const stored = this.lookup(req.params.id ?? '');
    if (!stored) return this.notFound(req.params.id);
    const body = parseBody(req, CancelRequest);
    if (!body.ok) return body.response;
    if (TERMINAL.has(stored.data.status)) return this.conflict(stored);
    stored.data.cancelReason = body.data.reason;
    this.move(stored, EQUINIX_LIFECYCLE.length, this.now());
    return { status: 200, body: this.changeAnswer(stored) };
  }

  // --- State ---------------------------------------------------------------------------------------------

  private insert(request: CreateRequest): StoredCase {
    // Seeded cases may have taken numbers of their own: skip those.
    let n = this.nextNumber++;
    while (this.stored.some((s) => s.data.caseNumber === String(11_150_929 + n))) n = this.nextNumber++;
    const now = this.now();
    const at = new Date(now).toISOString();
    const stored: StoredCase = {
      step: 0,
      movedAt: now,
      data: {
        caseNumber: String(11_150_929 + n),
        orderId: `1-${204_976_070_710 + n}`,
        status: 'SUBMITTED',
        statusHistory: [{ status: 'SUBMITTED', createdDate: at }],
        code: request.code,
        description: request.description,
        primaryId: request.primaryId,
        secondaryId: request.secondaryId,
        occurredDateTime: request.occurredDateTime,
        customerReferenceId: request.customerReferenceId,
        contacts: request.contacts ?? [],
        ...(request.details === undefined ? {} : { details: request.details as EquinixDetailsRequest }),
        createdDateTime: at,
        updatedDateTime: at,
        notes: [],
        ibx: ['SV5'],
        accountNumber: '182389736',
        accountName: 'caseops simulated account',
        category: 'Trouble Services',
        subCategory: 'Incident',
        products: ['SMART_HANDS'],
      },
    };
    this.stored.push(stored);
    return stored;
  }

  private lookup(id: string): StoredCase | undefined {
    const stored = this.stored.find((s) => s.data.caseNumber === id || s.data.orderId === id);
    if (stored) this.catchUp(stored);
    return stored;
  }

  private require(id: string): StoredCase {
    const stored = this.lookup(id);
    if (!stored) throw new Error(`the Equinix simulator has no case ${id}`);
    return stored;
  }

  /** Moves to lifecycle position `step` (past the end: CANCELLED) at `at`. */
  private move(stored: StoredCase, step: number, at: number): void {
    const status = EQUINIX_LIFECYCLE[step] ?? 'CANCELLED';
    const iso = new Date(at).toISOString();
    stored.step = step;
    stored.movedAt = at;
    stored.data.status = status;
    stored.data.statusHistory.push({ status, createdDate: iso });
    stored.data.updatedDateTime = iso;
  }

  /** Applies the auto-advance steps that fell due since the case last moved. */
  private catchUp(stored: StoredCase): void {
    const every = this.autoAdvanceMs;
    if (!every || every <= 0) return;
    const now = this.now();
    while (!TERMINAL.has(stored.data.status) && now - stored.movedAt >= every) {
      this.move(stored, stored.step + 1, stored.movedAt + every);
    }
  }

  private summary(stored: StoredCase): SimulatedCaseSummary {
    this.catchUp(stored);
    return { id: idOf(stored.data), title: stored.data.description, status: stored.data.status };
  }

  /** "Get a trouble ticket by case / order number", response (the fields caseops could read). */
  private ticket(stored: StoredCase): Record<string, unknown> {
    const c = stored.data;
    const changeable = !TERMINAL.has(c.status);
    return {
      id: idOf(c),
      accountNumber: c.accountNumber,
      accountName: c.accountName,
      customerReferenceId: c.customerReferenceId,
      channel: 'PORTAL',
      orderId: c.orderId,
      location: { ibx: c.ibx },
      status: c.status,
      contacts: c.contacts,
      createdDateTime: c.createdDateTime,
      otherDetails: {
        category: c.category,
        subCategory: c.subCategory,
        description: c.description,
        updatedDateTime: c.updatedDateTime,
        updatedByFullName: '0052H000003iLJjQAM',
        statusHistory: c.statusHistory,
        products: c.products,
        modifiable: changeable,
        cancellable: changeable,
      },
    };
  }

  /** The answer to a note and to a cancel: `{result: {CaseId, CaseNotesId, CaseNumber}}`. */
  private changeAnswer(stored: StoredCase): { result: Record<string, string | undefined> } {
    return {
      result: {
        CaseId: `5007i00000${String(stored.data.caseNumber ?? stored.data.orderId).slice(-8)}`,
        CaseNotesId: `a067i${randomUUID().replace(/-/g, '').slice(0, 13)}`,
        CaseNumber: stored.data.caseNumber,
      },
    };
  }

  private notFound(id: string | undefined): SimResponse {
    return oneError(404, SIM_ERROR_CODES.notFound, `No case or order ${id ?? ''} was found.`);
  }

  private conflict(stored: StoredCase): SimResponse {
    return oneError(
      409,
      SIM_ERROR_CODES.conflict,
      `Case ${idOf(stored.data)} is ${stored.data.status} and cannot be changed in its current state.`,
    );
  }
}

function idOf(c: SimulatedEquinixCase): string {
  return c.caseNumber ?? c.orderId;
}

/** The lifecycle position for `status`, preferring the occurrence at or after `from` (IN_PROGRESS is there twice). */
function stepOf(status: EquinixStatus, from: number): number {
  if (status === 'CANCELLED') return EQUINIX_LIFECYCLE.length;
  const later = EQUINIX_LIFECYCLE.indexOf(status, Math.min(from, EQUINIX_LIFECYCLE.length - 1));
  return later >= 0 ? later : EQUINIX_LIFECYCLE.indexOf(status);
}

/** A stateful Equinix simulator (not started): tests, the playground and benchmarks. */
export function createEquinixSimulator(options?: EquinixSimulatorOptions): EquinixSimulator {
  return new EquinixSimulator(options);
}
