/**
 * What a person asks for when opening a case, per vendor, validated before anything reaches a vendor.
 * The Slack modals are built from these fields and their rules, and each adapter maps a request onto its wire
 * format. Limits are the vendors' documented ones (Equinix Case Management API 2.0.0,
 * Cisco Support Case API v3, Junos Space Service Now, Flotomate/Motadata ServiceOps incident API).
 */
import { z } from 'zod';

const trimmed = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? `${what} is required.` : `${what} needs at least ${min} characters.`)
    .max(max, `${what} can be at most ${max} characters.`);

const email = (what: string) => z.email(`${what} must be an e-mail address like name@example.com.`);

/** Equinix ticket codes drift over time: validate the documented NNNN-NNNN shape, not a fixed list. */
export const EQUINIX_CODE_PATTERN = /^\d{4}-\d{4}$/;

export const EquinixNotificationContact = z.object({
  firstName: trimmed(1, 100, 'First name'),
  lastName: trimmed(1, 100, 'Last name'),
  email: email('Contact e-mail'),
});
export type EquinixNotificationContact = z.infer<typeof EquinixNotificationContact>;

export const EquinixOpenRequest = z.object({
  vendor: z.literal('equinix'),
  code: z
    .string()
    .trim()
    .regex(EQUINIX_CODE_PATTERN, 'Ticket code must look like 0100-0200 (four digits, a dash, four digits).'),
  description: trimmed(1, 4000, 'Description'),
  primaryId: trimmed(1, 100, 'Primary id'),
  secondaryId: trimmed(1, 100, 'Secondary id').optional(),
  /** ISO-8601 instant. */
  occurredAt: z.iso.datetime({ offset: true, message: 'Occurred at must be a date and time.' }).optional(),
  notificationContacts: z
    .array(EquinixNotificationContact)
    .max(5, 'At most 5 notification contacts.')
    .default([]),
});
export type EquinixOpenRequest = z.infer<typeof EquinixOpenRequest>;

export const JUNIPER_PRIORITIES = ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'] as const;
export const JUNIPER_FOLLOW_UP_METHODS = [
  'Email Full Text Update',
  'Email Secure Web Link',
  'Phone Call',
] as const;

export const JuniperOpenRequest = z.object({
  vendor: z.literal('juniper'),
  /** The Service Now incident to submit as a JTAC case (an integer id). */
  incidentId: z
    .string()
    .trim()
    .regex(/^\d{1,18}$/, 'Incident id must be the number of a Service Now incident.'),
  priority: z.enum(
    JUNIPER_PRIORITIES,
    'Priority must be one of 1 - Critical, 2 - High, 3 - Medium, 4 - Low.',
  ),
  followUpMethod: z.enum(JUNIPER_FOLLOW_UP_METHODS, 'Pick a follow-up method.'),
  synopsis: trimmed(1, 240, 'Synopsis'),
  comments: trimmed(1, 4000, 'Comments').optional(),
  ccEmails: z.array(email('Every CC address')).max(10, 'At most 10 CC addresses.').default([]),
  /** Customer tracking number; also the idempotency key (Juniper refuses a repeated one). */
  trackingNumber: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{4,40}$/, 'Tracking number: 4–40 letters, digits, dots, dashes or underscores.'),
});
export type JuniperOpenRequest = z.infer<typeof JuniperOpenRequest>;

export const MOTADATA_IMPACTS = ['LOW', 'ONUSER', 'ONDEPARTMENT', 'ONBUSINESS'] as const;
export const MOTADATA_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;

export const MotadataOpenRequest = z.object({
  vendor: z.literal('motadata'),
  subject: trimmed(1, 255, 'Subject'),
  description: trimmed(1, 10_000, 'Description').optional(),
  requesterEmail: email('Requester e-mail'),
  impact: z.enum(MOTADATA_IMPACTS).optional(),
  priority: z.enum(MOTADATA_LEVELS).optional(),
  urgency: z.enum(MOTADATA_LEVELS).optional(),
  tags: z
    .array(z.string().trim().min(1).max(64, 'Each tag can be at most 64 characters.'))
    .max(20, 'At most 20 tags.')
    .default([]),
});
export type MotadataOpenRequest = z.infer<typeof MotadataOpenRequest>;

export const OpenRequest = z.discriminatedUnion('vendor', [
  EquinixOpenRequest,
  JuniperOpenRequest,
  MotadataOpenRequest,
]);
export type OpenRequest = z.infer<typeof OpenRequest>;
export type OpenRequestFor<V extends OpenRequest['vendor']> = Extract<OpenRequest, { vendor: V }>;

/**
 * Severity of an open request on a 1 (most severe) to 4 scale, for policy caps. Equinix's create call carries
 * no severity, so it is undefined there.
 */
export function openRequestSeverity(request: OpenRequest): 1 | 2 | 3 | 4 | undefined {
  switch (request.vendor) {
    case 'juniper':
      return (JUNIPER_PRIORITIES.indexOf(request.priority) + 1) as 1 | 2 | 3 | 4;
    case 'motadata': {
      if (!request.priority) return undefined;
      return (4 - MOTADATA_LEVELS.indexOf(request.priority)) as 1 | 2 | 3 | 4;
    }
    case 'equinix':
      return undefined;
  }
}
