/**
 * What a person fills in to open an Equinix case, and its rules (Equinix Case Management API 2.0.0). The form
 * is built from this schema, and the adapter checks a request against it again before anything is sent.
 */
import { z } from 'zod';
import type { OpenRequest } from '../../domain/open-request.js';
import { email, trimmed } from '../open-request-kit.js';
import type { OpenForm } from '../plugin-types.js';

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

export const equinixOpenForm: OpenForm = {
  schema: EquinixOpenRequest,
  fields: [
    {
      key: 'code',
      label: 'Ticket code',
      kind: 'text',
      placeholder: '0100-0200',
      hint: "Equinix's NNNN-NNNN code for the kind of problem.",
    },
    {
      key: 'description',
      label: 'Description',
      kind: 'multiline',
      placeholder: 'What is wrong, since when, what you tried',
    },
    {
      key: 'primaryId',
      label: 'Primary id',
      kind: 'text',
      placeholder: 'Circuit, cross connect or asset id',
    },
    { key: 'secondaryId', label: 'Secondary id', kind: 'text' },
    {
      key: 'occurredAt',
      label: 'Occurred at',
      kind: 'datetime',
      hint: 'When the problem started, in your time zone.',
    },
    {
      key: 'notificationContacts',
      label: 'Notification contacts',
      kind: 'users',
      hint: 'Equinix e-mails these people about the case (at most 5).',
    },
  ],
  defaults: ({ userId, body }) => ({ description: body, notificationContacts: [userId] }),
  // Equinix's create call carries no severity: caps do not limit it.
  severity: () => undefined,
  summary: (request: OpenRequest) => `Equinix ${String(request.code)} on ${String(request.primaryId)}`,
};
