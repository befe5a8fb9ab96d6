/**
 * Junos Space Service Now on the wire: paths, media types, and the answers we read.
 *
 * CONTRACT NOTES (what Juniper's public Junos Space Service Now API documents do not say, and what we chose; correct here first)
 * - Request body: `{"incident":{…}}`, the resource-named root Junos Space uses; only an XML sample with root
 *   `<incident>` is public. **inferred** (from the Junos Space REST conventions)
 * - JSON answers follow the Junos Space convention of XML attributes as `@`-prefixed keys:
 *   `{"incidents":{"@uri":…,"@size":…,"incident":[{"@key":…,"@uri":…,…}]}}`. We also accept `key`/`uri`
 *   without the `@`, a single `incident` object instead of an array, and `null` for absent fields. **inferred**
 * - submitCase answers `{"servicenowmsg":{status,desc,keys,exceptions}}`; we also accept the message unwrapped,
 *   `keys`/`exceptions` as `{key:[…]}`/`{exception:[…]}` or as plain arrays. An exception whose severity is
 *   `error` (any case) is a refusal even under HTTP 200; other severities are informational. **inferred**
 * - Error answers (4xx/5xx) carry the documented message as text, or as a servicenowmsg whose `desc` or
 *   exceptions say it; we read either. **inferred**
 * - A filter that matches nothing: the document lists 404 "Invalid customer number" / "Customer information not
 *   found"; an empty collection is read the same way (not found). **doc + inferred**
 * - The filter value is sent percent-encoded with `%20` for spaces (`encodeURIComponent`), as the document's
 *   example URL reads once decoded. **doc**
 * - Order of checks when both apply (already-submitted incident and a repeated tracking number): unknown; the
 *   adapter treats either answer as "look the tracking number up". **inferred**
 * - `caseCCList` is sent only when there are CC addresses (an empty list invites "Invalid e-mail ID").
 *   **inferred**
 */
import * as z from 'zod';

export const SERVICE_NOW_PATH = '/api/juniper/servicenow/incident-management';

export const SUBMIT_CASE_CONTENT_TYPE =
  'application/vnd.juniper.servicenow.incident-management.incident+json;version=3;charset=UTF-8';
export const SUBMIT_CASE_ACCEPT =
  'application/vnd.juniper.servicenow.incident-management.submitcase.servicenowmsg+json;version=3';
export const INCIDENTS_ACCEPT =
  'application/vnd.juniper.servicenow.incident-management.incidents+json;version=5';

/** The documented statuses of a Service Now incident (the mapper turns them into case states). */
export const JUNIPER_STATUSES = [
  'Not Submitted',
  'Submitted',
  'Created',
  'Updated',
  'Create Failed',
  'Closed',
  'Submission Failed',
] as const;

/** The documented 500 that signals a repeated customer tracking number (our idempotency key). */
export const DUPLICATE_TRACKING_NUMBER = /same customer tracking number/i;

/** The incidents filter for one tracking number; the adapter validates the number before it gets here. */
export function trackingNumberFilter(trackingNumber: string): string {
  return `(customerTrackingNumber eq '${trackingNumber}')`;
}

export function asArray<T>(value: T | T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

const integerKey = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

export const JuniperIncident = z
  .looseObject({
    '@key': integerKey.nullish(),
    key: integerKey.nullish(),
    '@uri': text,
    uri: text,
    status: z.string().min(1),
    customerTrackingNumber: text,
    priority: text,
    hostName: text,
    product: text,
    deviceGroupName: text,
    organizationName: text,
    incidentType: text,
    defectType: text,
    occurred: text,
    /** Not in the documented answer; read when a server includes it. */
    synopsisComments: text,
  })
  .refine((i) => Boolean(i['@key'] ?? i.key), { message: 'the incident has no key' })
  .transform((i) => ({
    key: (i['@key'] ?? i.key) as string,
    uri: i['@uri'] ?? i.uri,
    status: i.status,
    customerTrackingNumber: i.customerTrackingNumber,
    priority: i.priority,
    hostName: i.hostName,
    product: i.product,
    deviceGroupName: i.deviceGroupName,
    organizationName: i.organizationName,
    incidentType: i.incidentType,
    defectType: i.defectType,
    occurred: i.occurred,
    synopsis: i.synopsisComments,
  }));
export type JuniperIncident = z.output<typeof JuniperIncident>;

export const JuniperIncidents = z
  .object({
    incidents: z
      .looseObject({ incident: z.union([z.array(JuniperIncident), JuniperIncident]).nullish() })
      .nullish(),
  })
  .transform((answer) => asArray(answer.incidents?.incident));

const JuniperException = z.looseObject({ severity: text, code: text, desc: text });
export type JuniperException = z.output<typeof JuniperException>;

const ServiceNowMessage = z
  .looseObject({
    status: text,
    desc: text,
    keys: z.unknown().optional(),
    exceptions: z
      .union([
        z.array(JuniperException),
        z.looseObject({ exception: z.union([z.array(JuniperException), JuniperException]).nullish() }),
      ])
      .nullish(),
  })
  .transform((m) => ({
    status: m.status,
    desc: m.desc,
    keys: readKeys(m.keys),
    exceptions: Array.isArray(m.exceptions) ? m.exceptions : asArray(m.exceptions?.exception),
  }));
export type ServiceNowMessage = z.output<typeof ServiceNowMessage>;

/**
 * `keys` as `{key:[…]}`, `{key: n}`, a plain array or one id: the case ids, as strings. The document types a
 * key as an integer; JTAC case numbers are also written with dashes (2025-0301-0042), so those are read too.
 */
function readKeys(value: unknown): string[] {
  const inner =
    value && typeof value === 'object' && !Array.isArray(value) ? (value as { key?: unknown }).key : value;
  const items = Array.isArray(inner) ? inner : inner === undefined || inner === null ? [] : [inner];
  return items.flatMap((item) => {
    const id =
      typeof item === 'object' && item !== null
        ? ((item as Record<string, unknown>)['@key'] ?? (item as Record<string, unknown>).key)
        : item;
    return (typeof id === 'number' && Number.isInteger(id)) ||
      (typeof id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(id.trim()))
      ? [String(id).trim()]
      : [];
  });
}

function unwrapServiceNowMessage(value: unknown): unknown {
  if (value && typeof value === 'object' && 'servicenowmsg' in value) {
    return (value as { servicenowmsg: unknown }).servicenowmsg;
  }
  return value;
}

/** The answer to submitCase, wrapped or not. */
export const SubmitCaseAnswer = z.preprocess(unwrapServiceNowMessage, ServiceNowMessage);

/** Reads a servicenowmsg from any JSON answer (error bodies too), or undefined when it is not one. */
export function readServiceNowMessage(json: unknown): ServiceNowMessage | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const parsed = SubmitCaseAnswer.safeParse(json);
  if (!parsed.success) return undefined;
  const message = parsed.data;
  return message.desc || message.exceptions.length > 0 ? message : undefined;
}

export function errorExceptions(message: ServiceNowMessage): JuniperException[] {
  return message.exceptions.filter((e) => e.severity?.toLowerCase() === 'error');
}
