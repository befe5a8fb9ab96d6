/**
 * Reading a submitted "open a case" form back: Slack's view state into form values, and form values into the
 * vendor's request through its plugin's schema, every problem worded on the field it belongs to (for
 * `response_action: errors`).
 */
import type { OpenRequest } from '../../domain/open-request.js';
import type { FormValues } from '../../vendors/plugin.js';
import {
  fieldRules,
  type OpenVendor,
  openFormFields,
  openFormOf,
  shownFields,
  VALUE_ACTION,
} from './open-form.js';

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

/** The submitted form as form values (to show the form again) — nothing validated yet, hidden fields left out. */
export function readFormValues(vendor: OpenVendor, state: unknown): FormValues {
  const values: FormValues = {};
  for (const spec of openFormFields(vendor)) {
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
  // A field hidden by what another now holds is not part of the request, whatever Slack still sends for it.
  const shown = new Set(shownFields(vendor, values).map((spec) => spec.key));
  for (const key of Object.keys(values)) if (!shown.has(key)) delete values[key];
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
 * its field's block id. `contacts`, when given, are the resolved people of each people field (by field);
 * without them only their number is checked (their e-mails are looked up after the ack). Fields hidden by
 * another field's value are left out.
 */
export function checkOpenForm(
  vendor: OpenVendor,
  values: FormValues,
  options: { now?: Date; contacts?: Readonly<Record<string, ContactPerson[]>> } = {},
): FormCheck {
  const errors: Record<string, string> = {};
  const raw: Record<string, unknown> = { vendor };
  for (const spec of shownFields(vendor, values)) {
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
        if (ids.length > 5) errors[spec.key] = `At most 5 people in ${spec.label}.`;
        const people = options.contacts?.[spec.key];
        if (people) {
          const missing = people.filter((c) => !c.email);
          if (missing.length > 0) {
            errors[spec.key] =
              `${missing.map((c) => `<@${c.userId}>`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no e-mail address caseops can see; choose someone else.`;
          }
          raw[spec.key] = people.map((c) => ({
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
  const parsed = openFormOf(vendor).schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const fields = openFormFields(vendor);
      const blockId = fields.some((f) => f.key === key) ? key : fields[0]?.key;
      if (blockId && !errors[blockId]) errors[blockId] = issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, request: parsed.data as OpenRequest };
}
