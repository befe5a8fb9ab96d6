/**
 * What a person fills in to submit a Service Now incident as a JTAC case (Junos Space Service Now), and its
 * rules. The form is built from this schema; the adapter checks a request against it again before sending.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { OpenRequest } from '../../domain/open-request.js';
import type { Severity } from '../../domain/policy.js';
import { email, firstLine, trimmed } from '../open-request-kit.js';
import type { OpenForm } from '../plugin-types.js';

/** Case-sensitive, most severe first: the priority's position is its severity. */
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

/** A fresh customer tracking number: short, readable on the phone, unique enough to never repeat. */
export function generateTrackingNumber(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `CO-${day}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

function prioritySeverity(request: OpenRequest): Severity | undefined {
  const index = JUNIPER_PRIORITIES.indexOf(request.priority as (typeof JUNIPER_PRIORITIES)[number]);
  return index < 0 ? undefined : ((index + 1) as Severity);
}

export const juniperOpenForm: OpenForm = {
  schema: JuniperOpenRequest,
  fields: [
    { key: 'incidentId', label: 'Service Now incident id', kind: 'text', placeholder: '1234567' },
    { key: 'priority', label: 'Priority', kind: 'select' },
    { key: 'followUpMethod', label: 'Follow-up method', kind: 'select' },
    { key: 'synopsis', label: 'Synopsis', kind: 'text', placeholder: 'One line JTAC will read first' },
    { key: 'comments', label: 'Comments', kind: 'multiline' },
    {
      key: 'ccEmails',
      label: 'CC e-mails',
      kind: 'list',
      placeholder: 'noc@example.com, oncall@example.com',
      hint: 'Separate addresses with commas or spaces (at most 10).',
    },
    {
      key: 'trackingNumber',
      label: 'Tracking number',
      kind: 'text',
      hint: 'Your own reference for this case; Juniper refuses one used before.',
    },
  ],
  severityField: 'priority',
  defaults: ({ prefill, body, now }) => ({
    synopsis: firstLine(prefill, 240),
    comments: body,
    followUpMethod: 'Email Full Text Update',
    trackingNumber: generateTrackingNumber(now),
  }),
  severity: prioritySeverity,
  summary: (request) =>
    `Juniper incident ${String(request.incidentId)}, ${String(request.priority)}, "${String(request.synopsis)}"`,
  // Juniper refuses a repeated tracking number: it is the request's own idempotency key.
  vendorKey: (request) => String(request.trackingNumber),
};
