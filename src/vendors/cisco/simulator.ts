/**
 * A stand-in for Cisco's Support Case API v3 and its token endpoint, for tests, the playground and benchmarks.
 * It is an independent witness of the vendor's contract: paths, limits, statuses, field names and error codes
 * below are restated from Cisco's "Support Case API v3" reference and the project's vendor notes, never taken
 * from the adapter, so a mistake in the adapter's reading of the document shows up as a failing test. It answers
 * the documented paths and shapes, 30 ids per summary call, 10 contract or user ids and 90 days per listing,
 * 100 records a page, business errors as HTTP 403 with the documented codes, and the API gateway's own 403s for
 * bad tokens and throttling. Cases are held in memory with indexes by contract and user, and move through their
 * lifecycle lazily when read, so ten thousand watched cases cost nothing while nobody asks about them.
 */
import {
  readBearer,
  type SimHandler,
  type SimRequest,
  type SimResponse,
  SimTokenIssuer,
  SimulatorServer,
} from '../sim-kit.js';
import { type SimulatedCaseSummary, SimulatedVendor, type VendorSimulator } from '../simulator.js';

/** Support Case API v3, "status" of a case summary or detail: the documented values. */
const CISCO_STATUSES = [
  'Cisco Pending',
  'Customer Pending',
  'Close Pending',
  'Closed',
  'Cisco Release Pending',
  'Service Order Pending',
] as const;

export const CISCO_TOKEN_PATH = '/oauth2/default/v1/token';

/** The usual path of a case: TAC works, asks the customer, works again, proposes closing, closes. */
const LIFECYCLE = ['Cisco Pending', 'Customer Pending', 'Cisco Pending', 'Close Pending', 'Closed'] as const;
const LAST_STEP = LIFECYCLE.length - 1;

const CASE_IDS_PER_CALL = 30;
const IDS_PER_LIST = 10;
const MAX_RANGE_MS = 90 * 86_400_000;
const DEFAULT_PAGE_SIZE = 100;

/** Business errors (doc, "Error Codes"): HTTP 403 with a JSON body naming the code. */
const BUSINESS_ERRORS = {
  INVALID_USERID: 'Invalid user ID.',
  INVALID_SORT_OPTION: 'Invalid sort_by value.',
  MISSING_INPUTS: 'Mandatory search criteria is missing.',
  INVALID_DATEFORMAT: 'Invalid date format.',
  INVALID_STATUSFLAG: 'Invalid status_flag value.',
  CASE_NOTFOUND: 'Case ID is not available in the system.',
  INVALID_DATERANGE: 'Invalid date range.',
  INVALID_CUSTOMERID: 'Invalid BID or BIDs are not associated with the specified user.',
  EXCEEDED_CASEIDS: 'Number of specified case IDs exceeds the maximum allowed.',
  EXCEEDED_CONTRACTIDS: 'Number of contract IDs exceeds the maximum allowed.',
  EXCEEDED_INPUTS: 'More than 1 contract ID was specified and/or more than 10 user IDs were specified.',
  EXCEEDED_USERIDS: 'More than 10 user IDs were specified.',
  EXCEEDED_BILLTOIDS: 'More than 5 Bill to customer IDs were specified.',
  CASE_API_FORBIDDEN: 'User does not have access to this service.',
} as const;
type BusinessErrorCode = keyof typeof BUSINESS_ERRORS;

/** The API gateway's refusals (doc): HTTP 403 whose text is the message itself. */
const GATEWAY_ERRORS = [
  'Not Authorized',
  'Forbidden',
  'Account Inactive',
  'Account Over Queries Per Second Limit',
  'Account Over Rate Limit',
  'Rate Limit Exceeded',
] as const;
type GatewayError = (typeof GATEWAY_ERRORS)[number];

export type CiscoErrorCode = BusinessErrorCode | GatewayError;

/** How the simulator throttles: the gateway's three 403 texts, or 429 with Retry-After as sibling APIs do. */
export type CiscoThrottleStyle = 'qps' | 'rate-limit' | 'over-capacity' | 'http-429';

