/**
 * The fake Slack Web API's checks: Slack's real limits on blocks, messages and modals, enforced here
 * independently of caseops' own limits module, so a builder that breaks a limit fails against the fake as it
 * would in Slack. Each refusal is the `ok: false` error Slack answers (invalid_blocks, no_text, …).
 */

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  blockTextTotal: 13_000,
  sectionText: 3000,
  fieldCount: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  modalTitle: 24,
  privateMetadata: 3000,
  responseUrlUses: 5,
  responseUrlLifetimeMs: 30 * 60 * 1000,
  viewStack: 3,
  plainTextInputMax: 3000,
} as const;

export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly details: string[] = [],
  ) {
    super(error);
  }
}

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function textOf(value: unknown): string | undefined {
  const t = asRecord(value).text;
  return typeof t === 'string' ? t : undefined;
}

/** Checks blocks the way Slack does (the subset caseops uses); throws invalid_blocks with details. */
export function validateBlocks(blocks: unknown, surface: 'message' | 'modal' | 'home'): void {
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks', ['blocks must be an array']);
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  const problems: string[] = [];
  if (blocks.length > max) problems.push(`must provide no more than ${max} items [json-pointer:/blocks]`);
  const ids = new Set<string>();
  const element = (el: Json, where: string) => {
    const actionId = el.action_id;
    if (typeof actionId === 'string' && actionId.length > LIMITS.id)
      problems.push(`${where}: action_id too long`);
    if (el.type === 'button') {
      const t = textOf(el.text);
      if (!t || t.length > LIMITS.buttonText) problems.push(`${where}: button text must be 1–75 characters`);
      if (typeof el.value === 'string' && el.value.length > LIMITS.buttonValue)
        problems.push(`${where}: button value too long`);
      if (typeof el.url === 'string' && el.url.length > LIMITS.url) problems.push(`${where}: url too long`);
    }
    if (el.type === 'static_select') {
      const opts = Array.isArray(el.options) ? el.options : [];
      if (opts.length === 0 || opts.length > LIMITS.options) problems.push(`${where}: 1–100 options`);
      for (const o of opts) {
        const t = textOf(asRecord(o).text);
        const v = asRecord(o).value;
        if (!t || t.length > LIMITS.optionText)
          problems.push(`${where}: option text must be 1–75 characters`);
        if (typeof v !== 'string' || v.length > LIMITS.optionValue)
          problems.push(`${where}: option value must be ≤ 150`);
      }
    }
    if (el.type === 'plain_text_input') {
      const maxLength = el.max_length;
      if (typeof maxLength === 'number' && maxLength > LIMITS.plainTextInputMax)
        problems.push(`${where}: max_length ≤ 3000`);
      const initial = el.initial_value;
      if (typeof initial === 'string' && typeof maxLength === 'number' && initial.length > maxLength) {
        problems.push(`${where}: initial_value longer than max_length`);
      }
    }
  };
  blocks.forEach((raw, i) => {
    const b = asRecord(raw);
    const where = `[json-pointer:/blocks/${i}]`;
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > LIMITS.id) problems.push(`${where}: block_id too long`);
      if (ids.has(b.block_id)) problems.push(`${where}: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header': {
        const t = textOf(b.text);
        if (asRecord(b.text).type !== 'plain_text' || !t || t.length > LIMITS.headerText)
          problems.push(`${where}: header text`);
        break;
      }
      case 'section': {
        const t = b.text === undefined ? undefined : textOf(b.text);
        const fields = Array.isArray(b.fields) ? b.fields : undefined;
        if (t === undefined && !fields) problems.push(`${where}: section needs text or fields`);
        if (t !== undefined && (t.length === 0 || t.length > LIMITS.sectionText))
          problems.push(`${where}: section text 1–3000`);
        if (fields) {
          if (fields.length > LIMITS.fieldCount) problems.push(`${where}: at most 10 fields`);
          for (const f of fields) {
            const ft = textOf(f);
            if (!ft || ft.length > LIMITS.fieldText) problems.push(`${where}: field text 1–2000`);
          }
        }
        if (b.accessory) element(asRecord(b.accessory), where);
        break;
      }
      case 'context': {
        const els = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0 || els.length > LIMITS.contextElements)
          problems.push(`${where}: context 1–10 elements`);
        break;
      }
      case 'actions': {
        const els = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0 || els.length > LIMITS.actionsElements)
          problems.push(`${where}: actions 1–25 elements`);
        for (const el of els) element(asRecord(el), where);
        break;
      }
      case 'input': {
        if (surface === 'message') problems.push(`${where}: input blocks belong in modals`);
        const label = textOf(b.label);
        if (!label) problems.push(`${where}: input needs a label`);
        element(asRecord(b.element), where);
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: unsupported block type ${String(b.type)}`);
    }
  });
  if (problems.length > 0) throw new SlackApiError('invalid_blocks', problems);
  if (surface === 'message') {
    const total = JSON.stringify(blocks).length;
    // Slack counts characters of block text; the JSON length is a close, slightly stricter stand-in.
    if (total > LIMITS.blockTextTotal * 1.6 || blockText(blocks) > LIMITS.blockTextTotal) {
      throw new SlackApiError('msg_blocks_too_long');
    }
  }
}

function blockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blockText(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  const r = value as Json;
  if ((r.type === 'mrkdwn' || r.type === 'plain_text') && typeof r.text === 'string') return r.text.length;
  return Object.values(r).reduce((n: number, v) => n + blockText(v), 0);
}

export function validateModal(view: Json): void {
  if (view.type !== 'modal') throw new SlackApiError('invalid_arguments', ['view.type must be modal']);
  const title = textOf(view.title);
  if (!title || title.length > LIMITS.modalTitle)
    throw new SlackApiError('invalid_arguments', ['title must be 1–24 characters']);
  for (const key of ['submit', 'close'] as const) {
    const t = view[key] === undefined ? undefined : textOf(view[key]);
    if (view[key] !== undefined && (!t || t.length > LIMITS.modalTitle)) {
      throw new SlackApiError('invalid_arguments', [`${key} must be 1–24 characters`]);
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) {
    throw new SlackApiError('invalid_arguments', ['private_metadata must be ≤ 3000 characters']);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > LIMITS.id) {
    throw new SlackApiError('invalid_arguments', ['callback_id too long']);
  }
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.some((b) => asRecord(b).type === 'input') && view.submit === undefined) {
    throw new SlackApiError('invalid_arguments', ['a modal with inputs needs a submit button']);
  }
  validateBlocks(view.blocks, 'modal');
}

export function validateMessage(args: Json): void {
  if (args.blocks === undefined) {
    if (typeof args.text !== 'string' || args.text.length === 0) throw new SlackApiError('no_text');
    return;
  }
  // Slack accepts blocks without text but warns; caseops always sends a fallback, so the fake insists.
  if (typeof args.text !== 'string' || args.text.trim().length === 0)
    throw new SlackApiError('no_text_fallback');
  if (args.text.length > 40_000) throw new SlackApiError('msg_too_long');
  validateBlocks(args.blocks, 'message');
}
