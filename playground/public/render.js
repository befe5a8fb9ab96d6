// Block Kit and mrkdwn to HTML, for the playground page. Every function returns an HTML string in which
// each piece of text from the app, a vendor or a person has been escaped: the only markup is the
// renderer's own. Links keep http(s) and mailto URLs only. A block or element the renderer does not know
// is shown as its JSON, never dropped.
//
// `ctx` is what rendering needs to know about the workspace:
//   { users: { [id]: name }, channels: { [id]: name }, timeZone: 'Europe/Amsterdam', now: epoch ms }
import { EMOJI } from './emoji.js';

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes exactly these three in message text. */
export function decodeSlackEntities(text) {
  return String(text ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The URL when it is safe to put in an href (http, https, mailto), otherwise undefined. */
export function safeUrl(url) {
  const text = String(url ?? '').trim();
  if (!/^(https?:\/\/|mailto:)/i.test(text)) return undefined;
  // Control characters and spaces have no place in a URL a person should click.
  if (/[\s\p{Cc}]/u.test(text)) return undefined;
  return text;
}

function link(url, labelHtml) {
  const href = safeUrl(url);
  if (!href) return labelHtml;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${labelHtml}</a>`;
}

export function emojify(escapedText) {
  return escapedText.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

// ---- dates ------------------------------------------------------------------------------------------

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function ordinal(day) {
  const n = Number(day);
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

function partsIn(ms, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hour12: true,
  });
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  return parts;
}

function dayNumber(parts) {
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / 86_400_000;
}

function ago(ms, now) {
  const seconds = Math.round((now - ms) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const [n, unit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [Math.round(s / 60), 'minute']
        : s < 86_400
          ? [Math.round(s / 3600), 'hour']
          : [Math.round(s / 86_400), 'day'];
  const words = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return future ? `in ${words}` : `${words} ago`;
}

/** Slack's `<!date^…>` tokens, in the viewer's time zone. Unknown tokens stay as written. */
export function formatSlackDate(seconds, format, ctx) {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms)) return undefined;
  const timeZone = ctx?.timeZone || 'UTC';
  const now = ctx?.now ?? Date.now();
  const p = partsIn(ms, timeZone);
  const month = MONTHS[Number(p.month) - 1];
  const date = `${month} ${ordinal(p.day)}, ${p.year}`;
  const dateShort = `${month.slice(0, 3)} ${Number(p.day)}, ${p.year}`;
  const dateLong = `${p.weekday}, ${date}`;
  const offset = dayNumber(p) - dayNumber(partsIn(now, timeZone));
  const relative = { 0: 'today', '-1': 'yesterday', 1: 'tomorrow' }[offset];
  const time = `${p.hour}:${p.minute} ${p.dayPeriod}`;
  const values = {
    date_num: `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}`,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: relative ?? date,
    date_short_pretty: relative ?? dateShort,
    date_long_pretty: relative ?? dateLong,
    time,
    time_secs: `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`,
    ago: ago(ms, now),
  };
  return String(format).replace(/\{([a-z_]+)\}/g, (whole, token) => values[token] ?? whole);
}

// ---- mrkdwn ------------------------------------------------------------------------------------------

// Pieces already turned into HTML wait behind private-use markers while the rest is escaped and formatted.
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';

function renderAngle(inner, ctx) {
  const [target, ...rest] = inner.split('|');
  const label = rest.join('|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = label || ctx?.users?.[id] || id;
    return `<span class="mention">@${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = label || ctx?.channels?.[id] || id;
    return `<span class="mention">#${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, seconds, format = '{date_short} {time}', url] = target.split('^');
    const shown = formatSlackDate(seconds, decodeSlackEntities(format), ctx) ?? decodeSlackEntities(label);
    const html = `<time class="slack-date" title="${escapeHtml(decodeSlackEntities(label))}">${escapeHtml(shown)}</time>`;
    return url ? link(decodeSlackEntities(url), html) : html;
  }
  if (target.startsWith('!subteam^')) {
    return `<span class="mention">${escapeHtml(decodeSlackEntities(label || 'a group'))}</span>`;
  }
  if (target.startsWith('!')) {
    return `<span class="mention">@${escapeHtml(decodeSlackEntities(label || target.slice(1)))}</span>`;
  }
  const url = decodeSlackEntities(target);
  // Not a link Slack would make: shown as written rather than guessed at.
  if (!safeUrl(url) && !label) return escapeHtml(`<${decodeSlackEntities(inner)}>`);
  return link(url, escapeHtml(decodeSlackEntities(label || target)));
}

const BEFORE = `(^|[\\s>(\\[{;:,.!?\\-${HOLD_CLOSE}])`;
const AFTER = `(?=$|[\\s<)\\]};:,.!?&'"\\-${HOLD_OPEN}])`;
const FORMATS = [
  [new RegExp(`${BEFORE}\\*(?=\\S)([^*\\n]*?[^\\s*])\\*${AFTER}`, 'g'), 'b'],
  [new RegExp(`${BEFORE}_(?=\\S)([^_\\n]*?[^\\s_])_${AFTER}`, 'g'), 'i'],
  [new RegExp(`${BEFORE}~(?=\\S)([^~\\n]*?[^\\s~])~${AFTER}`, 'g'), 's'],
];

function formatInline(escaped) {
  let html = emojify(escaped);
  for (const [pattern, tag] of FORMATS) html = html.replace(pattern, `$1<${tag}>$2</${tag}>`);
  return html;
}

/** Slack mrkdwn (bold, italic, strike, code, quotes, links, mentions, dates, emoji) as safe HTML. */
export function renderMrkdwn(input, ctx) {
  const held = [];
  const hold = (html) => `${HOLD_OPEN}${held.push(html) - 1}${HOLD_CLOSE}`;
  let text = String(input ?? '').replace(/[\uE000\uE001]/g, '');
  text = text.replace(/```([\s\S]*?)```/g, (_, code) =>
    hold(`<pre class="mrkdwn-pre">${escapeHtml(decodeSlackEntities(code.replace(/^\n|\n$/g, '')))}</pre>`),
  );
  text = text.replace(/`([^`\n]+)`/g, (_, code) =>
    hold(`<code>${escapeHtml(decodeSlackEntities(code))}</code>`),
  );
  text = text.replace(/<([^<>\n]+)>/g, (_, inner) => hold(renderAngle(inner, ctx)));
  text = text.replace(/\bhttps?:\/\/[^\s<>\uE000]*[^\s<>\uE000.,;:!?)'"]/g, (url) => {
    const decoded = decodeSlackEntities(url);
    return hold(link(decoded, escapeHtml(decoded)));
  });

  const out = [];
  let quote = [];
  const flushQuote = () => {
    if (quote.length > 0) out.push({ quote: true, html: quote.join('<br>') });
    quote = [];
  };
  for (const line of text.split('\n')) {
    const quoted = /^(>|&gt;)/.exec(line);
    const html = formatInline(escapeHtml(decodeSlackEntities(quoted ? line.slice(quoted[0].length) : line)));
    if (quoted) {
      quote.push(html);
    } else {
      flushQuote();
      out.push({ quote: false, html });
    }
  }
  flushQuote();
  let html = '';
  out.forEach((part, i) => {
    if (part.quote) html += `<blockquote>${part.html}</blockquote>`;
    else html += `${part.html}${i < out.length - 1 && !out[i + 1].quote ? '<br>' : ''}`;
  });
  // Held pieces never contain markers, so one pass restores them all.
  return html.replace(/\uE000(\d+)\uE001/g, (_, i) => held[Number(i)]);
}

/** A plain_text object's text: escaped, with emoji unless it says `emoji: false`. */
export function renderPlain(textObject) {
  const escaped = escapeHtml(textObject?.text ?? '');
  return textObject?.emoji === false ? escaped : emojify(escaped);
}

/** A text object of either kind. */
export function renderText(textObject, ctx) {
  if (!textObject || typeof textObject !== 'object') return '';
  return textObject.type === 'mrkdwn' ? renderMrkdwn(textObject.text, ctx) : renderPlain(textObject);
}

// ---- blocks -------------------------------------------------------------------------------------------

export function renderJson(value, what) {
  let json;
  try {
    json = JSON.stringify(value, null, 2);
  } catch {
    json = String(value);
  }
  return `<div class="unsupported"><div class="unsupported-title">${escapeHtml(what)} (the playground shows it as JSON)</div><pre>${escapeHtml(json)}</pre></div>`;
}

function typeName(value) {
  return value && typeof value === 'object' && typeof value.type === 'string' ? value.type : 'unknown';
}

function where(blockIndex, element) {
  return `data-block="${blockIndex}" data-element="${escapeHtml(element)}"`;
}

function optionText(option) {
  return renderPlain(option?.text);
}

function allOptions(element) {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((g) => (Array.isArray(g.options) ? g.options : []))
    : [];
  return [...direct, ...grouped];
}

function renderButton(element, blockIndex, path) {
  const style = element.style === 'primary' || element.style === 'danger' ? ` btn-${element.style}` : '';
  const url = safeUrl(element.url);
  const label = renderPlain(element.text);
  if (url) {
    return `<a class="btn${style}" role="button" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer" ${where(blockIndex, path)}>${label} <span class="external">↗</span></a>`;
  }
  return `<button type="button" class="btn${style}" ${where(blockIndex, path)}>${label}</button>`;
}

/** Elements in actions blocks and section accessories of messages and App Home. */
function renderInteractive(element, blockIndex, path, ctx) {
  switch (typeName(element)) {
    case 'button':
      return renderButton(element, blockIndex, path);
    case 'image': {
      const url = safeUrl(element.image_url);
      const alt = escapeHtml(element.alt_text || 'image');
      return url
        ? link(url, `<span class="image-link">🖼 ${alt}</span>`)
        : `<span class="image-link">🖼 ${alt}</span>`;
    }
    case 'static_select':
    case 'overflow': {
      const placeholder =
        element.type === 'overflow'
          ? '⋯'
          : element.placeholder
            ? renderPlain(element.placeholder)
            : 'Choose…';
      const initial = element.initial_option?.value;
      const options = allOptions(element)
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${optionText(o)}</option>`,
        )
        .join('');
      return `<select class="select" data-dispatch="change" ${where(blockIndex, path)}><option value="">${placeholder}</option>${options}</select>`;
    }
    case 'datepicker':
      return `<input class="picker" type="date" data-dispatch="change" value="${escapeHtml(element.initial_date ?? '')}" ${where(blockIndex, path)}>`;
    case 'timepicker':
      return `<input class="picker" type="time" data-dispatch="change" value="${escapeHtml(element.initial_time ?? '')}" ${where(blockIndex, path)}>`;
    case 'users_select': {
      const users = Object.entries(ctx?.users ?? {})
        .map(
          ([id, name]) =>
            `<option value="${escapeHtml(id)}"${id === element.initial_user ? ' selected' : ''}>${escapeHtml(name)}</option>`,
        )
        .join('');
      return `<select class="select" data-dispatch="change" ${where(blockIndex, path)}><option value="">Choose a person</option>${users}</select>`;
    }
    default:
      return renderJson(element, `Element "${typeName(element)}"`);
  }
}

function renderSection(block, blockIndex, ctx) {
  const text = block.text ? `<div class="section-text">${renderText(block.text, ctx)}</div>` : '';
  const fields = Array.isArray(block.fields)
    ? `<div class="section-fields">${block.fields.map((f) => `<div class="field">${renderText(f, ctx)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory
    ? `<div class="accessory">${renderInteractive(block.accessory, blockIndex, 'accessory', ctx)}</div>`
    : '';
  return `<div class="block block-section"><div class="section-main">${text}${fields}</div>${accessory}</div>`;
}

function renderContext(block, ctx) {
  const elements = (Array.isArray(block.elements) ? block.elements : []).map((e) => {
    if (e?.type === 'image') {
      const url = safeUrl(e.image_url);
      const alt = `<span class="image-link">🖼 ${escapeHtml(e.alt_text || 'image')}</span>`;
      return `<span class="context-element">${url ? link(url, alt) : alt}</span>`;
    }
    if (e?.type === 'mrkdwn' || e?.type === 'plain_text') {
      return `<span class="context-element">${renderText(e, ctx)}</span>`;
    }
    return renderJson(e, `Context element "${typeName(e)}"`);
  });
  return `<div class="block block-context">${elements.join('')}</div>`;
}

function renderImageBlock(block, ctx) {
  const url = safeUrl(block.image_url);
  const alt = escapeHtml(block.alt_text || 'image');
  const title = block.title ? `<div class="image-title">${renderText(block.title, ctx)}</div>` : '';
  const body = `<span class="image-link">🖼 ${alt}</span>`;
  return `<div class="block block-image">${title}${url ? link(url, body) : body}</div>`;
}

/** One block of a message or App Home. */
function renderBlock(block, index, ctx) {
  switch (typeName(block)) {
    case 'header':
      return `<div class="block block-header">${renderPlain(block.text)}</div>`;
    case 'section':
      return renderSection(block, index, ctx);
    case 'context':
      return renderContext(block, ctx);
    case 'divider':
      return '<hr class="block block-divider">';
    case 'actions': {
      const elements = (Array.isArray(block.elements) ? block.elements : []).map((e, i) =>
        renderInteractive(e, index, i, ctx),
      );
      return `<div class="block block-actions">${elements.join('')}</div>`;
    }
    case 'image':
      return renderImageBlock(block, ctx);
    default:
      return renderJson(block, `Block "${typeName(block)}"`);
  }
}

/** A message's (or App Home's) blocks. */
export function renderBlocks(blocks, ctx) {
  if (!Array.isArray(blocks)) return renderJson(blocks, 'Blocks that are not a list');
  return blocks.map((block, index) => renderBlock(block, index, ctx)).join('');
}

// ---- modal forms -----------------------------------------------------------------------------------------

function pad(n) {
  return String(n).padStart(2, '0');
}

/** unix seconds → the value of a datetime-local input, in the browser's own time zone (as Slack does). */
export function localDateTimeValue(seconds) {
  if (typeof seconds !== 'number') return '';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function control(element, blockId, actionId, attrs) {
  return `data-kind="${escapeHtml(element.type)}" data-block-id="${escapeHtml(blockId)}" data-action-id="${escapeHtml(actionId)}"${attrs}`;
}

function placeholderAttr(element) {
  return element.placeholder?.text ? ` placeholder="${escapeHtml(element.placeholder.text)}"` : '';
}

function choiceList(kind, element, blockId, actionId, options, checked, label, inputId) {
  const name = `${blockId}::${actionId}`;
  const labelled = inputId ? ` aria-labelledby="${escapeHtml(inputId)}-label"` : '';
  return `<div class="choices" role="group" ${control(element, blockId, actionId, labelled)}>${options
    .map(
      (o) =>
        `<label class="choice"><input type="${kind}" name="${escapeHtml(name)}" value="${escapeHtml(o.value)}"${
          checked(o.value) ? ' checked' : ''
        }> <span>${label(o)}</span></label>`,
    )
    .join('')}</div>`;
}

/** The control of an input block, tagged so the page can read its value back. */
export function renderInputElement(element, blockId, actionId, ctx, inputId) {
  const id = ` id="${escapeHtml(inputId)}"`;
  switch (typeName(element)) {
    case 'plain_text_input': {
      const max = Number.isInteger(element.max_length) ? ` maxlength="${element.max_length}"` : '';
      const attrs = `${id}${max}${placeholderAttr(element)}`;
      if (element.multiline) {
        return `<textarea class="text-input" rows="4" ${control(element, blockId, actionId, attrs)}>${escapeHtml(element.initial_value ?? '')}</textarea>`;
      }
      return `<input class="text-input" type="text" value="${escapeHtml(element.initial_value ?? '')}" ${control(element, blockId, actionId, attrs)}>`;
    }
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      const type = { email_text_input: 'email', url_text_input: 'url', number_input: 'number' }[element.type];
      return `<input class="text-input" type="${type}" value="${escapeHtml(element.initial_value ?? '')}" ${control(element, blockId, actionId, `${id}${placeholderAttr(element)}`)}>`;
    }
    case 'static_select': {
      const initial = element.initial_option?.value;
      const placeholder = element.placeholder ? renderPlain(element.placeholder) : 'Choose…';
      const options = allOptions(element)
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${optionText(o)}</option>`,
        )
        .join('');
      return `<select class="select" ${control(element, blockId, actionId, id)}><option value="">${placeholder}</option>${options}</select>`;
    }
    case 'multi_static_select': {
      const initial = new Set((element.initial_options ?? []).map((o) => o.value));
      return choiceList(
        'checkbox',
        element,
        blockId,
        actionId,
        allOptions(element),
        (v) => initial.has(v),
        optionText,
        inputId,
      );
    }
    case 'checkboxes': {
      const initial = new Set((element.initial_options ?? []).map((o) => o.value));
      return choiceList(
        'checkbox',
        element,
        blockId,
        actionId,
        allOptions(element),
        (v) => initial.has(v),
        (o) => renderText(o.text, ctx),
        inputId,
      );
    }
    case 'radio_buttons':
      return choiceList(
        'radio',
        element,
        blockId,
        actionId,
        allOptions(element),
        (v) => v === element.initial_option?.value,
        (o) => renderText(o.text, ctx),
        inputId,
      );
    case 'multi_users_select': {
      const initial = new Set(element.initial_users ?? []);
      const people = Object.entries(ctx?.users ?? {}).map(([value, name]) => ({ value, name }));
      return choiceList(
        'checkbox',
        element,
        blockId,
        actionId,
        people,
        (v) => initial.has(v),
        (p) => escapeHtml(p.name),
        inputId,
      );
    }
    case 'users_select': {
      const users = Object.entries(ctx?.users ?? {})
        .map(
          ([value, name]) =>
            `<option value="${escapeHtml(value)}"${value === element.initial_user ? ' selected' : ''}>${escapeHtml(name)}</option>`,
        )
        .join('');
      return `<select class="select" ${control(element, blockId, actionId, id)}><option value="">Choose a person</option>${users}</select>`;
    }
    case 'conversations_select':
    case 'channels_select': {
      const initial = element.initial_conversation ?? element.initial_channel;
      const channels = Object.entries(ctx?.channels ?? {})
        .map(
          ([value, name]) =>
            `<option value="${escapeHtml(value)}"${value === initial ? ' selected' : ''}>#${escapeHtml(name)}</option>`,
        )
        .join('');
      return `<select class="select" ${control(element, blockId, actionId, id)}><option value="">Choose a channel</option>${channels}</select>`;
    }
    case 'datepicker':
      return `<input class="picker" type="date" value="${escapeHtml(element.initial_date ?? '')}" ${control(element, blockId, actionId, id)}>`;
    case 'timepicker':
      return `<input class="picker" type="time" value="${escapeHtml(element.initial_time ?? '')}" ${control(element, blockId, actionId, id)}>`;
    case 'datetimepicker':
      return `<input class="picker" type="datetime-local" value="${escapeHtml(localDateTimeValue(element.initial_date_time))}" ${control(element, blockId, actionId, id)}>`;
    default:
      return renderJson(element, `Input element "${typeName(element)}"`);
  }
}

/** A modal's blocks as a form; `errors` (block id → text) are shown under their fields. */
export function renderModalBlocks(blocks, ctx, errors = {}) {
  if (!Array.isArray(blocks)) return renderJson(blocks, 'Blocks that are not a list');
  return blocks
    .map((block, index) => {
      if (typeName(block) !== 'input') return renderBlock(block, index, ctx);
      const blockId = typeof block.block_id === 'string' ? block.block_id : `b${index}`;
      const element = block.element ?? {};
      const actionId = typeof element.action_id === 'string' ? element.action_id : 'a0';
      const inputId = `field-${index}`;
      const optional = block.optional ? ' <span class="optional">(optional)</span>' : '';
      const hint = block.hint ? `<div class="hint">${renderPlain(block.hint)}</div>` : '';
      const error = Object.hasOwn(errors, blockId) ? String(errors[blockId]) : '';
      const dispatch = block.dispatch_action ? ' data-dispatch="change"' : '';
      return `<div class="block block-input${error ? ' has-error' : ''}" data-block="${index}" data-element="input" data-input-block="${escapeHtml(blockId)}"${dispatch}><label class="label" id="${inputId}-label" for="${inputId}">${renderPlain(block.label)}${optional}</label>${renderInputElement(element, blockId, actionId, ctx, inputId)}${hint}<div class="field-error" role="alert">${error ? renderMrkdwn(error, ctx) : ''}</div></div>`;
    })
    .join('');
}