export interface CiscoSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** `expires_in` of issued tokens; Cisco's is 3599. */
  tokenLifetimeSeconds?: number;
  /** API calls accepted per rolling second; beyond it the gateway answers 403 "Account Over Queries Per Second Limit". */
  qpsLimit?: number;
  /** When set, each case not yet closed moves one lifecycle step every `autoAdvanceMs`. */
  autoAdvanceMs?: number;
  latencyMs?: number;
  /** What the `throttle` fault answers (default 'qps'). */
  throttleAs?: CiscoThrottleStyle;
  /** Retry-After, in seconds, sent with throttling answers. Cisco's 403s carry none; a 429 gets 1 by default. */
  retryAfterSeconds?: number;
  /** Records per page of a listing; the API's is 100. */
  pageSize?: number;
}

export interface SeedManyOptions {
  contractId?: string;
  userId?: string;
  status?: string;
  severity?: string | number;
  /** Creation dates are spread evenly over [createdFrom, createdTo] (ISO dates); default: the last 30 days. */
  createdFrom?: string;
  createdTo?: string;
  titlePrefix?: string;
}

export interface CiscoErrorRule {
  code: CiscoErrorCode;
  /** Only requests whose path contains this text (default: every API request). */
  pathIncludes?: string;
  /** How many matching requests get the error (default 1). */
  times?: number;
  /** A business error sent as HTTP 200 with `{"ErrorResponse":{"APIError":[…]}}`, as some Cisco APIs do. */
  inSuccessEnvelope?: boolean;
}

interface SimNote {
  note: string;
  note_detail: string;
  created_by: string;
  creation_date: string;
}

interface SimCaseRecord {
  case_id: string;
  user_id: string;
  title: string;
  severity: string | number;
  contact_name: string;
  status: string;
  status_flag: string;
  creation_date: string;
  updated_date: string;
  close_date: string;
  serial_number: string;
  contract_id: string;
  technology_name: string;
  sub_technology_name: string;
  problem_code_name: string;
  request_type: string;
  tracking_number: string;
  contact_user_id: string;
  preferred_contact_method: string;
  contact_email_ids: string[];
  contact_business_phone_numbers: string[];
  contact_mobile_phone_numbers: string[];
  owner_name: string;
  owner_email: string;
  rmas: unknown[];
  bugs: unknown[];
  notes: SimNote[];
}

interface SimCase {
  record: SimCaseRecord;
  /** Position in LIFECYCLE. */
  step: number;
  /** When the status last changed (epoch ms); auto-advance counts from here. */
  changedAt: number;
  createdAt: number;
  updatedAt: number;
}

interface ForcedError extends Required<Pick<CiscoErrorRule, 'code' | 'times'>> {
  pathIncludes?: string;
  inSuccessEnvelope: boolean;
}

const TOPICS = [
  {
    title: 'BGP session flapping on edge router',
    technology: 'Routing - BGP',
    sub: 'BGP Neighbor Flapping',
    problem: 'Software Failure',
  },
  {
    title: 'Line card reload with parity error',
    technology: 'Hardware - Line Cards',
    sub: 'Unexpected Reload',
    problem: 'Hardware Failure',
  },
  {
    title: 'Packet loss across port-channel',
    technology: 'LAN Switching - EtherChannel',
    sub: 'Traffic Loss',
    problem: 'Configuration Assistance',
  },
  {
    title: 'Licence not registering with Smart Account',
    technology: 'Licensing - Smart Licensing',
    sub: 'Registration Failure',
    problem: 'Licensing',
  },
  {
    title: 'High CPU after upgrade',
    technology: 'Routing - IOS XE',
    sub: 'High CPU',
    problem: 'Software Failure',
  },
] as const;
const ENGINEERS = ['Josh Engineer', 'Priya Raman', 'Marco Bianchi', 'Aiko Tanaka'] as const;

