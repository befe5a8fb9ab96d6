/**
 * A Motadata ServiceOps server (Flotomate incident API) on loopback. It is an independent witness of the
 * vendor's contract: paths, fields, enums, statuses and envelopes below are restated from Flotomate's "ITSM:
 * Create an Incident" document and the project's vendor notes (Motadata's published ServiceOps code), never
 * taken from the adapter, so a mistake in the adapter's reading of them shows up as a failing test. It answers
 * the OAuth2 password grant and `Authorization: Apikey`, both checked; returnCode envelopes (a refused field is
 * HTTP 200 with `"returnCode":"FAIL"` and a userMessage); incidents with numeric ids and tags; the
 * qualification search; update/close; and statuses advancing
 * Open → In Progress → Pending On Requestor → In Progress → Resolved → Closed.
 */
import { randomBytes } from 'node:crypto';
import {
  readBasicAuth,
  readBearer,
  type SimRequest,
  type SimResponse,
  SimTokenIssuer,
  SimulatorServer,
} from '../sim-kit.js';
import { type SimulatedCaseSummary, SimulatedVendor, type VendorSimulator } from '../simulator.js';

/** Motadata's ServiceOps code: the token endpoint of the password grant. */
const TOKEN_PATH = '/api/oauth/token';
/** Create an Incident: `{{server-url}}/api/v1/incident`; get and update append `/{id}` (ServiceOps code). */
const INCIDENT_PATH = '/api/v1/incident';
/**
 * Motadata documents `/api/v1/{module}/search/byqual` for its other modules; the incident module's search is
 * the same pattern (inferred).
 */
const INCIDENT_SEARCH_PATH = '/api/v1/incident/search/byqual';

/** Create an Incident, the example response: a `returnCode` of SUCCESS; anything else is a failure. */
const SUCCESS = 'SUCCESS';

/** Create an Incident: `impact` values. */
const IMPACTS = ['LOW', 'ONUSER', 'ONDEPARTMENT', 'ONBUSINESS'] as const;
/** Create an Incident: `priority` and `urgency` values. */
const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;

/** The built-in ServiceOps statuses (Motadata's code); a server may add custom ones, which `advance` accepts. */
const BUILT_IN_STATUSES = [
  'Open',
  'In Progress',
  'Pending On Technician',
  'Pending On Requestor',
  'Resolved',
  'Closed',
] as const;

/**
 * The document sets no length for a tag; this server holds tags to 64 characters, the most a tag field of
 * ServiceOps is assumed to keep (inferred). An adapter that sends longer tags is refused here, loudly.
 */
const MAX_TAG_LENGTH = 64;

/** Which credentials `env()` hands out; the server accepts both kinds either way. */
export type MotadataAuthMode = 'apikey' | 'oauth';

export interface MotadataSimulatorOptions {
  auth?: MotadataAuthMode;
  /** Credentials; generated when absent. */
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Access token lifetime (ServiceOps issues 7199 s). */
  tokenLifetimeSeconds?: number;
  /** Incidents present at start (default 2). */
  seedIncidents?: number;
  /**
   * Requesters registered on the server. When given, creating an incident for anyone else is refused (HTTP 200,
   * returnCode FAIL), as the document requires a registered requester. Default: everyone is registered.
   */
  requesters?: string[];
  latencyMs?: number;
}

export interface SimulatedMotadataIncident {
  id: number;
  subject: string;
  description?: string;
  status: string;
  impact?: string;
  priority?: string;
  urgency?: string;
  requesterEmail: string;
  requesterName?: string;
  categoryName: string;
  tags: string[];
  /** Epoch milliseconds, as ServiceOps sends them. */
  createdTime: number;
  updatedTime: number;
}

