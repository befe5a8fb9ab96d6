/**
 * The "open a case" modal of each vendor, built from the domain's open-request schemas: which fields exist,
 * which are optional, their lengths and choices all come from src/domain/open-request.ts, so the form and the
 * validation can never disagree. This module also reads a submitted form back into an OpenRequest and words
 * every problem on the field it belongs to (for `response_action: errors`).
 */
import type { types } from '@slack/bolt';
import type { z } from 'zod';
import {
  EquinixOpenRequest,
  JuniperOpenRequest,
  MotadataOpenRequest,
  type OpenRequest,
} from '../../domain/open-request.js';
import { SHORT_VENDOR_NAMES } from './case-card.js';
import {
  type Block,
  context,
  datetimeElement,
  emailElement,
  input,
  type ModalView,
  multiUsersElement,
  plain,
  section,
  staticSelectElement,
  textElement,
} from './kit.js';
import { SLACK_LIMITS } from './limits.js';

export type OpenVendor = OpenRequest['vendor'];
export const OPEN_CALLBACK_ID = 'open_case';
/** Every input's element uses this action id; the block id is the request field's name. */
export const VALUE_ACTION = 'value';

export const OPEN_SCHEMAS = {
  equinix: EquinixOpenRequest,
  juniper: JuniperOpenRequest,
  motadata: MotadataOpenRequest,
} as const;

type FieldKind = 'text' | 'multiline' | 'email' | 'select' | 'users' | 'datetime' | 'list';

interface FieldSpec {
  /** The request field (and block id). */
  key: string;
  label: string;
  kind: FieldKind;
  placeholder?: string;
  hint?: string;
  /** Labels for enum values, where the raw value reads badly. */
  choiceLabels?: Record<string, string>;
}