export class CiscoSimulator extends SimulatedVendor implements VendorSimulator {
  readonly vendor = 'cisco' as const;
  readonly statuses: readonly string[] = CISCO_STATUSES;
  readonly clientId: string;
  readonly clientSecret: string;
  /** API calls per rolling second before the gateway answers 403 QPS; undefined for no limit. */
  qpsLimit?: number;
  throttleAs: CiscoThrottleStyle;
  retryAfterSeconds?: number;
  private readonly tokens: SimTokenIssuer;
  private readonly autoAdvanceMs?: number;
  private readonly pageSize: number;
  private readonly store = new Map<string, SimCase>();
  private readonly byContract = new Map<string, Set<string>>();
  /** Keyed lower-case: Cisco user ids are not case-sensitive ("DirectCust4" and "directcust4" in the doc). */
  private readonly byUser = new Map<string, Set<string>>();
  private forcedErrors: ForcedError[] = [];
  private recentCalls: number[] = [];
  private nextId = 690_000_001;

  constructor(options: CiscoSimulatorOptions = {}) {
    super(new SimulatorServer({ name: 'Cisco', latencyMs: options.latencyMs }));
    this.clientId = options.clientId ?? 'caseops-sim-client';
    this.clientSecret = options.clientSecret ?? 'caseops-sim-secret-7f3a9c';
    this.qpsLimit = options.qpsLimit;
    this.throttleAs = options.throttleAs ?? 'qps';
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.autoAdvanceMs = options.autoAdvanceMs;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.tokens = new SimTokenIssuer(options.tokenLifetimeSeconds ?? 3599);
    this.server.throttleResponse = () => this.throttleAnswer(this.throttleAs);
    this.server
      .route('POST', CISCO_TOKEN_PATH, (req) => this.issueToken(req))
      .route(
        'GET',
        '/case/v3/cases/case_ids/:ids',
        this.api((req) => this.summaries(req)),
      )
      .route(
        'GET',
        '/case/v3/cases/details/case_id/:id',
        this.api((req) => this.details(req)),
      )
      .route(
        'GET',
        '/case/v3/cases/contracts/contract_ids/:ids',
        this.api((req) => this.listing(req, 'contract')),
      )
      .route(
        'GET',
        '/case/v3/cases/users/user_ids/:ids',
        this.api((req) => this.listing(req, 'user')),
      );
  }

  // --- VendorSimulator -------------------------------------------------------------------------------------

  env(): Record<string, string> {
    return {
      CISCO_BASE_URL: this.url,
      CISCO_TOKEN_URL: `${this.url}${CISCO_TOKEN_PATH}`,
      CISCO_CLIENT_ID: this.clientId,
      CISCO_CLIENT_SECRET: this.clientSecret,
    };
  }

  override clearFaults(): void {
    super.clearFaults();
    this.forcedErrors = [];
  }

  /** Answers the next matching API request(s) with one of Cisco's documented errors. */
  injectError(rule: CiscoErrorRule): void {
    this.forcedErrors.push({
      code: rule.code,
      times: rule.times ?? 1,
      pathIncludes: rule.pathIncludes,
      inSuccessEnvelope: rule.inSuccessEnvelope ?? false,
    });
  }

  /** Makes every token issued so far invalid (the gateway then answers 403 Not Authorized). */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  get tokensIssued(): number {
    return this.tokens.issuedCount;
  }

  advance(id: string, status?: string): SimulatedCaseSummary {
    const entry = this.store.get(id);
    if (!entry) throw new Error(`the Cisco simulator has no case ${id}`);
    const now = Date.now();
    this.settle(entry, now);
    if (status === undefined) {
      if (entry.step < LAST_STEP || entry.record.status !== 'Closed') {
        const step = Math.min(entry.step + 1, LAST_STEP);
        this.moveTo(entry, LIFECYCLE[step] ?? 'Closed', step, now);
      }
    } else {
      if (!(CISCO_STATUSES as readonly string[]).includes(status)) {
        throw new Error(`"${status}" is not a Cisco status; use one of: ${CISCO_STATUSES.join(', ')}`);
      }
      this.moveTo(entry, status, lifecycleStepFor(status, entry.step), now);
    }
    return summaryOf(entry);
  }

  /** Test hook: the TAC engineer adds a note (newest first, as Cisco lists them); the case counts as updated. */
  addNote(id: string, note: { text: string; author?: string }): void {
    const entry = this.touch(id);
    entry.record.notes.unshift({
      note: '',
      note_detail: note.text,
      created_by: note.author ?? entry.record.owner_name,
      creation_date: entry.record.updated_date,
    });
  }

