/**
 * The shapes of Cisco Support Case API v3 answers (Cisco's public "Support Case API v3" reference), read
 * leniently and validated strictly where caseops relies on a value: a case must have a numeric `case_id` and a
 * `status`; everything else is optional, and numbers may arrive as strings (`"severity": "3"`) or the reverse.
 */
import * as z from 'zod';

/** Text that may come as a string or a number; blank and null become undefined. */
const looseText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => {
    if (value === null || value === undefined) return undefined;
    const text = String(value).trim();
    return text === '' ? undefined : text;
  });

/** A whole number that may come as a string ("545"). */
const looseCount = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'expected a whole number')])
  .transform((value) => Number(value))
  .pipe(z.number().int().nonnegative());

/** One value or a list of them (some Cisco answers drop the array around a single entry). */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(item),
  );
}

// The document types case_id as char 64. A comma or slash would change the path it is sent in; a control
// character is no id anyone could type or read.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CASE_ID_SHAPE = /^[^\s,/?#\u0000-\u001f\u007f]{1,64}$/;

export const CiscoCaseId = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .pipe(z.string().regex(CASE_ID_SHAPE, 'expected a case id of up to 64 characters'));

export const CiscoNote = z.object({
  note: looseText,
  note_detail: looseText,
  created_by: looseText,
  creation_date: looseText,
});
export type CiscoNote = z.infer<typeof CiscoNote>;

/**
 * One case as the summary, list and details calls return it. Details add contact, owner, notes and problem
 * fields; summaries and list entries simply lack them.
 */
export const CiscoCase = z.object({
  case_id: CiscoCaseId,
  status: z.string(),
  status_flag: looseText,
  title: looseText,
  severity: looseText,
  user_id: looseText,
  contact_name: looseText,
  creation_date: looseText,
  updated_date: looseText,
  close_date: looseText,
  serial_number: looseText,
  contract_id: looseText,
  technology_name: looseText,
  sub_technology_name: looseText,
  problem_code_name: looseText,
  request_type: looseText,
  tracking_number: looseText,
  owner_name: looseText,
  owner_email: looseText,
  rmas: listOf(z.unknown()),
  bugs: listOf(z.unknown()),
  notes: listOf(CiscoNote),
});
export type CiscoCase = z.infer<typeof CiscoCase>;

/** GET /case/v3/cases/case_ids/{ids} */
export const CiscoSummaryResponse = z.object({
  cases: listOf(CiscoCase),
  count: looseCount.optional(),
});
export type CiscoSummaryResponse = z.infer<typeof CiscoSummaryResponse>;

/**
 * The summary answer with each case left unread, so the adapter can read them one by one: one odd entry in a
 * batch of 30 then fails only its own case.
 */
export const CiscoSummaryEntries = z.object({
  cases: listOf(z.unknown()),
  count: looseCount.optional(),
});

/** GET /case/v3/cases/details/case_id/{id}; a missing or null `caseDetail` means no such case. */
export const CiscoDetailResponse = z.object({
  caseDetail: CiscoCase.nullish(),
});
export type CiscoDetailResponse = z.infer<typeof CiscoDetailResponse>;

export const CiscoPagination = z.object({
  last_index: looseCount,
  page_index: looseCount.optional(),
  page_records: looseCount.optional(),
  total_records: looseCount.optional(),
});

/** GET /case/v3/cases/contracts/contract_ids/{ids} and /case/v3/cases/users/user_ids/{ids} */
export const CiscoListResponse = z.object({
  pagination_response_record: CiscoPagination.nullish(),
  cases: listOf(CiscoCase),
});
export type CiscoListResponse = z.infer<typeof CiscoListResponse>;

/** POST {CISCO_TOKEN_URL}, client credentials. */
export const CiscoTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z
    .string()
    .refine((type) => type.toLowerCase() === 'bearer', 'expected a Bearer token')
    .optional(),
  expires_in: looseCount.pipe(z.number().positive()),
});

/** One entry of the `{"ErrorResponse":{"APIError":[…]}}` envelope some Cisco support APIs send. */
export const CiscoApiError = z
  .object({
    ErrorCode: looseText,
    ErrorDescription: looseText,
    SuggestedAction: looseText,
  })
  .partial();

export const CiscoErrorEnvelope = z.object({
  ErrorResponse: z.object({ APIError: listOf(CiscoApiError) }),
});

/**
 * JSON.parse, and when that fails, one repair of the two slips the vendor's own samples contain (a trailing
 * comma before `}`/`]`, a missing comma between two members). Neither repair can change valid JSON, so a body
 * that parses is never altered; anything else broken (a truncated body) still fails.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const repaired = repairCommas(text);
    if (repaired === text) throw error;
    return JSON.parse(repaired);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function repairCommas(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  /** The last character outside whitespace that was written, to know whether a value just ended. */
  let previous = '';
  /** A comma seen but not written yet, with the whitespace after it: dropped if a `}` or `]` follows. */
  let heldComma: string | undefined;

  for (const char of text) {
    if (inString) {
      out += char;
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') {
        inString = false;
        previous = char;
      }
      continue;
    }
    if (WHITESPACE.has(char)) {
      if (heldComma === undefined) out += char;
      else heldComma += char;
      continue;
    }
    if (char === ',') {
      if (heldComma !== undefined) out += heldComma;
      heldComma = ',';
      continue;
    }
    if (heldComma !== undefined) {
      out += char === '}' || char === ']' ? heldComma.slice(1) : heldComma;
      heldComma = undefined;
      previous = ',';
    } else if (/[0-9A-Za-z"}\]]/.test(previous) && (char === '"' || char === '{' || char === '[')) {
      // A value ended and another member starts without a comma between them.
      out += ',';
    }
    if (char === '"') inString = true;
    out += char;
    previous = char;
  }
  return heldComma === undefined ? out : out + heldComma;
}
