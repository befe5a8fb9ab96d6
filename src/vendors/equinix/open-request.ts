/**
 * What a person fills in to open an Equinix case, and its rules (Equinix Case Management API 2.0.0). The form
 * is built from this schema, and the adapter checks a request against it again before anything is sent.
 */
import * as z from 'zod';
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

/**
 * The codes the document lists as taking a `details` object ("0302-0400 (object) or … 0306-0300 (object)").
 * The document names each code's object but shows none of their shapes; the one shape it shows is its request
 * sample, `details.documents` with `transactionIds`, `type` and `formats`. That sample's code (0013-0102) is
 * not among these, and the document does not say which of these codes take `documents`, which other keys each
 * takes, which of the three are required, or what values `type` and `formats` allow beyond the sample's
 * DETAILED and XLS, PDF. So caseops offers only those three, optional, for every code listed here.
 */
export const EQUINIX_DETAILS_CODES = [
  '0302-0400',
  '0302-0500',
  '0302-0600',
  '0305-0000',
  '0305-0002',
  '0305-0100',
  '0305-0200',
  '0305-0300',
  '0305-0301',
  '0305-0302',
  '0306-0000',
  '0306-0100',
  '0306-0200',
  '0306-0300',
] as const;

export function takesDetails(code: string): boolean {
  return (EQUINIX_DETAILS_CODES as readonly string[]).includes(code.trim());
}

const DOCUMENT_FIELDS = ['transactionIds', 'documentType', 'documentFormats'] as const;

export const EquinixOpenRequest = z
  .object({
    vendor: z.literal('equinix'),
    code: z
      .string()
      .trim()
      .regex(
        EQUINIX_CODE_PATTERN,
        'Ticket code must look like 0100-0200 (four digits, a dash, four digits).',
      ),
    description: trimmed(1, 4000, 'Description'),
    primaryId: trimmed(1, 100, 'Primary id'),
    secondaryId: trimmed(1, 100, 'Secondary id').optional(),
    /** ISO-8601 instant. */
    occurredAt: z.iso.datetime({ offset: true, message: 'Occurred at must be a date and time.' }).optional(),
    notificationContacts: z
      .array(EquinixNotificationContact)
      .max(5, 'At most 5 notification contacts.')
      .default([]),
    /** Sent as TECHNICAL contacts; the document's sample has one beside the NOTIFICATION contact. */
    technicalContacts: z.array(EquinixNotificationContact).max(5, 'At most 5 technical contacts.').optional(),
    /** `details.documents.transactionIds`, for the codes that take details. */
    transactionIds: z
      .array(trimmed(1, 100, 'A transaction id'))
      .max(100, 'At most 100 transaction ids.')
      .optional(),
    /** `details.documents.type` (the document's sample: DETAILED). */
    documentType: z
      .string()
      .trim()
      .regex(/^[A-Z_]{1,50}$/, 'Document type is one word in capitals, like DETAILED.')
      .optional(),
    /** `details.documents.formats` (the document's sample: XLS, PDF). */
    documentFormats: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[A-Z0-9]{1,10}$/, 'Formats are words in capitals, like XLS or PDF.'),
      )
      .max(10, 'At most 10 formats.')
      .optional(),
  })
  .superRefine((request, context) => {
    if (takesDetails(request.code)) return;
    for (const key of DOCUMENT_FIELDS) {
      if (request[key] !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `Ticket code ${request.code} takes no document details.`,
        });
      }
    }
  });
export type EquinixOpenRequest = z.infer<typeof EquinixOpenRequest>;

/** The document-details fields are shown while the ticket code is one that takes details. */
const DETAILS_SHOWN = { field: 'code', values: EQUINIX_DETAILS_CODES };

export const equinixOpenForm: OpenForm = {
  schema: EquinixOpenRequest,
  fields: [
    {
      key: 'code',
      label: 'Ticket code',
      kind: 'text',
      placeholder: '0100-0200',
      hint: "Equinix's NNNN-NNNN code for the kind of problem. Codes 0302-0400 to 0306-0300 ask for document details.",
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
    {
      key: 'technicalContacts',
      label: 'Technical contacts',
      kind: 'users',
      hint: "Sent to Equinix as the case's technical contacts, with their e-mail (at most 5).",
    },
    {
      key: 'transactionIds',
      label: 'Transaction ids',
      kind: 'list',
      placeholder: '1234567890',
      hint: 'The transactions the documents are about, separated by commas.',
      shownWhen: DETAILS_SHOWN,
    },
    {
      key: 'documentType',
      label: 'Document type',
      kind: 'text',
      placeholder: 'DETAILED',
      shownWhen: DETAILS_SHOWN,
    },
    {
      key: 'documentFormats',
      label: 'Document formats',
      kind: 'list',
      placeholder: 'XLS, PDF',
      shownWhen: DETAILS_SHOWN,
    },
  ],
  defaults: ({ userId, body }) => ({ description: body, notificationContacts: [userId] }),
  // Equinix's create call carries no severity: caps do not limit it.
  severity: () => undefined,
  summary: (request: OpenRequest) => `Equinix ${String(request.code)} on ${String(request.primaryId)}`,
};
