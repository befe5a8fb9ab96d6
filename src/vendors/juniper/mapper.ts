/**
 * Juniper Service Now ↔ caseops. The one place where a Service Now status becomes a case state, where an
 * incident becomes a Case, and where an open request becomes a submitCase body.
 */
import type { Case, CaseField, CaseState } from '../../domain/case.js';
import type { JuniperOpenRequest } from './open-request.js';
import type { JUNIPER_STATUSES, JuniperIncident } from './schemas.js';

/** What each documented incident status means; a status added to JUNIPER_STATUSES must be mapped here. */
export const JUNIPER_STATUS_STATES = {
  'Not Submitted': 'open',
  Submitted: 'waiting-on-vendor',
  Created: 'waiting-on-vendor',
  Updated: 'waiting-on-vendor',
  // JSS could not take the case: someone on our side has to act.
  'Create Failed': 'waiting-on-customer',
  'Submission Failed': 'waiting-on-customer',
  Closed: 'closed',
} as const satisfies Record<(typeof JUNIPER_STATUSES)[number], CaseState>;

const STATE_BY_STATUS: Record<string, CaseState> = Object.fromEntries(
  Object.entries(JUNIPER_STATUS_STATES).map(([status, state]) => [status.toLowerCase(), state]),
);

/** A status we do not know is shown as still open, never silently as finished. */
export function juniperState(status: string): CaseState {
  return STATE_BY_STATUS[status.trim().toLowerCase()] ?? 'open';
}

/** Credentials JSS needs in partner-proxy (and direct) mode; the password travels Base64-encoded. */
export interface JuniperCaseCredentials {
  username: string;
  password: string;
}

export interface JuniperSubmitSettings {
  siteId?: string;
  /** The address group's link; Service Now files the case under it. */
  addressGroup?: string;
  caseCredentials?: JuniperCaseCredentials;
}

export function toSubmitCaseBody(
  request: JuniperOpenRequest,
  settings: JuniperSubmitSettings,
): { incident: Record<string, unknown> } {
  const incident: Record<string, unknown> = {
    priority: request.priority,
    followUpMethod: request.followUpMethod,
    synopsisComments: request.synopsis,
    customerTrackingNumber: request.trackingNumber,
  };
  if (request.comments) incident.customerComments = request.comments;
  if (request.ccEmails.length > 0) incident.caseCCList = { email: request.ccEmails };
  if (settings.siteId) incident.siteId = settings.siteId;
  if (settings.addressGroup) incident.addressGroup = { href: settings.addressGroup };
  if (settings.caseCredentials) {
    incident.caseCreationUserName = settings.caseCredentials.username;
    incident.caseCreationPassword = Buffer.from(settings.caseCredentials.password, 'utf8').toString('base64');
  }
  return { incident };
}

export function juniperCase(incident: JuniperIncident, trackingNumber: string): Case {
  return {
    vendor: 'juniper',
    id: incident.customerTrackingNumber ?? trackingNumber,
    alternateIds: [incident.key],
    title: incidentTitle(incident),
    status: incident.status,
    state: juniperState(incident.status),
    severity: incident.priority,
    severityLevel: priorityLevel(incident.priority),
    createdAt: toIsoInstant(incident.occurred),
    notes: [],
    fields: incidentFields(incident),
  };
}

/**
 * The case right after a submit Service Now accepted, when the incident could not be read back: submitting is
 * what makes an incident "Submitted", and everything else comes from the request itself.
 */
export function submittedCase(request: JuniperOpenRequest): Case {
  return {
    vendor: 'juniper',
    id: request.trackingNumber,
    alternateIds: [request.incidentId],
    title: request.synopsis,
    status: 'Submitted',
    state: juniperState('Submitted'),
    severity: request.priority,
    severityLevel: priorityLevel(request.priority),
    notes: [],
    fields: [],
  };
}

/** "1 - Critical" is level 1; a priority Service Now words otherwise has no level. */
function priorityLevel(priority: string | undefined): number | undefined {
  const level = /^\s*([1-4])\b/.exec(priority ?? '')?.[1];
  return level ? Number(level) : undefined;
}

/** What submitCase answered: the job's status and the JTAC case ids it listed in `keys`. */
export interface SubmitReceipt {
  status?: string;
  desc?: string;
  caseIds: string[];
}

/** The case with what the submit answer said: JTAC's case ids become ids people can look it up by. */
export function withSubmitReceipt(c: Case, receipt: SubmitReceipt): Case {
  const caseIds = receipt.caseIds.filter((id) => id !== c.id);
  const job = [receipt.status, receipt.desc].filter(Boolean).join(': ');
  const details = [
    ...(c.details ?? c.fields.map((f) => ({ group: 'Incident', ...f }))),
    ...caseIds.map((id) => ({ group: 'JTAC', label: 'JTAC case id', value: id })),
    ...(job ? [{ group: 'JTAC', label: 'Submit job', value: job }] : []),
  ];
  return {
    ...c,
    alternateIds: [...new Set([...c.alternateIds, ...caseIds])],
    details,
  };
}

function incidentTitle(incident: JuniperIncident): string {
  if (incident.synopsis) return incident.synopsis;
  const what = incident.defectType ?? incident.incidentType ?? 'Service Now incident';
  return incident.hostName ? `${what} on ${incident.hostName}` : `${what} ${incident.key}`;
}

function incidentFields(incident: JuniperIncident): CaseField[] {
  const fields: Array<[string, string | undefined]> = [
    ['Host name', incident.hostName],
    ['Product', incident.product],
    ['Device group', incident.deviceGroupName],
    ['Organisation', incident.organizationName],
    ['Incident type', incident.incidentType],
    ['Defect type', incident.defectType],
    ['Occurred', incident.occurred],
  ];
  return fields.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}

function toIsoInstant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