  /** Test hook: TAC hands the case to another engineer. */
  setOwner(id: string, ownerName: string): void {
    this.touch(id).record.owner_name = ownerName;
  }

  /** Test hook: the severity is raised or lowered ("2"). */
  setSeverity(id: string, severity: string): void {
    this.touch(id).record.severity = severity;
  }

  /** The case, its pending auto-advance applied and its updated_date moved to now (strictly later). */
  private touch(id: string): SimCase {
    const entry = this.store.get(id);
    if (!entry) throw new Error(`the Cisco simulator has no case ${id}`);
    const now = Math.max(Date.now(), entry.updatedAt + 1000);
    this.settle(entry, now);
    entry.updatedAt = now;
    entry.record.updated_date = new Date(now).toISOString();
    return entry;
  }

  seed(overrides: Record<string, unknown> = {}): string {
    const record = this.defaultRecord(this.store.size, Date.now(), {});
    Object.assign(record, overrides);
    if (overrides.case_id !== undefined) record.case_id = String(overrides.case_id);
    if (overrides.status_flag === undefined) record.status_flag = record.status === 'Closed' ? 'C' : 'O';
    return this.add(record);
  }

  /** Adds `count` cases at once (benchmarks, paging tests); returns their ids in creation order. */
  seedMany(count: number, options: SeedManyOptions = {}): string[] {
    const now = Date.now();
    const from = options.createdFrom ? Date.parse(options.createdFrom) : now - 30 * 86_400_000;
    const to = options.createdTo ? Date.parse(options.createdTo) : now;
    if (Number.isNaN(from) || Number.isNaN(to) || from > to) {
      throw new Error('seedMany: createdFrom and createdTo must be ISO dates, createdFrom first');
    }
    const ids: string[] = [];
    const base = this.store.size;
    for (let i = 0; i < count; i++) {
      const createdAt = count === 1 ? from : from + Math.floor(((to - from) * i) / (count - 1));
      ids.push(this.add(this.defaultRecord(base + i, createdAt, options)));
    }
    return ids;
  }

  cases(): SimulatedCaseSummary[] {
    const now = Date.now();
    return [...this.store.values()].map((entry) => {
      this.settle(entry, now);
      return summaryOf(entry);
    });
  }

  // --- Cases -----------------------------------------------------------------------------------------------

  private defaultRecord(index: number, createdAt: number, options: SeedManyOptions): SimCaseRecord {
    const topic = TOPICS[index % TOPICS.length] ?? TOPICS[0];
    const engineer = ENGINEERS[index % ENGINEERS.length] ?? ENGINEERS[0];
    const status = options.status ?? 'Cisco Pending';
    const created = new Date(createdAt).toISOString();
    const userId = options.userId ?? 'noc-automation';
    return {
      case_id: this.allocateId(),
      user_id: userId,
      title: `${options.titlePrefix ? `${options.titlePrefix} ` : ''}${topic.title}`,
      severity: options.severity ?? String((index % 4) + 1),
      contact_name: 'NOC On-Call',
      status,
      status_flag: status === 'Closed' ? 'C' : 'O',
      creation_date: created,
      updated_date: created,
      close_date: status === 'Closed' ? created : '',
      serial_number: `FOC${(2_310_000 + index).toString().padStart(8, '0')}`,
      contract_id: options.contractId ?? '91234567',
      technology_name: topic.technology,
      sub_technology_name: topic.sub,
      problem_code_name: topic.problem,
      request_type: 'Diagnose and Fix',
      tracking_number: '',
      contact_user_id: userId,
      preferred_contact_method: 'Email',
      contact_email_ids: ['noc@example.com'],
      contact_business_phone_numbers: [],
      contact_mobile_phone_numbers: [],
      owner_name: engineer,
      owner_email: 'tac-engineer@example.com',
      rmas: [],
      bugs: [],
      notes: [
        {
          note: '',
          note_detail: `Case opened: ${topic.title}.`,
          created_by: 'NOC On-Call',
          creation_date: created,
        },
      ],
    };
  }

  private allocateId(): string {
    while (this.store.has(String(this.nextId))) this.nextId++;
    return String(this.nextId++);
  }

