/**
 * A Junos Space Service Now server on loopback. It is an independent witness of the vendor's contract: every
 * path, media type, status and message below is restated from Juniper's "Junos Space Service Now: Submit a
 * Case" and "Get Incident by Customer Tracking Number" pages and the project's vendor notes, never taken from
 * the adapter, so a mistake in the adapter's reading of those documents shows up as a failing test. It answers
 * HTTP Basic, exact media types (415/406), Service Now incidents with integer keys that can be submitted once,
 * end-customer or partner-proxy mode, the 500 on a repeated tracking number, the incidents filter, and statuses
 * that advance Submitted → Created → Updated → Closed by hand or on a timer.
 *
 * Ids: `seed()` returns an incident key (what a person submits); `cases()` lists an incident by its tracking
 * number once it has one (what a person looks up), else by its key; `advance()` accepts either.
 */
import { randomBytes } from 'node:crypto';
import { readBasicAuth, type SimRequest, type SimResponse, SimulatorServer } from '../sim-kit.js';
import { type SimulatedCaseSummary, SimulatedVendor, type VendorSimulator } from '../simulator.js';

/** Both pages: every Service Now call lives under this path on the customer's Space server. */
const SERVICE_NOW_PATH = '/api/juniper/servicenow/incident-management';

/** Submit a Case, "Consumes" (JSON variant). */
const SUBMIT_CASE_CONTENT_TYPE =
  'application/vnd.juniper.servicenow.incident-management.incident+json;version=3;charset=UTF-8';
/** Submit a Case, "Produces" (JSON variant). */
const SUBMIT_CASE_ACCEPT =
  'application/vnd.juniper.servicenow.incident-management.submitcase.servicenowmsg+json;version=3';
/** Get Incident by Customer Tracking Number, "Produces" (JSON variant). */
const INCIDENTS_ACCEPT = 'application/vnd.juniper.servicenow.incident-management.incidents+json;version=5';

/** Get Incident by Customer Tracking Number: the possible values of `status`. */
const SERVICE_NOW_STATUSES = [
  'Not Submitted',
  'Submitted',
  'Created',
  'Updated',
  'Create Failed',
  'Closed',
  'Submission Failed',
] as const;

/** Submit a Case: `priority` values (case-sensitive, says the document). */
const PRIORITIES = ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'] as const;
/** Submit a Case: `followUpMethod` values. */
const FOLLOW_UP_METHODS = ['Email Full Text Update', 'Email Secure Web Link', 'Phone Call'] as const;

/** End-customer mode needs no JSS credentials; partner-proxy mode needs a site id and the case credentials. */
export type ServiceNowMode = 'end-customer' | 'partner-proxy';
/** Demo and offline Service Now refuse every submit with a 500 that says so. */
export type ServiceNowOperatingState = 'live' | 'demo' | 'offline';

export interface JuniperSimulatorOptions {
  mode?: ServiceNowMode;
  /** Junos Space credentials (HTTP Basic). Generated when absent. */
  username?: string;
  password?: string;
  /** Partner-proxy mode: the site id and JSS credentials that make a case. Generated when absent. */
  siteId?: string;
  caseUsername?: string;
  casePassword?: string;
  /** Not Submitted incidents present at start (default 3). */
  seedIncidents?: number;
  /** When set, each submitted incident moves one status along every this many ms until it is closed. */
  autoAdvanceMs?: number;
  latencyMs?: number;
  /**
   * How a filter that matches nothing answers: the documented 404 "Customer information not found." (default)
   * or an empty collection.
   */
  noMatch?: 'not-found' | 'empty';
}

export interface SimulatedJuniperIncident {
  key: number;
  status: string;
  hostName: string;
  product: string;
  deviceGroupName: string;
  organizationName: string;
  incidentType: string;
  defectType: string;
  occurred: string;
  priority?: string;
  customerTrackingNumber?: string;
  /** The `incident` object of the accepted submitCase body, exactly as received. */
  submission?: Record<string, unknown>;
  /** When set, submitCase answers 200 with an error exception saying this, and submits nothing. */
  submitException?: string;
  /** JSS will refuse to create the case (wrong case credentials): Submitted advances to Create Failed. */
  jssWillRefuse?: boolean;
}

