/**
 * The "open a case" modal of each vendor, built from its plugin's open form: which fields exist come from the
 * plugin, and which are optional, their lengths and choices from the plugin's request schema, so the form and
 * the validation can never disagree. Reading a submitted form back is open-form-reader.ts.
 */
import type { types } from '@slack/bolt';
import type { VendorId } from '../../domain/case.js';
import { InvalidInputError } from '../../domain/errors.js';
import {
  type FormValues,
  type OpenForm,
  type OpenFormField,
  pluginFor,
  vendorShortName,
} from '../../vendors/plugin.js';
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

/** A vendor whose plugin has an open form (the metadata schema checks this on the way back in). */
export type OpenVendor = VendorId;
export type { FormValues } from '../../vendors/plugin.js';
export const OPEN_CALLBACK_ID = 'open_case';
/** Every input's element uses this action id; the block id is the request field's name. */
export const VALUE_ACTION = 'value';

/** The vendor's open form, or InvalidInputError when its plugin cannot open cases. */
export function openFormOf(vendor: OpenVendor): OpenForm {
  const form = pluginFor(vendor)?.openForm;
  if (!form) throw new InvalidInputError(`caseops cannot open ${vendor} cases.`, 'vendor');
  return form;
}

/** The form's fields, in the order a person fills them in. */
export function openFormFields(vendor: OpenVendor): readonly OpenFormField[] {
  return openFormOf(vendor).fields;
}

/** Whether a field is shown for these values: always, or while the field it depends on holds one it names. */
export function isShown(spec: OpenFormField, values: FormValues): boolean {
  if (!spec.shownWhen) return true;
  const other = values[spec.shownWhen.field];
  return typeof other === 'string' && spec.shownWhen.values.includes(other.trim());
}

/** The fields shown for these values, in form order. */
export function shownFields(vendor: OpenVendor, values: FormValues): readonly OpenFormField[] {
  return openFormFields(vendor).filter((spec) => isShown(spec, values));
}

/** The fields whose value decides whether another is shown: a change to one redraws the form. */
export function redrawingFields(vendor: OpenVendor): ReadonlySet<string> {
  return new Set(openFormFields(vendor).flatMap((spec) => (spec.shownWhen ? [spec.shownWhen.field] : [])));
}

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
  const shape = openFormOf(vendor).schema.shape as unknown as Record<string, ZodIntrospect>;
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

function hintFor(spec: OpenFormField, rules: Rules): string | undefined {
  const cut =
    rules.maxLength !== undefined && rules.maxLength > SLACK_LIMITS.input.plainTextMaxLength
      ? `Slack forms take up to ${SLACK_LIMITS.input.plainTextMaxLength} characters here.`
      : undefined;
  return [spec.hint, cut].filter(Boolean).join(' ') || undefined;
}

function fieldBlock(
  vendor: OpenVendor,
  spec: OpenFormField,
  values: FormValues,
  redraws: boolean,
): types.InputBlock {
  const rules = fieldRules(vendor, spec.key);
  const value = values[spec.key];
  const common = {
    blockId: spec.key,
    label: spec.label,
    optional: rules.optional,
    hint: hintFor(spec, rules),
    dispatchAction: redraws,
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
          dispatchWhileTyping: redraws,
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
  return `New ${vendorShortName(vendor)} case`;
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
  const redraws = redrawingFields(options.vendor);
  for (const spec of shownFields(options.vendor, options.values))
    blocks.push(fieldBlock(options.vendor, spec, options.values, redraws.has(spec.key)));
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
