/**
 * The Equinix Case Management API 2.0.0 wire format (Equinix's public API reference, and what other public
 * sources say about the same API), as zod schemas shared by the adapter (building requests, reading answers) and the simulator
 * (validating requests, building answers). Answers are read leniently: fields the document does not mark as
 * required may be absent or null, and only what caseops relies on is checked strictly.
 */
import * as z from 'zod';
import { EQUINIX_CODE_PATTERN } from './open-request.js';

/** A case number is exactly 8 digits (11150929). */
export const CASE_NUMBER_PATTERN = /^\d{8}$/;
/** An order number looks like 1-204976070710; the document gives 14..100 characters. */
export const ORDER_NUMBER_PATTERN = /^\d-\d{12,98}$/;

export const EQUINIX_STATUSES = [
  'SUBMITTED',
  'IN_PROGRESS',
  'RESOLVED',
  'ACTION_REQUIRED',
  'CLOSED',
  'CANCELLED',
] as const;
export type EquinixStatus = (typeof EQUINIX_STATUSES)[number];

/** The document allows 200 characters, but an older API version capped it at 40: we keep to 40. */
export const CUSTOMER_REFERENCE_MAX = 40;

export const NOTE_VISIBILITIES = ['INTERNAL', 'EXTERNAL'] as const;

const text = (min: number, max: number) => z.string().min(min).max(max);
const optionalText = z.string().nullish();

// --- Token -----------------------------------------------------------------------------------------------

export const EquinixTokenRequest = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});
export type EquinixTokenRequest = z.infer<typeof EquinixTokenRequest>;

export const EquinixTokenResponse = z.object({
  access_token: z.string().min(1),
  /** Seconds, sent as a string ("3599"). */
  token_timeout: z.coerce.number().positive(),
  token_type: optionalText,
});
export type EquinixTokenResponse = z.input<typeof EquinixTokenResponse>;

// --- Errors ----------------------------------------------------------------------------------------------

export const EquinixErrorItem = z.object({
  errorCode: optionalText,
  errorMessage: optionalText,
  details: z.unknown().optional(),
  correlationId: optionalText,
});
export type EquinixErrorItem = z.infer<typeof EquinixErrorItem>;

export const EquinixErrorArray = z.array(EquinixErrorItem);

/** The documented array, or a lone error object (a gateway in front of the API may answer that way). */
export const EquinixErrorBody = z.union([EquinixErrorArray, EquinixErrorItem.transform((item) => [item])]);

// --- Create ----------------------------------------------------------------------------------------------

export const EquinixContactDetail = z.object({
  /** EMAIL, PHONE, … */
  type: z.string().min(1),
  value: z.string().min(1),
});

/** A person without an Equinix portal login, reached through `details`. */
export const EquinixNonRegisteredContact = z.object({
  /** NOTIFICATION, TECHNICAL, … */
  type: z.string().min(1),
  firstName: text(1, 100),
  lastName: text(1, 100),
  details: z.array(EquinixContactDetail).min(1),
});
export type EquinixNonRegisteredContact = z.infer<typeof EquinixNonRegisteredContact>;

export const EquinixRegisteredContact = z.object({
  type: z.string().min(1),
  registeredUsers: z.array(z.string().min(1)).min(1),
});

export const EquinixCreateRequest = z.object({
  // The code list drifts between API versions: validate the NNNN-NNNN shape only.
  code: z.string().regex(EQUINIX_CODE_PATTERN, 'code must look like NNNN-NNNN'),
  description: text(1, 4000),
  primaryId: text(1, 100),
  secondaryId: text(1, 100).optional(),
  occurredDateTime: z.iso.datetime({ offset: true }).optional(),
  customerReferenceId: text(1, CUSTOMER_REFERENCE_MAX).optional(),
  contacts: z.array(z.union([EquinixNonRegisteredContact, EquinixRegisteredContact])).optional(),
  attachments: z
    .array(z.object({ id: z.string().min(1), name: z.string().min(1) }))
    .max(5)
    .optional(),
  /** The document's sample shape, sent only for the codes that take details (see EQUINIX_DETAILS_CODES). */
  details: z
    .object({
      documents: z.object({
        transactionIds: z.array(z.string().min(1)).optional(),
        type: z.string().min(1).optional(),
        formats: z.array(z.string().min(1)).optional(),
      }),
    })
    .optional(),
});
export type EquinixCreateRequest = z.infer<typeof EquinixCreateRequest>;

export const EquinixCreateResponse = z.object({
  /** The case number or the order number. */
  id: z.string().min(8).max(100),
  // Documented as CASE | TROUBLE; read as text so a new ticket type can never make a created case look like a
  // failed create.
  type: optionalText,
});
export type EquinixCreateResponse = z.infer<typeof EquinixCreateResponse>;

// --- Get -------------------------------------------------------------------------------------------------

export const EquinixContactResponse = z.object({
  type: optionalText,
  firstName: optionalText,
  lastName: optionalText,
  details: z.array(z.object({ type: optionalText, value: optionalText })).nullish(),
  registeredUsers: z.array(z.string()).nullish(),
});

export const EquinixStatusChange = z.object({
  status: z.string(),
  createdDate: optionalText,
});

export const EquinixOtherDetails = z.object({
  category: optionalText,
  subCategory: optionalText,
  description: optionalText,
  updatedDateTime: optionalText,
  /** Who last touched the case (a Salesforce user id in the sample); not an owner. */
  updatedByFullName: optionalText,
  statusHistory: z.array(EquinixStatusChange).nullish(),
  products: z.array(z.string()).nullish(),
  modifiable: z.boolean().nullish(),
  cancellable: z.boolean().nullish(),
});

export const EquinixTicket = z.object({
  /**
   * The case number, or the order number when the ticket has no case number. Whatever it is, it becomes the id
   * people look the case up by: printable, without spaces, of a sane length.
   */
  id: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,100}$/, 'expected a ticket id'),
  accountNumber: optionalText,
  accountName: optionalText,
  customerReferenceId: optionalText,
  channel: optionalText,
  orderId: optionalText,
  location: z.object({ ibx: z.array(z.string()).nullish() }).nullish(),
  // Read as text: an unknown status maps to "open" rather than failing the lookup.
  status: optionalText,
  contacts: z.array(EquinixContactResponse).nullish(),
  createdDateTime: optionalText,
  otherDetails: EquinixOtherDetails.nullish(),
});
export type EquinixTicket = z.infer<typeof EquinixTicket>;

// --- Notes and cancel ------------------------------------------------------------------------------------

export const EquinixNoteRequest = z.object({
  text: text(1, 4000),
  visibility: z.enum(NOTE_VISIBILITIES).optional(),
  attachments: z
    .array(z.object({ id: z.string().min(1), name: z.string().min(1) }))
    .max(5)
    .optional(),
});
export type EquinixNoteRequest = z.infer<typeof EquinixNoteRequest>;

export const EquinixCancelRequest = z.object({
  reason: text(1, 4000),
});
export type EquinixCancelRequest = z.infer<typeof EquinixCancelRequest>;

/** The answer to a note and to a cancel. */
export const EquinixChangeResponse = z.object({
  result: z.object({
    CaseId: optionalText,
    CaseNotesId: optionalText,
    CaseNumber: optionalText,
  }),
});
export type EquinixChangeResponse = z.infer<typeof EquinixChangeResponse>;
