/**
 * The simulator's reading of a create's `contacts` and `details`, restated from Equinix's "Case Management API
 * 2.0.0" document (never from the adapter): contacts are ContactRequestRegisteredUser or
 * ContactRequestNonRegisteredUser; `details` is "one of" the objects the document names after 14 ticket codes.
 */
import * as z from 'zod';

const bounded = (min: number, max: number) => z.string().min(min).max(max);

/**
 * The contact types the document's samples use. It prints no enum for them; this server accepts these two, so
 * a client that misspells one (or invents another) fails here first.
 */
const CONTACT_TYPES = ['NOTIFICATION', 'TECHNICAL'] as const;

/** The ways to reach a person its sample shows: a PHONE number and an EMAIL address. */
const ContactDetail = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('EMAIL'), value: z.email() }),
  z.strictObject({ type: z.literal('PHONE'), value: z.string().regex(/^\+?[0-9][0-9 ().-]{3,30}$/) }),
]);

/** "ContactRequestNonRegisteredUser" (reached through `details`) or "ContactRequestRegisteredUser". */
export const ContactRequest = z.union([
  z.strictObject({
    type: z.enum(CONTACT_TYPES),
    firstName: bounded(1, 100),
    lastName: bounded(1, 100),
    details: z.array(ContactDetail).min(1),
  }),
  z.strictObject({ type: z.enum(CONTACT_TYPES), registeredUsers: z.array(z.string().min(1)).min(1) }),
]);
export type EquinixContactRequest = z.infer<typeof ContactRequest>;

/** "0302-0400 (object) or 0302-0500 (object) or … or 0306-0300 (object)": the codes whose tickets take details. */
export const DETAILS_CODES: ReadonlySet<string> = new Set([
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
]);

/**
 * The one `details` shape the document prints (its request sample): `documents` with transaction ids, a type
 * and formats. The per-code objects are not printed, so this server holds every details code to that shape,
 * refuses keys it does not show, and needs at least one of the three.
 */
export const DetailsRequest = z.strictObject({
  documents: z
    .strictObject({
      transactionIds: z.array(z.string().min(1)).min(1).optional(),
      type: z.string().min(1).optional(),
      formats: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((documents) => Object.keys(documents).length > 0, 'documents needs at least one detail'),
});
export type EquinixDetailsRequest = z.infer<typeof DetailsRequest>;

/** Why a create's `details` does not fit its code, or undefined when it does. */
export function detailsProblem(code: string, details: unknown): string | undefined {
  if (details === undefined) return undefined;
  if (!DETAILS_CODES.has(code)) return `details: ticket code ${code} takes no details object`;
  const parsed = DetailsRequest.safeParse(details);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `details.${issue.path.join('.') || 'documents'}: ${issue.message}`)
    .join('; ');
}