const DEVICES = [
  { hostName: 'mx480-edge-01', product: 'MX480', deviceGroupName: 'Edge routers', defectType: 'Core dump' },
  {
    hostName: 'ex4300-core-02',
    product: 'EX4300-48T',
    deviceGroupName: 'Core switches',
    defectType: 'FPC offline',
  },
  {
    hostName: 'srx1500-dc-01',
    product: 'SRX1500',
    deviceGroupName: 'Firewalls',
    defectType: 'Chassis alarm',
  },
];

const NEXT_STATUS: Record<string, string | undefined> = {
  Submitted: 'Created',
  Created: 'Updated',
  Updated: 'Closed',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function secret(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('base64url')}`;
}

function normaliseMediaType(value: string): string {
  return value.toLowerCase().replace(/\s+/g, '');
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function text(status: number, message: string, headers: Record<string, string> = {}): SimResponse {
  return { status, rawBody: message, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } };
}

export class JuniperSimulator extends SimulatedVendor implements VendorSimulator {
  readonly vendor = 'juniper' as const;
  readonly statuses: readonly string[] = SERVICE_NOW_STATUSES;
  mode: ServiceNowMode;
  operatingState: ServiceNowOperatingState = 'live';
  noMatch: 'not-found' | 'empty';
  readonly credentials: {
    username: string;
    password: string;
    siteId: string;
    caseUsername: string;
    casePassword: string;
  };

  private readonly incidents = new Map<number, SimulatedJuniperIncident>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly autoAdvanceMs?: number;
  private nextKey = 5_177_345;

  constructor(options: JuniperSimulatorOptions = {}) {
    super(new SimulatorServer({ name: 'Juniper Service Now', latencyMs: options.latencyMs }));
    this.mode = options.mode ?? 'end-customer';
    this.noMatch = options.noMatch ?? 'not-found';
    this.autoAdvanceMs = options.autoAdvanceMs;
    this.credentials = {
      username: options.username ?? 'caseops',
      password: options.password ?? secret('space'),
      siteId: options.siteId ?? '0100012345',
      caseUsername: options.caseUsername ?? 'jss-caseops@example.net',
      casePassword: options.casePassword ?? secret('jss'),
    };
    this.server.route('POST', `${SERVICE_NOW_PATH}/incidents/:id/submitCase`, (req) => this.submitCase(req));
    this.server.route('GET', `${SERVICE_NOW_PATH}/incidents`, (req) => this.listIncidents(req));
    for (let i = 0; i < (options.seedIncidents ?? 3); i++) this.seed();
  }

  override async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await super.stop();
  }

  env(): Record<string, string> {
    const env: Record<string, string> = {
      JUNIPER_BASE_URL: this.url,
      JUNIPER_USERNAME: this.credentials.username,
      JUNIPER_PASSWORD: this.credentials.password,
    };
    if (this.mode === 'partner-proxy') {
      env.JUNIPER_SITE_ID = this.credentials.siteId;
      env.JUNIPER_CASE_USERNAME = this.credentials.caseUsername;
      env.JUNIPER_CASE_PASSWORD = this.credentials.casePassword;
    }
    return env;
  }

  seed(overrides: Partial<SimulatedJuniperIncident> = {}): string {
    const key = overrides.key ?? this.nextKey++;
    if (!Number.isInteger(key) || key <= 0 || this.incidents.has(key)) {
      throw new Error(`incident key ${key} is not a new positive integer`);
    }
    const device = DEVICES[this.incidents.size % DEVICES.length] ?? DEVICES[0]!;
    this.incidents.set(key, {
      ...device,
      organizationName: 'Global Network Operations',
      incidentType: 'Event',
      occurred: new Date().toISOString(),
      status: 'Not Submitted',
      ...overrides,
      key,
    });
    return String(key);
  }

  cases(): SimulatedCaseSummary[] {
    return [...this.incidents.values()].map((incident) => ({
      id: incident.customerTrackingNumber ?? String(incident.key),
      title: `${incident.defectType} on ${incident.hostName}`,
      status: incident.status,
    }));
  }

  /** One incident as the simulator holds it (what was submitted, its status), by key or tracking number. */
  incident(id: string): SimulatedJuniperIncident | undefined {
    const found = this.find(id);
    return found ? structuredClone(found) : undefined;
  }

  advance(id: string, status?: string): SimulatedCaseSummary {
    const incident = this.find(id);
    if (!incident) throw new Error(`no Service Now incident ${id}`);
    const next = status ?? this.nextStatus(incident);
    if (!next)
      throw new Error(`incident ${incident.key} is ${incident.status} and does not move on by itself`);
    if (!this.statuses.includes(next)) throw new Error(`"${next}" is not a Service Now status`);
    incident.status = next;
    return this.summary(incident);
  }

  private nextStatus(incident: SimulatedJuniperIncident): string | undefined {
    if (incident.status === 'Submitted' && incident.jssWillRefuse) return 'Create Failed';
    return NEXT_STATUS[incident.status];
  }

  private summary(incident: SimulatedJuniperIncident): SimulatedCaseSummary {
    return this.cases().find((c) => c.id === (incident.customerTrackingNumber ?? String(incident.key)))!;
  }

  private find(id: string): SimulatedJuniperIncident | undefined {
    if (/^\d+$/.test(id)) {
      const byKey = this.incidents.get(Number(id));
      if (byKey) return byKey;
    }
    return [...this.incidents.values()].find((i) => i.customerTrackingNumber === id);
  }

  private authorised(req: SimRequest): boolean {
    const basic = readBasicAuth(header(req, 'authorization'));
    return basic?.user === this.credentials.username && basic.pass === this.credentials.password;
  }

  private accepts(req: SimRequest, mediaType: string): boolean {
    const accept = header(req, 'accept') ?? '';
    return accept.split(',').some((entry) => normaliseMediaType(entry) === normaliseMediaType(mediaType));
  }

  private unauthorised(): SimResponse {
    return text(401, 'Unauthorized', { 'www-authenticate': 'Basic realm="Junos Space"' });
  }

  private submitCase(req: SimRequest): SimResponse {
    if (!this.authorised(req)) return this.unauthorised();
    const contentType = normaliseMediaType(header(req, 'content-type') ?? '');
    if (contentType !== normaliseMediaType(SUBMIT_CASE_CONTENT_TYPE))
      return text(415, 'Unsupported Media Type');
    if (!this.accepts(req, SUBMIT_CASE_ACCEPT)) return text(406, 'Not Acceptable');
    if (this.operatingState === 'demo') {
      return text(500, 'The case cannot be submitted because Service Now is operating in Demo mode.');
    }
    if (this.operatingState === 'offline') {
      return text(500, 'The case cannot be saved or submitted because Service Now is in offline mode.');
    }
    const incident = /^\d+$/.test(req.params.id ?? '')
      ? this.incidents.get(Number(req.params.id))
      : undefined;
    if (!incident) return text(404, 'Invalid incident ID.');

    let body: unknown;
    try {
      body = req.json();
    } catch {
      return text(400, 'The request body is not valid JSON.');
    }
    const submitted = (body as { incident?: unknown } | null)?.incident;
    if (!submitted || typeof submitted !== 'object' || Array.isArray(submitted)) {
      return text(400, 'The request body must be an incident.');
    }
    const fields = submitted as Record<string, unknown>;
    const refusal = this.refusal(fields);
    if (refusal) return text(400, refusal);

    const trackingNumber =
      typeof fields.customerTrackingNumber === 'string' ? fields.customerTrackingNumber : '';
    if (
      trackingNumber &&
      [...this.incidents.values()].some((i) => i.customerTrackingNumber === trackingNumber)
    ) {
      return text(500, 'An incident with the same customer tracking number exists.');
    }
    if (incident.status !== 'Not Submitted') {
      return text(400, 'The case cannot be submitted because the case has already been submitted or closed.');
    }
    if (incident.submitException) {
      return this.serviceNowMessage({
        status: 'Failure',
        desc: `Incident ${incident.key} was not submitted.`,
        keys: { key: [incident.key] },
        exceptions: {
          exception: [
            {
              severity: 'error',
              code: 'SUBMIT_FAILED',
              desc: incident.submitException,
              keys: { key: [incident.key] },
            },
          ],
        },
      });
    }

    incident.status = 'Submitted';
    incident.priority = fields.priority as string;
    incident.customerTrackingNumber = trackingNumber || undefined;
    incident.submission = structuredClone(fields);
    incident.jssWillRefuse = this.mode === 'partner-proxy' && !this.caseCredentialsMatch(fields);
    this.scheduleAutoAdvance(incident);
    return this.serviceNowMessage({
      status: 'Success',
      desc: `Incident ${incident.key} was submitted to Juniper Support Systems.`,
      keys: { key: [incident.key] },
      exceptions: null,
    });
  }

  /** The documented 400 reasons, checked in the order the document lists them. */
  private refusal(fields: Record<string, unknown>): string | undefined {
    const partnerProxy = this.mode === 'partner-proxy';
    const present = (name: string) => typeof fields[name] === 'string' && (fields[name] as string) !== '';
    if (partnerProxy && !present('siteId')) return 'Site ID is required but is not specified.';
    const hasUser = present('caseCreationUserName');
    const hasPassword = present('caseCreationPassword');
    if ((partnerProxy && !(hasUser && hasPassword)) || hasUser !== hasPassword) {
      return 'Username and password are both required. One or both is not specified.';
    }
    if (partnerProxy && !present('followUpMethod')) return 'Invalid follow-up method.';
    if (
      fields.followUpMethod !== undefined &&
      !(FOLLOW_UP_METHODS as readonly unknown[]).includes(fields.followUpMethod)
    ) {
      return 'Invalid follow-up method.';
    }
    if (!(PRIORITIES as readonly unknown[]).includes(fields.priority)) return 'Invalid priority.';
    const cc = fields.caseCCList as { email?: unknown } | undefined;
    if (cc !== undefined) {
      const emails = Array.isArray(cc?.email) ? cc.email : [cc?.email];
      if (!emails.every((e) => typeof e === 'string' && EMAIL.test(e))) return 'Invalid e-mail ID.';
    }
    if (partnerProxy && !present('customerTrackingNumber')) {
      return 'Customer tracking number is required but is not specified.';
    }
    return undefined;
  }

  /** JSS checks the case credentials later; wrong ones end as Create Failed, not as a refused submit. */
  private caseCredentialsMatch(fields: Record<string, unknown>): boolean {
    const encoded = fields.caseCreationPassword;
    if (typeof encoded !== 'string' || !BASE64.test(encoded)) return false;
    return (
      fields.caseCreationUserName === this.credentials.caseUsername &&
      Buffer.from(encoded, 'base64').toString('utf8') === this.credentials.casePassword
    );
  }

  private scheduleAutoAdvance(incident: SimulatedJuniperIncident): void {
    const every = this.autoAdvanceMs;
    if (!every) return;
    const step = () => {
      const next = this.nextStatus(incident);
      if (!next) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        incident.status = next;
        step();
      }, every);
      timer.unref();
      this.timers.add(timer);
    };
    step();
  }

  private listIncidents(req: SimRequest): SimResponse {
    if (!this.authorised(req)) return this.unauthorised();
    if (!this.accepts(req, INCIDENTS_ACCEPT)) return text(406, 'Not Acceptable');
    const filter = req.query.get('filter');
    let matches = [...this.incidents.values()];
    if (filter !== null) {
      const m = /^\(\s*customerTrackingNumber\s+eq\s+'([^']*)'\s*\)$/.exec(filter.trim());
      if (!m) return text(400, 'Invalid filter.');
      const trackingNumber = m[1] ?? '';
      if (!trackingNumber) return text(404, 'Invalid customer number.');
      matches = matches.filter((i) => i.customerTrackingNumber === trackingNumber);
      if (matches.length === 0 && this.noMatch === 'not-found') {
        return text(404, 'Customer information not found.');
      }
    }
    return {
      status: 200,
      headers: { 'content-type': INCIDENTS_ACCEPT },
      body: {
        incidents: {
          '@uri': `${SERVICE_NOW_PATH}/incidents`,
          '@size': String(matches.length),
          incident: matches.map((i) => this.incidentJson(i)),
        },
      },
    };
  }

  private incidentJson(incident: SimulatedJuniperIncident): Record<string, unknown> {
    return {
      '@key': String(incident.key),
      '@uri': `${SERVICE_NOW_PATH}/incidents/${incident.key}`,
      organizationName: incident.organizationName,
      deviceGroupName: incident.deviceGroupName,
      priority: incident.priority ?? null,
      defectType: incident.defectType,
      incidentType: incident.incidentType,
      hostName: incident.hostName,
      product: incident.product,
      status: incident.status,
      customerTrackingNumber: incident.customerTrackingNumber ?? null,
      occurred: incident.occurred,
    };
  }

  private serviceNowMessage(message: Record<string, unknown>): SimResponse {
    return { status: 200, headers: { 'content-type': SUBMIT_CASE_ACCEPT }, body: { servicenowmsg: message } };
  }
}

export function createJuniperSimulator(options?: JuniperSimulatorOptions): JuniperSimulator {
  return new JuniperSimulator(options);
}
