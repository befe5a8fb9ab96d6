/**
 * The shapes of what Slack sends an app when a person uses it: the action object of a pressed element, the
 * state of a modal's inputs, and the view as it appears inside interaction payloads. Built from the blocks
 * the app itself sent (kept server-side), never from what the page claims they were.
 */
import type { FakeView } from './fake-slack-api.js';
import { PLAYGROUND_APP_ID, PLAYGROUND_BOT, PLAYGROUND_TEAM } from './seed.js';

type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** Slack gives blocks and elements without ids generated ones; these are stable, which is all the page needs. */
export function blockIdOf(block: Json, index: number): string {
  return typeof block.block_id === 'string' ? block.block_id : `b${index}`;
}

export function actionIdOf(element: Json, index: number | string): string {
  return typeof element.action_id === 'string' ? element.action_id : `a${index}`;
}

/** Every option of a select-like element, flattening option groups. */
export function optionsOf(element: Json): Json[] {
  const direct = asArray(element.options).map(asRecord);
  const grouped = asArray(element.option_groups).flatMap((g) => asArray(asRecord(g).options).map(asRecord));
  return [...direct, ...grouped];
}

function findOption(element: Json, value: unknown): Json {
  const option = optionsOf(element).find((o) => o.value === value);
  if (!option) throw new PayloadError(`no option "${String(value)}" in ${String(element.type)}`);
  return option;
}

function findOptions(element: Json, values: unknown): Json[] {
  return asArray(values).map((v) => findOption(element, v));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;
const SLACK_ID = /^[A-Z0-9]{2,30}$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function pattern(value: unknown, re: RegExp, what: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !re.test(value)) throw new PayloadError(`${what} is not valid`);
  return value;
}

function ids(value: unknown): string[] {
  const list = asArray(value);
  if (!list.every((v) => typeof v === 'string' && SLACK_ID.test(v)))
    throw new PayloadError('not a list of ids');
  return list as string[];
}

/**
 * What an element holds, as Slack reports it in `state.values` and in an action: `raw` is the page's value
 * (text, an option value, a list of option values or ids, a date, unix seconds).
 */
export function elementValue(element: Json, raw: unknown): Json {
  const type = String(element.type);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: text(raw) };
    case 'static_select':
    case 'radio_buttons':
    case 'overflow':
      return {
        type,
        selected_option: raw === undefined || raw === null || raw === '' ? null : findOption(element, raw),
      };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: findOptions(element, raw) };
    case 'datepicker':
      return { type, selected_date: pattern(raw, DATE, 'date') };
    case 'timepicker':
      return { type, selected_time: pattern(raw, TIME, 'time') };
    case 'datetimepicker': {
      if (raw === undefined || raw === null || raw === '') return { type, selected_date_time: null };
      const seconds = Number(raw);
      if (!Number.isInteger(seconds)) throw new PayloadError('date and time is not valid');
      return { type, selected_date_time: seconds };
    }
    case 'users_select':
      return { type, selected_user: pattern(raw, SLACK_ID, 'user') };
    case 'multi_users_select':
      return { type, selected_users: raw === undefined ? [] : ids(raw) };
    case 'conversations_select':
      return { type, selected_conversation: pattern(raw, SLACK_ID, 'conversation') };
    case 'channels_select':
      return { type, selected_channel: pattern(raw, SLACK_ID, 'channel') };
    default:
      throw new PayloadError(`the playground cannot read a ${type} element`);
  }
}

/** The `actions[0]` of a block_actions payload for a pressed or changed element. */
export function actionFor(element: Json, blockId: string, actionId: string, raw: unknown): Json {
  const actionTs = (Date.now() / 1000).toFixed(6);
  if (element.type === 'button') {
    return {
      type: 'button',
      action_id: actionId,
      block_id: blockId,
      text: element.text,
      ...(typeof element.value === 'string' ? { value: element.value } : {}),
      ...(typeof element.style === 'string' ? { style: element.style } : {}),
      ...(typeof element.url === 'string' ? { url: element.url } : {}),
      action_ts: actionTs,
    };
  }
  return { ...elementValue(element, raw), action_id: actionId, block_id: blockId, action_ts: actionTs };
}

/** The form values the page sends: block id → action id → raw value. */
export type RawFormValues = Record<string, Record<string, unknown>>;

/** Elements whose values Slack keeps in a view's state. */
function statefulElements(blocks: unknown[]): Array<{ blockId: string; actionId: string; element: Json }> {
  const found: Array<{ blockId: string; actionId: string; element: Json }> = [];
  blocks.forEach((raw, index) => {
    const block = asRecord(raw);
    const blockId = blockIdOf(block, index);
    if (block.type === 'input') {
      const element = asRecord(block.element);
      found.push({ blockId, actionId: actionIdOf(element, 0), element });
    } else if (block.type === 'actions') {
      asArray(block.elements).forEach((e, i) => {
        const element = asRecord(e);
        if (element.type !== 'button') found.push({ blockId, actionId: actionIdOf(element, i), element });
      });
    } else if (block.type === 'section' && block.accessory) {
      const element = asRecord(block.accessory);
      if (!['button', 'image', 'overflow'].includes(String(element.type))) {
        found.push({ blockId, actionId: actionIdOf(element, 'accessory'), element });
      }
    }
  });
  return found;
}

/** `view.state.values` from what the page holds, checked against the view's own elements. */
export function stateValues(view: Json, raw: RawFormValues): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const { blockId, actionId, element } of statefulElements(asArray(view.blocks))) {
    const given = raw[blockId]?.[actionId];
    let value: Json;
    try {
      value = elementValue(element, given);
    } catch (error) {
      // An element the playground cannot read is left out of the state, as Slack leaves untouched ones.
      if (error instanceof PayloadError && String(error.message).startsWith('the playground cannot'))
        continue;
      throw error;
    }
    values[blockId] ??= {};
    (values[blockId] as Record<string, Json>)[actionId] = value;
  }
  return values;
}

/** A view as it appears inside interaction payloads. */
export function viewInPayload(stored: FakeView, state: Record<string, Record<string, Json>>): Json {
  return {
    ...stored.view,
    id: stored.id,
    team_id: PLAYGROUND_TEAM.id,
    state: { values: state },
    hash: stored.hash,
    previous_view_id: null,
    root_view_id: stored.rootId,
    app_id: PLAYGROUND_APP_ID,
    external_id: '',
    app_installed_team_id: PLAYGROUND_TEAM.id,
    bot_id: PLAYGROUND_BOT.botId,
  };
}

/** Slack's client sends what a person typed with &, < and > encoded. */
export function encodeTyped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
