/**
 * Small Block Kit constructors. Each one passes its strings through the limits in ./limits.ts, so no builder
 * can produce a block Slack would refuse for length.
 */
import type { types } from '@slack/bolt';
import { SLACK_LIMITS, splitText, truncate } from './limits.js';

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type Button = types.Button;
export type PlainTextOption = types.PlainTextOption;
export type InputBlock = types.InputBlock;
export type PlainTextElement = types.PlainTextElement;
export type MrkdwnElement = types.MrkdwnElement;

const L = SLACK_LIMITS;

export function plain(text: string, max: number = L.message.sectionTextChars): PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

export function md(text: string, max: number = L.message.sectionTextChars): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text || ' ', max) };
}

export function header(text: string): Block {
  return { type: 'header', text: plain(text, L.message.headerChars) };
}

export function section(
  text: string,
  options: { blockId?: string; accessory?: types.SectionBlockAccessory } = {},
): Block {
  return {
    type: 'section',
    text: md(text),
    ...(options.blockId ? { block_id: truncate(options.blockId, L.element.blockIdChars) } : {}),
    ...(options.accessory ? { accessory: options.accessory } : {}),
  };
}

/** A long mrkdwn text as as many sections as it needs, split on line and word boundaries. */
export function sections(text: string): Block[] {
  return splitText(text, L.message.sectionTextChars).map((chunk) => section(chunk));
}

/** A section of label/value fields, at most 10 (the rest are dropped: callers order by importance). */
export function fieldsSection(fields: ReadonlyArray<{ label: string; value: string }>): Block {
  return {
    type: 'section',
    fields: fields
      .slice(0, L.message.fieldCount)
      .map((f) => md(`*${f.label}*\n${f.value}`, L.message.fieldChars)),
  };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts.slice(0, L.element.contextElements).map((t) => md(t, L.element.contextTextChars)),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function actions(blockId: string, elements: types.ActionsBlockElement[]): Block {
  return {
    type: 'actions',
    block_id: truncate(blockId, L.element.blockIdChars),
    elements: elements.slice(0, L.element.actionsElements),
  };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(spec: ButtonSpec): Button {
  if (spec.value && spec.value.length > L.element.buttonValueChars) {
    // A cut value would not parse back: the caller must keep values small.
    throw new Error(`button value for ${spec.actionId} is longer than ${L.element.buttonValueChars}`);
  }
  return {
    type: 'button',
    text: plain(spec.text, L.element.buttonTextChars),
    action_id: truncate(spec.actionId, L.element.actionIdChars),
    ...(spec.value !== undefined ? { value: spec.value } : {}),
    ...(spec.url && spec.url.length <= L.element.urlChars ? { url: spec.url } : {}),
    ...(spec.style ? { style: spec.style } : {}),
    ...(spec.confirm
      ? {
          confirm: {
            title: plain(spec.confirm.title, 100),
            text: md(spec.confirm.text, 300),
            confirm: plain(spec.confirm.confirm, 30),
            deny: plain(spec.confirm.deny, 30),
          },
        }
      : {}),
  };
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(text, L.element.optionTextChars),
    value: truncate(value, L.element.optionValueChars),
    ...(description ? { description: plain(description, L.element.optionDescriptionChars) } : {}),
  };
}

export function options(list: ReadonlyArray<{ text: string; value: string }>): PlainTextOption[] {
  return list.slice(0, L.element.staticSelectOptions).map((o) => option(o.text, o.value));
}

interface InputCommon {
  blockId: string;
  label: string;
  optional?: boolean;
  hint?: string;
  dispatchAction?: boolean;
}

export function input(common: InputCommon, element: types.InputBlockElement): InputBlock {
  return {
    type: 'input',
    block_id: truncate(common.blockId, L.element.blockIdChars),
    label: plain(common.label, L.input.labelChars),
    optional: common.optional ?? false,
    ...(common.hint ? { hint: plain(common.hint, L.input.hintChars) } : {}),
    ...(common.dispatchAction ? { dispatch_action: true } : {}),
    element,
  };
}

export function textElement(spec: {
  actionId: string;
  multiline?: boolean;
  initial?: string;
  placeholder?: string;
  maxLength?: number;
  minLength?: number;
  /** Send a block action as the person types (the input block needs `dispatchAction` too). */
  dispatchWhileTyping?: boolean;
}): types.PlainTextInput {
  const maxLength = Math.min(spec.maxLength ?? L.input.plainTextMaxLength, L.input.plainTextMaxLength);
  return {
    type: 'plain_text_input',
    action_id: spec.actionId,
    multiline: spec.multiline ?? false,
    max_length: maxLength,
    ...(spec.minLength ? { min_length: Math.min(spec.minLength, maxLength) } : {}),
    ...(spec.initial ? { initial_value: truncate(spec.initial, maxLength) } : {}),
    ...(spec.placeholder ? { placeholder: plain(spec.placeholder, L.input.placeholderChars) } : {}),
    ...(spec.dispatchWhileTyping
      ? { dispatch_action_config: { trigger_actions_on: ['on_enter_pressed', 'on_character_entered'] } }
      : {}),
  };
}

export function emailElement(spec: {
  actionId: string;
  initial?: string;
  placeholder?: string;
}): types.EmailInput {
  return {
    type: 'email_text_input',
    action_id: spec.actionId,
    ...(spec.initial ? { initial_value: spec.initial } : {}),
    ...(spec.placeholder ? { placeholder: plain(spec.placeholder, L.input.placeholderChars) } : {}),
  };
}

export function staticSelectElement(spec: {
  actionId: string;
  choices: ReadonlyArray<{ text: string; value: string }>;
  initial?: string;
  placeholder?: string;
}): types.StaticSelect {
  const choices = options(spec.choices);
  const initial = choices.find((o) => o.value === spec.initial);
  return {
    type: 'static_select',
    action_id: spec.actionId,
    options: choices,
    ...(initial ? { initial_option: initial } : {}),
    ...(spec.placeholder ? { placeholder: plain(spec.placeholder, L.input.placeholderChars) } : {}),
  };
}

export function multiUsersElement(spec: {
  actionId: string;
  initial?: string[];
  max?: number;
}): types.MultiUsersSelect {
  return {
    type: 'multi_users_select',
    action_id: spec.actionId,
    ...(spec.initial && spec.initial.length > 0 ? { initial_users: spec.initial } : {}),
    ...(spec.max ? { max_selected_items: spec.max } : {}),
  };
}

export function datetimeElement(spec: { actionId: string; initial?: number }): types.DateTimepicker {
  return {
    type: 'datetimepicker',
    action_id: spec.actionId,
    ...(spec.initial ? { initial_date_time: spec.initial } : {}),
  };
}

/**
 * A date Slack renders in the viewer's own time zone, with a plain fallback for clients that cannot.
 * `format` uses Slack's tokens ({date_short_pretty}, {time}, …).
 */
export function slackDate(
  iso: string | undefined,
  format = '{date_short_pretty} {time}',
): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback} UTC>`;
}