  private add(record: SimCaseRecord): string {
    if (this.store.has(record.case_id))
      throw new Error(`the Cisco simulator already has case ${record.case_id}`);
    const createdAt = Date.parse(record.creation_date);
    const updatedAt = Date.parse(record.updated_date);
    const entry: SimCase = {
      record,
      step: Math.max(0, lifecycleStepFor(record.status, -1)),
      changedAt: Date.now(),
      createdAt: Number.isNaN(createdAt) ? Date.now() : createdAt,
      updatedAt: Number.isNaN(updatedAt) ? Date.now() : updatedAt,
    };
    this.store.set(record.case_id, entry);
    addToIndex(this.byContract, record.contract_id, record.case_id);
    addToIndex(this.byUser, record.user_id.toLowerCase(), record.case_id);
    return record.case_id;
  }

  /** Applies the auto-advance steps that fell due since the case last changed. */
  private settle(entry: SimCase, now: number): void {
    const every = this.autoAdvanceMs;
    if (!every) return;
    while (entry.record.status !== 'Closed' && now - entry.changedAt >= every) {
      const step = Math.min(entry.step + 1, LAST_STEP);
      this.moveTo(entry, LIFECYCLE[step] ?? 'Closed', step, entry.changedAt + every);
    }
  }

  private moveTo(entry: SimCase, status: string, step: number, at: number): void {
    const when = new Date(at).toISOString();
    const record = entry.record;
    record.status = status;
    record.status_flag = status === 'Closed' ? 'C' : 'O';
    record.updated_date = when;
    if (status === 'Closed') record.close_date = when;
    record.notes.unshift({
      note: '',
      note_detail: `Status changed to ${status}.`,
      created_by: record.owner_name,
      creation_date: when,
    });
    entry.step = step;
    entry.changedAt = at;
    entry.updatedAt = at;
  }

  // --- HTTP ------------------------------------------------------------------------------------------------