const LIFECYCLE = ['Open', 'In Progress', 'Pending On Requestor', 'In Progress', 'Resolved', 'Closed'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function secret(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('base64url')}`;
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A refusal as ServiceOps words it: an envelope whose returnCode is not SUCCESS. */
function fail(userMessage: string, status = 200): SimResponse {
  return { status, body: { returnCode: 'FAIL', status: 1, userMessage, id: null } };
}

function success(id: number): SimResponse {
  return { status: 200, body: { returnCode: SUCCESS, status: 0, userMessage: null, id } };
}

const normaliseOperator = (operator: unknown) => String(operator ?? '').toLowerCase();

export class MotadataSimulator extends SimulatedVendor implements VendorSimulator {
  readonly vendor = 'motadata' as const;
  readonly statuses: readonly string[] = BUILT_IN_STATUSES;
  readonly credentials: {
    apiKey: string;
    clientId: string;
    clientSecret: string;
    username: string;
    password: string;
  };

  private readonly tokens: SimTokenIssuer;
  private readonly incidents = new Map<number, SimulatedMotadataIncident>();
  private readonly lifecycleStep = new Map<number, number>();
  private readonly authMode: MotadataAuthMode;
  private readonly requesters?: ReadonlySet<string>;
  private tokenRequestCount = 0;
  private nextId = 1001;

  constructor(options: MotadataSimulatorOptions = {}) {
    super(new SimulatorServer({ name: 'Motadata ServiceOps', latencyMs: options.latencyMs }));
    this.authMode = options.auth ?? 'apikey';
    this.requesters = options.requesters && new Set(options.requesters.map((r) => r.toLowerCase()));
    this.credentials = {
      apiKey: options.apiKey ?? secret('apikey'),
      clientId: options.clientId ?? 'caseops-client',
      clientSecret: options.clientSecret ?? secret('client-secret'),
      username: options.username ?? 'caseops@example.net',
      password: options.password ?? secret('password'),
    };
    this.tokens = new SimTokenIssuer(options.tokenLifetimeSeconds ?? 7199);
    this.server.route('POST', TOKEN_PATH, (req) => this.token(req));
    this.server.route('POST', INCIDENT_SEARCH_PATH, (req) => this.authorised(req, () => this.search(req)));
    this.server.route('POST', INCIDENT_PATH, (req) => this.authorised(req, () => this.create(req)));
    this.server.route('GET', `${INCIDENT_PATH}/:id`, (req) => this.authorised(req, () => this.get(req)));
    this.server.route('POST', `${INCIDENT_PATH}/:id`, (req) => this.authorised(req, () => this.update(req)));
    for (let i = 0; i < (options.seedIncidents ?? 2); i++) this.seed();
  }

  /** Variables for the adapter: an API key, or the four values of the password grant. */
  env(auth: MotadataAuthMode = this.authMode): Record<string, string> {
    if (auth === 'apikey') return { MOTADATA_BASE_URL: this.url, MOTADATA_API_KEY: this.credentials.apiKey };
    return {
      MOTADATA_BASE_URL: this.url,
      MOTADATA_CLIENT_ID: this.credentials.clientId,
      MOTADATA_CLIENT_SECRET: this.credentials.clientSecret,
      MOTADATA_USERNAME: this.credentials.username,
      MOTADATA_PASSWORD: this.credentials.password,
    };
  }

  /** How many times the token endpoint was asked, refused or not. */
  get tokenRequests(): number {
    return this.tokenRequestCount;
  }

  /** Every issued access token stops working now (the refresh-on-401 path). */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  seed(overrides: Partial<SimulatedMotadataIncident> = {}): string {
    const id = overrides.id ?? this.nextId++;
    if (!Number.isInteger(id) || id <= 0 || this.incidents.has(id)) {
      throw new Error(`incident id ${id} is not a new positive integer`);
    }
    const now = Date.now();
    this.incidents.set(id, {
      subject: `Switch stack in rack ${id % 40} rebooting`,
      description: 'Seeded by the Motadata simulator.',
      status: 'Open',
      impact: 'ONDEPARTMENT',
      priority: 'MEDIUM',
      urgency: 'MEDIUM',
      requesterEmail: 'noc@example.net',
      requesterName: 'NOC',
      categoryName: 'Incident',
      tags: [],
      createdTime: now,
      updatedTime: now,
      ...overrides,
      id,
    });
    const step = LIFECYCLE.indexOf(overrides.status ?? 'Open');
    this.lifecycleStep.set(id, Math.max(step, 0));
    return String(id);
  }

  cases(): SimulatedCaseSummary[] {
    return [...this.incidents.values()].map((i) => ({
      id: String(i.id),
      title: i.subject,
      status: i.status,
    }));
  }

  incident(id: string): SimulatedMotadataIncident | undefined {
    const found = this.incidents.get(Number(id));
    return found ? structuredClone(found) : undefined;
  }

  /** Without a status, the next one in the usual lifecycle; with one, that status (custom ones included). */
  advance(id: string, status?: string): SimulatedCaseSummary {
    const incident = this.incidents.get(Number(id));
    if (!incident) throw new Error(`no Motadata incident ${id}`);
    const step = this.lifecycleStep.get(incident.id) ?? 0;
    if (status === undefined) {
      const next = LIFECYCLE[step + 1];
      if (!next) throw new Error(`incident ${id} is ${incident.status} and does not move on by itself`);
      this.lifecycleStep.set(incident.id, step + 1);
      incident.status = next;
    } else {
      if (!status.trim()) throw new Error('a status is required');
      const later = LIFECYCLE.indexOf(status, step);
      const anywhere = LIFECYCLE.indexOf(status);
      if (later >= 0 || anywhere >= 0) this.lifecycleStep.set(incident.id, later >= 0 ? later : anywhere);
      incident.status = status;
    }
    incident.updatedTime = Date.now();
    return { id: String(incident.id), title: incident.subject, status: incident.status };
  }

  private token(req: SimRequest): SimResponse {
    this.tokenRequestCount++;
    const client = readBasicAuth(header(req, 'authorization'));
    if (client?.user !== this.credentials.clientId || client.pass !== this.credentials.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } };
    }
    const form = req.form();
    if (form.get('grant_type') !== 'password') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' },
      };
    }
    if (
      form.get('username') !== this.credentials.username ||
      form.get('password') !== this.credentials.password
    ) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad credentials' } };
    }
    const issued = this.tokens.issue();
    return {
      status: 200,
      body: {
        access_token: issued.token,
        token_type: 'bearer',
        refresh_token: secret('refresh'),
        expires_in: issued.expiresInSeconds,
        scope: 'other-api-scope',
      },
    };
  }

  private authorised(req: SimRequest, handle: () => SimResponse): SimResponse {
    const authorization = header(req, 'authorization');
    const apiKey = /^Apikey\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (
      apiKey !== undefined
        ? apiKey === this.credentials.apiKey
        : this.tokens.isValid(readBearer(authorization))
    ) {
      return handle();
    }
    return {
      status: 401,
      body: { error: 'invalid_token', error_description: 'Access token is invalid or expired' },
    };
  }

  private readJson(req: SimRequest): Record<string, unknown> | undefined {
    try {
      const body = req.json();
      return body && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }

  private create(req: SimRequest): SimResponse {
    // Create an Incident, "Header": Content-Type application/json. A Spring server answers anything else 415.
    if (!/^application\/json\s*(;|$)/i.test(header(req, 'content-type') ?? '')) {
      return fail('Content-Type must be application/json.', 415);
    }
    const body = this.readJson(req);
    if (!body) return fail('The request body must be a JSON object.', 400);
    const subject = typeof body.subject === 'string' ? body.subject.trim() : '';
    if (!subject) return fail('Subject is required.');
    const requesterEmail = typeof body.requesterEmail === 'string' ? body.requesterEmail : '';
    if (!EMAIL.test(requesterEmail))
      return fail('Requester email is required and must be a valid e-mail address.');
    if (this.requesters && !this.requesters.has(requesterEmail.toLowerCase())) {
      return fail(`No requester is registered with the e-mail ${requesterEmail}.`);
    }
    // Create an Incident stars categoryName but says it defaults to 'Service Request': a missing one files a
    // Service Request, which is what a client that forgets it would see.
    const categoryName =
      typeof body.categoryName === 'string' && body.categoryName.trim()
        ? body.categoryName
        : 'Service Request';
    const invalid = this.invalidEnums(body);
    if (invalid) return fail(invalid);
    const tags = body.tags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      return fail('Tags must be a list of text.');
    if (tags.some((t: string) => t.length > MAX_TAG_LENGTH)) {
      return fail(`A tag can be at most ${MAX_TAG_LENGTH} characters.`);
    }
    const id = this.seed({
      subject,
      description: typeof body.description === 'string' ? body.description : undefined,
      impact: body.impact as string | undefined,
      priority: body.priority as string | undefined,
      urgency: body.urgency as string | undefined,
      requesterEmail,
      requesterName: undefined,
      categoryName,
      tags: tags as string[],
      status: 'Open',
    });
    return success(Number(id));
  }

  private invalidEnums(body: Record<string, unknown>): string | undefined {
    const allowed: Array<[string, readonly string[]]> = [
      ['impact', IMPACTS],
      ['priority', LEVELS],
      ['urgency', LEVELS],
    ];
    for (const [field, values] of allowed) {
      const value = body[field];
      if (value !== undefined && value !== null && !values.includes(value as string)) {
        return `Invalid value for ${field}: ${String(value)}.`;
      }
    }
    return undefined;
  }

  private find(req: SimRequest): { incident: SimulatedMotadataIncident } | { refusal: SimResponse } {
    const raw = req.params.id ?? '';
    if (!/^\d+$/.test(raw)) return { refusal: fail('Invalid incident id.', 400) };
    const incident = this.incidents.get(Number(raw));
    return incident ? { incident } : { refusal: fail(`Incident with id ${raw} not found.`, 404) };
  }

  private get(req: SimRequest): SimResponse {
    const found = this.find(req);
    if ('refusal' in found) return found.refusal;
    return { status: 200, body: this.incidentJson(found.incident) };
  }

  private update(req: SimRequest): SimResponse {
    const found = this.find(req);
    if ('refusal' in found) return found.refusal;
    const incident = found.incident;
    const body = this.readJson(req);
    if (!body) return fail('The request body must be a JSON object.', 400);
    const invalid = this.invalidEnums(body);
    if (invalid) return fail(invalid);
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !body.status.trim()) return fail('Invalid status.');
      if (body.status === 'Closed' && incident.status === 'Closed')
        return fail('Incident is already closed.');
    }
    for (const field of ['subject', 'description', 'impact', 'priority', 'urgency'] as const) {
      if (typeof body[field] === 'string') incident[field] = body[field] as string;
    }
    if (Array.isArray(body.tags)) incident.tags = body.tags.filter((t): t is string => typeof t === 'string');
    if (typeof body.status === 'string') this.advance(String(incident.id), body.status);
    incident.updatedTime = Date.now();
    return success(incident.id);
  }

  /** The qualification search: tags (all members exist) and ids, combined with AND. */
  private search(req: SimRequest): SimResponse {
    const body = this.readJson(req);
    const details = body?.qualDetails as { type?: unknown; quals?: unknown } | undefined;
    const quals =
      details?.type === 'FlatQualificationRest' && Array.isArray(details.quals) ? details.quals : undefined;
    if (!quals) return fail('qualDetails must be a FlatQualificationRest.', 400);
    const tests: Array<(i: SimulatedMotadataIncident) => boolean> = [];
    for (const qual of quals) {
      const test = this.qualification(qual);
      if (!test) return fail('Unsupported qualification.', 400);
      tests.push(test);
    }
    const matches = [...this.incidents.values()].filter((i) => tests.every((test) => test(i)));
    const offset = Number(req.query.get('offset') ?? 0);
    const size = Number(req.query.get('size') ?? 10);
    return {
      status: 200,
      body: {
        objectList: matches.slice(offset, offset + size).map((i) => this.incidentJson(i)),
        totalCount: matches.length,
      },
    };
  }

  private qualification(qual: unknown): ((i: SimulatedMotadataIncident) => boolean) | undefined {
    const q = qual as {
      type?: unknown;
      leftOperand?: { type?: unknown; key?: unknown };
      operator?: unknown;
      rightOperand?: { type?: unknown; value?: { type?: unknown; value?: unknown } };
    };
    if (q?.type !== 'RelationalQualificationRest' || q.rightOperand?.type !== 'ValueOperandRest')
      return undefined;
    const key = String(q.leftOperand?.key ?? '');
    const operator = normaliseOperator(q.operator);
    const value = q.rightOperand.value?.value;
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (key === 'incident.tags' && ['all_members_exist', 'is_member'].includes(operator)) {
      return (i) => values.every((v) => i.tags.some((t) => t.toLowerCase() === v.toLowerCase()));
    }
    if ((key === 'incident.id' || key === 'id') && ['equal', 'in'].includes(operator)) {
      return (i) => values.includes(String(i.id));
    }
    return undefined;
  }

  private incidentJson(incident: SimulatedMotadataIncident): Record<string, unknown> {
    return {
      id: incident.id,
      name: `INC-${incident.id}`,
      subject: incident.subject,
      description: incident.description ?? null,
      status: incident.status,
      impact: incident.impact ?? null,
      priority: incident.priority ?? null,
      urgency: incident.urgency ?? null,
      requesterEmail: incident.requesterEmail,
      requesterName: incident.requesterName ?? null,
      categoryName: incident.categoryName,
      tags: [...incident.tags],
      createdTime: incident.createdTime,
      updatedTime: incident.updatedTime,
    };
  }
}

export function createMotadataSimulator(options?: MotadataSimulatorOptions): MotadataSimulator {
  return new MotadataSimulator(options);
}
