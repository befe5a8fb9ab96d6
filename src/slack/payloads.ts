/**
 * What caseops reads back from Slack payloads it built itself (modal private_metadata, button values),
 * validated with zod at the boundary: a tampered or out-of-date value is refused, never trusted.
 */

import * as z from 'zod';
import { InvalidInputError } from '../domain/errors.js';
import { pluginFor } from '../vendors/plugin.js';
import type { CaseRef } from './blocks/case-card.js';
import type { ListPageRef } from './blocks/case-list.js';
import type { CaseModalMetadata, PickerMetadata } from './blocks/modals.js';
import type { OpenModalMetadata } from './blocks/open-form.js';

/** A vendor some plugin provides (an id from an older deployment's button is refused). */
const vendor = z.string().refine((id) => pluginFor(id) !== undefined);
/** A vendor whose plugin can open cases. */
const openVendor = z.string().refine((id) => pluginFor(id)?.openForm !== undefined);
const id = z.string().min(1).max(100);
const channel = z
  .string()
  .regex(/^[A-Z0-9]{2,30}$/)
  .optional();

const OpenMeta = z.object({
  kind: z.literal('open'),
  vendor: openVendor,
  channel,
  attempt: z.number().int().min(0).max(1000),
  source: z.string().max(1000).optional(),
});

const CaseMeta = z.object({
  kind: z.enum(['note', 'cancel']),
  vendor,
  id,
  channel,
  attempt: z.number().int().min(0).max(1000),
});

const PickerMeta = z.object({
  kind: z.literal('pick'),
  channel,
  source: z.string().max(1000).optional(),
  prefill: z.string().max(3000).optional(),
});

const CaseRefSchema = z.object({ v: vendor, id });

const ListPageSchema = z.object({
  v: vendor,
  q: z.object({
    by: z.enum(['contract', 'user']),
    ids: z.array(z.string().min(1).max(80)).min(1).max(10),
    status: z.enum(['open', 'closed']).optional(),
    from: z.string().max(10).optional(),
    to: z.string().max(10).optional(),
  }),
  p: z.number().int().min(1).max(10_000),
});

function parseJson<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw new InvalidInputError(`This ${what} is out of date. Start again.`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new InvalidInputError(`This ${what} is out of date. Start again.`);
  return result.data;
}

export const readOpenMetadata = (text: string | undefined): OpenModalMetadata =>
  parseJson(OpenMeta, text, 'form');
export const readCaseMetadata = (text: string | undefined): CaseModalMetadata =>
  parseJson(CaseMeta, text, 'form');
export const readPickerMetadata = (text: string | undefined): PickerMetadata =>
  parseJson(PickerMeta, text, 'form');
export const readCaseRef = (text: string | undefined): CaseRef => parseJson(CaseRefSchema, text, 'button');
export const readListPage = (text: string | undefined): ListPageRef =>
  parseJson(ListPageSchema, text, 'button');