  private issueToken(req: SimRequest): SimResponse {
    const contentType = String(req.headers['content-type'] ?? '');
    if (!contentType.includes('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'The token request must be form-encoded.');
    }
    const form = req.form();
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'The grant type must be client_credentials.');
    }
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed.');
    }
    const issued = this.tokens.issue();
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: issued.expiresInSeconds, access_token: issued.token },
    };
  }

  /** The gateway's checks, in its order: token, per-second limit, then any error a test asked for. */
  private api(handler: SimHandler): SimHandler {
    return (req) => {
      const authorization = req.headers.authorization;
      if (!this.tokens.isValid(readBearer(typeof authorization === 'string' ? authorization : undefined))) {
        return gatewayError('Not Authorized');
      }
      if (this.overQpsLimit(Date.now())) return this.throttleAnswer('qps');
      const forced = this.takeForcedError(req.path);
      if (forced) return forced;
      return handler(req);
    };
  }

  private overQpsLimit(now: number): boolean {
    if (this.qpsLimit === undefined) return false;
    while (this.recentCalls.length > 0 && now - (this.recentCalls[0] ?? 0) >= 1000) this.recentCalls.shift();
    if (this.recentCalls.length >= this.qpsLimit) return true;
    this.recentCalls.push(now);
    return false;
  }

  private takeForcedError(path: string): SimResponse | undefined {
    const rule = this.forcedErrors.find(
      (r) => r.times > 0 && (!r.pathIncludes || path.includes(r.pathIncludes)),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    this.forcedErrors = this.forcedErrors.filter((r) => r.times > 0);
    if ((GATEWAY_ERRORS as readonly string[]).includes(rule.code)) {
      const message = rule.code as GatewayError;
      return message.includes('Limit') ? this.throttleAnswerFor(message) : gatewayError(message);
    }
    return businessError(rule.code as BusinessErrorCode, rule.inSuccessEnvelope ? 200 : 403);
  }

  private throttleAnswer(style: CiscoThrottleStyle): SimResponse {
    switch (style) {
      case 'http-429':
        return {
          status: 429,
          headers: { 'retry-after': String(this.retryAfterSeconds ?? 1) },
          body: { error: 'Too Many Requests' },
        };
      case 'rate-limit':
        return this.throttleAnswerFor('Account Over Rate Limit');
      case 'over-capacity':
        return this.throttleAnswerFor('Rate Limit Exceeded');
      case 'qps':
        return this.throttleAnswerFor('Account Over Queries Per Second Limit');
    }
  }

  private throttleAnswerFor(message: GatewayError): SimResponse {
    const answer = gatewayError(message);
    if (this.retryAfterSeconds !== undefined) {
      answer.headers = { ...answer.headers, 'retry-after': String(this.retryAfterSeconds) };
    }
    return answer;
  }

  /** GET /case/v3/cases/case_ids/{ids} */
  private summaries(req: SimRequest): SimResponse {
    const ids = splitIds(req.params.ids);
    if (ids.some(hasSpace)) return serviceNotFound();
    if (ids.length === 0) return businessError('MISSING_INPUTS');
    if (ids.length > CASE_IDS_PER_CALL) return businessError('EXCEEDED_CASEIDS');
    const sortBy = req.query.get('sort_by') ?? '';
    if (!isSortOption(sortBy)) return businessError('INVALID_SORT_OPTION');
    const now = Date.now();
    const found = [...new Set(ids)].flatMap((id) => {
      const entry = this.store.get(id);
      if (entry) this.settle(entry, now);
      return entry ? [entry] : [];
    });
    if (found.length === 0) return businessError('CASE_NOTFOUND');
    found.sort(comparator(sortBy));
    return {
      status: 200,
      body: {
        cases: found.map((entry, index) => ({
          ...listEntryOf(entry, index + 1),
          technology_name: entry.record.technology_name,
          sub_technology_name: entry.record.sub_technology_name,
        })),
        count: found.length,
      },
    };
  }

  /** GET /case/v3/cases/details/case_id/{id} */
  private details(req: SimRequest): SimResponse {
    const id = req.params.id ?? '';
    if (hasSpace(id)) return serviceNotFound();
    const entry = this.store.get(id);
    if (!entry) return businessError('CASE_NOTFOUND');
    this.settle(entry, Date.now());
    // The documented details answer has no status_flag.
    const { status_flag: _statusFlag, ...detail } = entry.record;
    return { status: 200, body: { caseDetail: detail } };
  }

  /** GET /case/v3/cases/contracts/contract_ids/{ids} and /case/v3/cases/users/user_ids/{ids} */
  private listing(req: SimRequest, by: 'contract' | 'user'): SimResponse {
    const ids = splitIds(req.params.ids);
    if (ids.some(hasSpace)) return serviceNotFound();
    if (ids.length === 0) return businessError('MISSING_INPUTS');
    if (ids.length > IDS_PER_LIST) {
      return businessError(by === 'contract' ? 'EXCEEDED_CONTRACTIDS' : 'EXCEEDED_USERIDS');
    }
    const statusFlag = (req.query.get('status_flag') ?? '').toUpperCase();
    if (statusFlag !== '' && statusFlag !== 'O' && statusFlag !== 'C')
      return businessError('INVALID_STATUSFLAG');
    const sortBy = req.query.get('sort_by') ?? '';
    if (!isSortOption(sortBy)) return businessError('INVALID_SORT_OPTION');
    const from = readInstant(req.query.get('date_created_from'));
    const to = readInstant(req.query.get('date_created_to'));
    if (from === null || to === null) return businessError('INVALID_DATEFORMAT');
    if (from !== undefined && to !== undefined && (to < from || to - from > MAX_RANGE_MS)) {
      return businessError('INVALID_DATERANGE');
    }
    const requestedPage = Number.parseInt(req.query.get('page_index') ?? '1', 10);
    const pageIndex = Number.isInteger(requestedPage) && requestedPage >= 1 ? requestedPage : 1;

    const index = by === 'contract' ? this.byContract : this.byUser;
    const matchingIds = new Set<string>();
    for (const id of ids) {
      for (const caseId of index.get(by === 'user' ? id.toLowerCase() : id) ?? []) matchingIds.add(caseId);
    }
    const now = Date.now();
    const matches: SimCase[] = [];
    for (const caseId of matchingIds) {
      const entry = this.store.get(caseId);
      if (!entry) continue;
      this.settle(entry, now);
      if (statusFlag && entry.record.status_flag !== statusFlag) continue;
      if (from !== undefined && entry.createdAt < from) continue;
      if (to !== undefined && entry.createdAt > to) continue;
      matches.push(entry);
    }
    matches.sort(comparator(sortBy));

    const offset = (pageIndex - 1) * this.pageSize;
    const page = matches.slice(offset, offset + this.pageSize);
    const query = req.query.toString();
    return {
      status: 200,
      body: {
        pagination_response_record: {
          last_index: Math.max(1, Math.ceil(matches.length / this.pageSize)),
          page_index: pageIndex,
          page_records: page.length,
          self_link: `${this.url}${req.path}${query ? `?${query}` : ''}`,
          title: by === 'contract' ? 'Get Cases By Contract Id' : 'Get Cases By User Id',
          total_records: matches.length,
        },
        cases: page.map((entry, i) => listEntryOf(entry, offset + i + 1)),
      },
    };
  }
}