const LEVEL_LABELS = { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', URGENT: 'Urgent' };

/** The form of each vendor, in the order a person fills it in. Rules come from the schema. */
export const OPEN_FORM_FIELDS: Record<OpenVendor, FieldSpec[]> = {
  equinix: [
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
  juniper: [
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
  motadata: [
    { key: 'subject', label: 'Subject', kind: 'text' },
    { key: 'description', label: 'Description', kind: 'multiline' },
    { key: 'requesterEmail', label: 'Requester e-mail', kind: 'email' },
    {
      key: 'impact',
      label: 'Impact',
      kind: 'select',
      choiceLabels: {
        LOW: 'Low',
        ONUSER: 'On a user',
        ONDEPARTMENT: 'On a department',
        ONBUSINESS: 'On the business',
      },
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
};

interface Rules {
  optional: boolean;
  maxLength?: number;
  minLength?: number;
  choices?: readonly string[];
}

interface ZodIntrospect {
  def: { type: string; innerType?: ZodIntrospect };
  isOptional(): boolean;
  maxLength?: number | null;
  minLength?: number | null;
  options?: readonly string[];
}

/** The field's rules as the schema states them. */
export function fieldRules(vendor: OpenVendor, key: string): Rules {
  const shape = OPEN_SCHEMAS[vendor].shape as unknown as Record<string, ZodIntrospect>;
  const field = shape[key];
  if (!field) throw new Error(`${vendor} open request has no field ${key}`);
  let inner = field;
  while ((inner.def.type === 'optional' || inner.def.type === 'default') && inner.def.innerType)
    inner = inner.def.innerType;
  return {
    optional: field.isOptional(),
    maxLength: inner.maxLength ?? undefined,
    minLength: inner.minLength ?? undefined,
    choices: inner.options,
  };
}

/** What the form starts with: values by request field (text, user ids, unix seconds for dates). */
export type FormValues = Record<string, string | string[] | number | undefined>;

export interface OpenModalMetadata {
  kind: 'open';
  vendor: OpenVendor;
  /** Channel to post the opened case in and watch it from (absent in DMs and App Home). */
  channel?: string;
  /** Grows each time the form comes back for fixing: part of the write key. */
  attempt: number;
  /** Permalink of the message a shortcut started from. */
  source?: string;
}

function maxInputLength(rules: Rules): number {
  return Math.min(
    rules.maxLength ?? SLACK_LIMITS.input.plainTextMaxLength,
    SLACK_LIMITS.input.plainTextMaxLength,
  );
}

function hintFor(spec: FieldSpec, rules: Rules): string | undefined {
  const cut =
    rules.maxLength !== undefined && rules.maxLength > SLACK_LIMITS.input.plainTextMaxLength
      ? `Slack forms take up to ${SLACK_LIMITS.input.plainTextMaxLength} characters here.`
      : undefined;
  return [spec.hint, cut].filter(Boolean).join(' ') || undefined;
}

function fieldBlock(vendor: OpenVendor, spec: FieldSpec, values: FormValues): types.InputBlock {
  const rules = fieldRules(vendor, spec.key);
  const value = values[spec.key];
  const common = {
    blockId: spec.key,
    label: spec.label,
    optional: rules.optional,
    hint: hintFor(spec, rules),
  };
  switch (spec.kind) {
    case 'text':
    case 'multiline':
      return input(
        common,
        textElement({
          actionId: VALUE_ACTION,
          multiline: spec.kind === 'multiline',
          initial: typeof value === 'string' ? value : undefined,
          placeholder: spec.placeholder,
          maxLength: maxInputLength(rules),
        }),
      );
    case 'email':
      return input(
        common,
        emailElement({
          actionId: VALUE_ACTION,
          initial: typeof value === 'string' ? value : undefined,
          placeholder: spec.placeholder,
        }),
      );
    case 'list':
      return input(
        common,
        textElement({
          actionId: VALUE_ACTION,
          initial: Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : undefined,
          placeholder: spec.placeholder,
        }),
      );
    case 'select':
      return input(
        common,
        staticSelectElement({
          actionId: VALUE_ACTION,
          choices: (rules.choices ?? []).map((c) => ({ text: spec.choiceLabels?.[c] ?? c, value: c })),
          initial: typeof value === 'string' ? value : undefined,
          placeholder: 'Choose…',
        }),
      );
    case 'users':
      return input(
        common,
        multiUsersElement({
          actionId: VALUE_ACTION,
          initial: Array.isArray(value) ? value : undefined,
          max: 5,
        }),
      );
    case 'datetime':
      return input(
        common,
        datetimeElement({ actionId: VALUE_ACTION, initial: typeof value === 'number' ? value : undefined }),
      );
  }
}

export function openModalTitle(vendor: OpenVendor): string {
  return `New ${SHORT_VENDOR_NAMES[vendor]} case`;
}

export function buildOpenModal(options: {
  vendor: OpenVendor;
  values: FormValues;
  metadata: OpenModalMetadata;
  /** Shown above the form: the vendor's refusal, or where the text came from. */
  notice?: string;
}): ModalView {
  const blocks: Block[] = [];
  if (options.notice) blocks.push(section(options.notice));
  if (options.metadata.source) blocks.push(context(`From <${options.metadata.source}|this message>`));
  for (const spec of OPEN_FORM_FIELDS[options.vendor])
    blocks.push(fieldBlock(options.vendor, spec, options.values));
  if (options.metadata.channel) {
    blocks.push(context(`The case will be posted in <#${options.metadata.channel}> and watched there.`));
  }
  return {
    type: 'modal',
    callback_id: OPEN_CALLBACK_ID,
    title: plain(openModalTitle(options.vendor)),
    submit: plain('Open case'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(options.metadata),
    blocks,
  };
}

/** Slack's view.state.values, loosely typed: we read only what our own form put there. */
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;
export interface ViewStateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_users?: string[];
  selected_date_time?: number | null;
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * One input's element state, read defensively: the payload is Slack's, but nothing in it is trusted to have
 * the shape our form gave it (a missing block, `values` of the wrong type).
 */
export function stateElement(state: unknown, blockId: string): ViewStateValue | undefined {
  const block = isObject(state) && Object.hasOwn(state, blockId) ? state[blockId] : undefined;
  const element = isObject(block) ? block[VALUE_ACTION] : undefined;
  return isObject(element) ? (element as ViewStateValue) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text typed into a text or e-mail input, or undefined when there is none (or it is not text). */
export function stateText(state: unknown, blockId: string): string | undefined {
  const value = stateElement(state, blockId)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** The value of a select's chosen option, or undefined. */
export function stateChoice(state: unknown, blockId: string): string | undefined {
  const option = stateElement(state, blockId)?.selected_option;
  const value = isObject(option) ? option.value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The submitted form as form values (to show the form again) — nothing validated yet. */
export function readFormValues(vendor: OpenVendor, state: unknown): FormValues {
  const values: FormValues = {};
  for (const spec of OPEN_FORM_FIELDS[vendor]) {
    const v = stateElement(state, spec.key);
    if (!v) continue;
    switch (spec.kind) {
      case 'select':
        values[spec.key] = stateChoice(state, spec.key);
        break;
      case 'users':
        values[spec.key] = Array.isArray(v.selected_users)
          ? v.selected_users.filter((id): id is string => typeof id === 'string')
          : [];
        break;
      case 'datetime':
        values[spec.key] = typeof v.selected_date_time === 'number' ? v.selected_date_time : undefined;
        break;
      default:
        values[spec.key] = stateText(state, spec.key);
    }
  }
  return values;
}

export interface ContactPerson {
  userId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

export type FormCheck = { ok: true; request: OpenRequest } | { ok: false; errors: Record<string, string> };

/**
 * Validates form values against the vendor's schema, within the 3-second ack: every problem is worded on
 * its field's block id. `contacts`, when given, are the resolved Equinix notification contacts; without
 * them only their number is checked (their e-mails are looked up after the ack).
 */
export function checkOpenForm(
  vendor: OpenVendor,
  values: FormValues,
  options: { now?: Date; contacts?: ContactPerson[] } = {},
): FormCheck {
  const errors: Record<string, string> = {};
  const raw: Record<string, unknown> = { vendor };
  for (const spec of OPEN_FORM_FIELDS[vendor]) {
    const rules = fieldRules(vendor, spec.key);
    const value = values[spec.key];
    const empty =
      value === undefined ||
      value === null ||
      (typeof value === 'string' && value.trim() === '') ||
      (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (!rules.optional) errors[spec.key] = `${spec.label} is required.`;
      continue;
    }
    switch (spec.kind) {
      case 'list':
        raw[spec.key] = splitList(String(value));
        break;
      case 'datetime': {
        const seconds = Number(value);
        const when = new Date(seconds * 1000);
        if (!Number.isFinite(seconds) || Number.isNaN(when.getTime())) {
          errors[spec.key] = `${spec.label} must be a date and time.`;
        } else if (when.getTime() > (options.now ?? new Date()).getTime() + 5 * 60 * 1000) {
          errors[spec.key] = `${spec.label} cannot be in the future.`;
        } else {
          raw[spec.key] = when.toISOString();
        }
        break;
      }
      case 'users': {
        const ids = Array.isArray(value) ? value : [];
        if (ids.length > 5) errors[spec.key] = 'At most 5 notification contacts.';
        if (options.contacts) {
          const missing = options.contacts.filter((c) => !c.email);
          if (missing.length > 0) {
            errors[spec.key] =
              `${missing.map((c) => `<@${c.userId}>`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no e-mail address caseops can see; choose someone else.`;
          }
          raw[spec.key] = options.contacts.map((c) => ({
            firstName: c.firstName || c.email?.split('@')[0] || c.userId,
            lastName: c.lastName || '-',
            email: c.email ?? '',
          }));
        } else {
          raw[spec.key] = [];
        }
        break;
      }
      default:
        raw[spec.key] = typeof value === 'string' ? value : String(value);
    }
  }
  const parsed = (OPEN_SCHEMAS[vendor] as z.ZodType<OpenRequest>).safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const blockId = OPEN_FORM_FIELDS[vendor].some((f) => f.key === key)
        ? key
        : OPEN_FORM_FIELDS[vendor][0]?.key;
      if (blockId && !errors[blockId]) errors[blockId] = issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, request: parsed.data };
}
