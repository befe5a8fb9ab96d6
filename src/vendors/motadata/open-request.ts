/**
 * What a person fills in to open a ServiceOps incident (Flotomate / Motadata ServiceOps incident API), and
 * its rules. The form is built from this schema; the adapter checks a request against it again before sending.
 */
import * as z from 'zod';
import type { Severity } from '../../domain/policy.js';
import { email, firstLine, trimmed } from '../open-request-kit.js';
import type { OpenForm } from '../plugin-types.js';

export const MOTADATA_IMPACTS = ['LOW', 'ONUSER', 'ONDEPARTMENT', 'ONBUSINESS'] as const;
/** Least severe first, as ServiceOps lists them. */
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

/** The words the form and the card use for each level and impact. */
export const MOTADATA_LEVEL_WORDS: Record<(typeof MOTADATA_LEVELS)[number], string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  URGENT: 'Urgent',
};
export const MOTADATA_IMPACT_WORDS: Record<(typeof MOTADATA_IMPACTS)[number], string> = {
  LOW: 'Low',
  ONUSER: 'On a user',
  ONDEPARTMENT: 'On a department',
  ONBUSINESS: 'On the business',
};
const LEVEL_LABELS = MOTADATA_LEVEL_WORDS;

export const motadataOpenForm: OpenForm = {
  schema: MotadataOpenRequest,
  fields: [
    { key: 'subject', label: 'Subject', kind: 'text' },
    { key: 'description', label: 'Description', kind: 'multiline' },
    { key: 'requesterEmail', label: 'Requester e-mail', kind: 'email' },
    {
      key: 'impact',
      label: 'Impact',
      kind: 'select',
      choiceLabels: MOTADATA_IMPACT_WORDS,
    },
    { key: 'priority', label: 'Priority', kind: 'select', choiceLabels: LEVEL_LABELS },
    { key: 'urgency', label: 'Urgency', kind: 'select', choiceLabels: LEVEL_LABELS },
    {
      key: 'tags',
      label: 'Tags',
      kind: 'list',
      placeholder: 'network, sv5',
      hint: 'Separate tags with commas.',
    },
  ],
  severityField: 'priority',
  defaults: async ({ prefill, body, email }) => ({
    subject: firstLine(prefill, 255),
    description: body,
    requesterEmail: await email(),
  }),
  // ServiceOps weighs priority and urgency separately, and either may be left empty: the request is as severe
  // as the more severe of the two, so an empty priority with an URGENT urgency is still capped as URGENT.
  severity: (request) => {
    const levels = [request.priority, request.urgency].map((level) =>
      MOTADATA_LEVELS.indexOf(level as (typeof MOTADATA_LEVELS)[number]),
    );
    const mostSevere = Math.max(...levels);
    return mostSevere < 0 ? undefined : ((4 - mostSevere) as Severity);
  },
  summary: (request) =>
    `ServiceOps "${String(request.subject)}"${request.priority ? `, ${String(request.priority)}` : ''}`,
};
