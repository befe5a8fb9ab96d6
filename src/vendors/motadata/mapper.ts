/**
 * Motadata ServiceOps ↔ caseops. The one place where a ServiceOps status becomes a case state, where an incident
 * becomes a Case, and where an open request or a close becomes a body.
 */
import { createHash } from 'node:crypto';
import type { Case, CaseField, CaseState } from '../../domain/case.js';
import {
  MOTADATA_IMPACT_WORDS,
  MOTADATA_LEVEL_WORDS,
  MOTADATA_LEVELS,
  type MotadataOpenRequest,
} from './open-request.js';
import {
  IDEMPOTENCY_TAG_PREFIX,
  MAX_TAG_LENGTH,
  type MOTADATA_STATUSES,
  type MotadataIncident,
} from './schemas.js';

/** What each built-in status means; a status added to MOTADATA_STATUSES must be mapped here. */
export const MOTADATA_STATUS_STATES = {
  Open: 'open',
  'In Progress': 'waiting-on-vendor',
  'Pending On Technician': 'waiting-on-vendor',
  'Pending On Requestor': 'waiting-on-customer',
  Resolved: 'resolved',
  Closed: 'closed',
} as const satisfies Record<(typeof MOTADATA_STATUSES)[number], CaseState>;

const STATE_BY_STATUS: Record<string, CaseState> = Object.fromEntries(
  Object.entries(MOTADATA_STATUS_STATES).map(([status, state]) => [status.toLowerCase(), state]),
);

/** Custom statuses a server defines are shown as open: never silently as finished. */
export function motadataState(status: string): CaseState {
  return STATE_BY_STATUS[status.trim().toLowerCase()] ?? 'open';
}

/**
 * The tag that carries an idempotency key. Keys that fit (caseops' own `co-<hex>` do) are kept readable, so a
 * person can search ServiceOps for them; anything else becomes a digest, always within the 64-character limit.
 */
export function idempotencyTag(key: string): string {
  const readable = `${IDEMPOTENCY_TAG_PREFIX}${key}`;
  if (/^[a-z0-9._-]+$/.test(key) && readable.length <= MAX_TAG_LENGTH) return readable;
  const room = MAX_TAG_LENGTH - IDEMPOTENCY_TAG_PREFIX.length;
  return `${IDEMPOTENCY_TAG_PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, room)}`;
}

export function isIdempotencyTag(tag: string): boolean {
  return tag.toLowerCase().startsWith(IDEMPOTENCY_TAG_PREFIX);
}

export function hasTag(tags: readonly string[], tag: string): boolean {
  const wanted = tag.toLowerCase();
  return tags.some((t) => t.toLowerCase() === wanted);
}

export function toCreateBody(request: MotadataOpenRequest, tag: string): Record<string, unknown> {
  return {
    subject: request.subject,
    // ServiceOps files a ticket as a Service Request unless told otherwise.
    categoryName: 'Incident',
    requesterEmail: request.requesterEmail,
    description: request.description,
    impact: request.impact,
    priority: request.priority,
    urgency: request.urgency,
    tags: [...request.tags.filter((t) => !isIdempotencyTag(t)), tag],
  };
}

/** The body that closes an incident and leaves the reason where people reading the ticket will see it. */
export function toCloseBody(current: MotadataIncident, reason: string): Record<string, unknown> {
  return { status: 'Closed', description: withCloseReason(current.description, reason) };
}

export function withCloseReason(description: string | undefined, reason: string): string {
  const note = `Closed from Slack by caseops: ${reason}`;
  return description ? `${description}\n\n${note}` : note;
}

export function motadataCase(incident: MotadataIncident): Case {
  const state = motadataState(incident.status);
  return {
    vendor: 'motadata',
    id: incident.id,
    alternateIds: incident.name && incident.name !== incident.id ? [incident.name] : [],
    title: incident.subject,
    status: incident.status,
    state,
    severity: wordsFor(MOTADATA_LEVEL_WORDS, incident.priority),
    severityLevel: priorityLevel(incident.priority),
    owner: incident.owner,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    notes: [],
    fields: incidentFields(incident),
    ...(state === 'closed' ? { allows: { cancel: false } } : {}),
  };
}

/**
 * The case right after ServiceOps confirmed the create, when it could not be read back: new incidents start
 * Open, and everything else is what was sent.
 */
export function createdCase(id: string, request: MotadataOpenRequest, tag: string): Case {
  return motadataCase({
    id,
    subject: request.subject,
    description: request.description,
    status: 'Open',
    priority: request.priority,
    impact: request.impact,
    urgency: request.urgency,
    requesterEmail: request.requesterEmail,
    categoryName: 'Incident',
    tags: [...request.tags, tag],
    name: undefined,
    requesterName: undefined,
    owner: undefined,
    createdAt: undefined,
    updatedAt: undefined,
  });
}

/** An enum value in the form's words; a value ServiceOps adds later is shown as it wrote it. */
function wordsFor(words: Record<string, string>, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = value.trim().toUpperCase();
  return Object.hasOwn(words, key) ? words[key] : value;
}

/** Urgent is level 1, Low level 4. */
function priorityLevel(priority: string | undefined): number | undefined {
  const index = MOTADATA_LEVELS.indexOf(priority?.trim().toUpperCase() as (typeof MOTADATA_LEVELS)[number]);
  return index < 0 ? undefined : MOTADATA_LEVELS.length - index;
}

function incidentFields(incident: MotadataIncident): CaseField[] {
  const requester =
    incident.requesterName && incident.requesterEmail
      ? `${incident.requesterName} (${incident.requesterEmail})`
      : (incident.requesterEmail ?? incident.requesterName);
  const tags = incident.tags.filter((t) => !isIdempotencyTag(t));
  const fields: Array<[string, string | undefined]> = [
    ['Impact', wordsFor(MOTADATA_IMPACT_WORDS, incident.impact)],
    ['Urgency', wordsFor(MOTADATA_LEVEL_WORDS, incident.urgency)],
    ['Requester', requester],
    ['Category', incident.categoryName],
    ['Tags', tags.length > 0 ? tags.join(', ') : undefined],
  ];
  return fields.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}