function lifecycleStepFor(status: string, currentStep: number): number {
  // "Cisco Pending" appears twice: prefer the next occurrence after where the case is now.
  const ahead = LIFECYCLE.findIndex((s, i) => s === status && i > currentStep);
  if (ahead >= 0) return ahead;
  const anywhere = LIFECYCLE.indexOf(status as (typeof LIFECYCLE)[number]);
  return anywhere >= 0 ? anywhere : currentStep;
}

function addToIndex(index: Map<string, Set<string>>, key: string, caseId: string): void {
  if (!key) return;
  let ids = index.get(key);
  if (!ids) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(caseId);
}

function summaryOf(entry: SimCase): SimulatedCaseSummary {
  return { id: entry.record.case_id, title: entry.record.title, status: entry.record.status };
}

/** A case as the list calls return it (doc); the summary call adds the technology names. */
function listEntryOf(entry: SimCase, itemEntryId: number): Record<string, unknown> {
  const r = entry.record;
  return {
    item_entry_id: itemEntryId,
    user_id: r.user_id,
    case_id: r.case_id,
    title: r.title,
    severity: r.severity,
    contact_name: r.contact_name,
    status_flag: r.status_flag,
    status: r.status,
    creation_date: r.creation_date,
    updated_date: r.updated_date,
    serial_number: r.serial_number,
    contract_id: r.contract_id,
    rmas: r.rmas,
    bugs: r.bugs,
  };
}

function splitIds(segment: string | undefined): string[] {
  return (segment ?? '').split(',').filter((id) => id !== '');
}

function hasSpace(text: string): boolean {
  return /\s/.test(text);
}

function isSortOption(sortBy: string): boolean {
  return sortBy === '' || sortBy === 'UPDATED_DATE' || sortBy === 'STATUS';
}

/** UPDATED_DATE (the default) or STATUS, ascending; ties keep a stable order by case id. */
function comparator(sortBy: string): (a: SimCase, b: SimCase) => number {
  const byId = (a: SimCase, b: SimCase) => (a.record.case_id < b.record.case_id ? -1 : 1);
  if (sortBy === 'STATUS') {
    return (a, b) =>
      a.record.status.localeCompare(b.record.status) || a.updatedAt - b.updatedAt || byId(a, b);
  }
  return (a, b) => a.updatedAt - b.updatedAt || byId(a, b);
}

/** undefined when absent, null when present but not an instant like 2013-04-23T11:00:14Z. */
function readInstant(value: string | null): number | undefined | null {
  if (value === null || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

function businessError(code: BusinessErrorCode, status = 403): SimResponse {
  return {
    status,
    body: { ErrorResponse: { APIError: [{ ErrorCode: code, ErrorDescription: BUSINESS_ERRORS[code] }] } },
  };
}

/** The gateway answers in HTML and names the error in a header as well. */
function gatewayError(message: GatewayError): SimResponse {
  return {
    status: 403,
    rawBody: `<h1>${message}</h1>`,
    headers: { 'content-type': 'text/html', 'x-error-detail-header': message },
  };
}

function serviceNotFound(): SimResponse {
  return { status: 596, rawBody: '<h1>Service Not Found</h1>', headers: { 'content-type': 'text/html' } };
}

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description } };
}

export function createCiscoSimulator(options?: CiscoSimulatorOptions): CiscoSimulator {
  return new CiscoSimulator(options);
}
