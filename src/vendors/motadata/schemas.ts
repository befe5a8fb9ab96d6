/**
 * Motadata ServiceOps (the Flotomate incident API) on the wire: paths, bodies and the answers we read.
 *
 * CONTRACT NOTES (what the public Flotomate ITSM "Create an Incident" API document does not say, and what we chose; correct here first)
 * - Envelope: `{"returnCode":"SUCCESS","status":0,"userMessage":null,"id":…}`; any other returnCode is a failure
 *   whatever the HTTP status, and `userMessage` is the reason. Failures the simulator sends look like
 *   `{"returnCode":"FAIL","status":1,"userMessage":"Subject is required.","id":null}` (HTTP 200 for a refused
 *   field, 404 for an unknown incident); the real failure code is unpublished, so we never test for "FAIL".
 *   **inferred**
 * - Search (idempotency check): `POST /api/v1/incident/search/byqual` with a qualification
 *   `{"qualDetails":{"type":"FlatQualificationRest","quals":[{"type":"RelationalQualificationRest",
 *   "leftOperand":{"type":"PropertyOperandRest","key":"incident.tags"},"operator":"all_members_exist",
 *   "rightOperand":{"type":"ValueOperandRest","value":{"type":"ListStringValueRest","value":["caseops:…"]}}}]}}`
 *   → `{"objectList":[…],"totalCount":n}`. Motadata documents `/api/v1/{module}/search/byqual` with these
 *   qualification types for its change, problem and release modules (docs.motadata.com); the `incident`
 *   module path, the `incident.tags` key and the `all_members_exist` operator are **inferred** from that
 *   pattern. We re-check the tag on every returned object that lists tags, so a server that ignored the
 *   qualification cannot make us adopt someone else's incident.
 * - Close with a reason: `POST /api/v1/incident/{id}` with `{"status":"Closed","description":…}` where the
 *   description is the current one followed by a "Closed from Slack by caseops: <reason>" paragraph. The API
 *   has no reason or note field in this generation; the description is the one documented free-text field a
 *   person reading the ticket sees. **inferred**
 * - The incident answer: the Flotomate names (`status`, `priority`, `impact`, `urgency`) and the current
 *   ServiceOps names (`statusName`, `priorityName`, …) are both read; times may be epoch milliseconds or text;
 *   ids may be numbers or numeric strings. **inferred**
 * - Token: `POST /api/oauth/token`, `Authorization: Basic base64(clientId:clientSecret)`, form
 *   `username, password, grant_type=password` → `{access_token, token_type:"bearer", refresh_token,
 *   expires_in}`. A 400 or 401 from it means the credentials were refused (Spring's `invalid_grant` is a 400).
 *   **vendor code + inferred**
 */
import * as z from 'zod';

export const INCIDENT_PATH = '/api/v1/incident';
export const INCIDENT_SEARCH_PATH = '/api/v1/incident/search/byqual';
export const TOKEN_PATH = '/api/oauth/token';

export const SUCCESS = 'SUCCESS';
/** Tags that carry our idempotency key start with this, and are not shown to people. */
export const IDEMPOTENCY_TAG_PREFIX = 'caseops:';
export const MAX_TAG_LENGTH = 64;

/** The built-in ServiceOps statuses; servers may add custom ones. */
export const MOTADATA_STATUSES = [
  'Open',
  'In Progress',
  'Pending On Technician',
  'Pending On Requestor',
  'Resolved',
  'Closed',
] as const;

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

// An id people type back and caseops puts in URLs: digits, of a length an incident number has (a huge
// number would print as 1e+21).
const numericId = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,18}$/)])
  .transform(String);

/** Epoch milliseconds (ServiceOps) or a date text, as an ISO instant when it reads as one. */
const instant = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return undefined;
    const time = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    // Finite is not enough: 1e300 is finite and out of a Date's range (toISOString would throw).
    const date = new Date(time);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  });

export const MotadataEnvelope = z.looseObject({
  returnCode: z.string(),
  status: z.number().nullish(),
  userMessage: z.string().nullish(),
  id: numericId.nullish(),
});

/** Create and update answers: a SUCCESS envelope naming the incident. */
export const MotadataWriteAnswer = MotadataEnvelope.extend({ id: numericId });

export const MotadataIncident = z
  .looseObject({
    id: numericId,
    name: text,
    subject: z.string(),
    description: text,
    status: text,
    statusName: text,
    priority: text,
    priorityName: text,
    impact: text,
    impactName: text,
    urgency: text,
    urgencyName: text,
    requesterEmail: text,
    requesterName: text,
    categoryName: text,
    assigneeEmail: text,
    technicianName: text,
    tags: z.array(z.string()).nullish(),
    createdTime: instant,
    updatedTime: instant,
  })
  .refine((i) => Boolean(i.status ?? i.statusName), { message: 'the incident has no status' })
  .transform((i) => ({
    id: i.id,
    name: i.name,
    subject: i.subject,
    description: i.description,
    status: (i.status ?? i.statusName) as string,
    priority: i.priority ?? i.priorityName,
    impact: i.impact ?? i.impactName,
    urgency: i.urgency ?? i.urgencyName,
    requesterEmail: i.requesterEmail,
    requesterName: i.requesterName,
    categoryName: i.categoryName,
    owner: i.assigneeEmail ?? i.technicianName,
    tags: i.tags ?? [],
    createdAt: i.createdTime,
    updatedAt: i.updatedTime,
  }));
export type MotadataIncident = z.output<typeof MotadataIncident>;

export const MotadataSearchAnswer = z.looseObject({
  objectList: z.array(z.looseObject({ id: numericId, tags: z.array(z.string()).nullish() })).nullish(),
  totalCount: z.number().nullish(),
});

export const MotadataToken = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.coerce.number().positive(),
});

/** The qualification that finds incidents carrying `tag` (see CONTRACT NOTES). */
export function tagSearchBody(tag: string): Record<string, unknown> {
  return {
    qualDetails: {
      type: 'FlatQualificationRest',
      quals: [
        {
          type: 'RelationalQualificationRest',
          leftOperand: { type: 'PropertyOperandRest', key: 'incident.tags' },
          operator: 'all_members_exist',
          rightOperand: { type: 'ValueOperandRest', value: { type: 'ListStringValueRest', value: [tag] } },
        },
      ],
    },
  };
}
