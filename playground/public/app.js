// The playground page: shows the workspace the server keeps (GET /playground/state, refreshed when the
// event stream says something changed) and turns what the person does into the page's API calls. The
// server signs and sends the real Slack requests; this page never sees a secret.
import {
  escapeHtml,
  formatSlackDate,
  renderBlocks,
  renderModalBlocks,
  renderMrkdwn,
  renderPlain,
  renderText,
} from './render.js';
import { channelLevel, createThreadPanel, threadSummary } from './thread.js';

const $ = (id) => document.getElementById(id);

let state;
/** What the main pane shows: a channel, or the app (its Home or Messages tab). */
let current = { kind: 'channel', id: 'C0NOC' };
let shownModal = { id: undefined, hash: undefined };
let shownHome = '';
/** The thread panel beside the channel; it draws its messages as the channel does. */
const threadPanel = createThreadPanel({
  api,
  refresh,
  channelName: (id) => channelName(id),
  renderMessage: (channel, m, ctx) => renderMessage(channel, m, ctx, true),
});
/** Cases whose advance (and the poll after it) is still running, as `vendor:id`. */
const advancing = new Set();
/** Cases whose "Make the vendor act" controls are open, as `vendor:id`. */
const openActs = new Set();

// ---- talking to the server ----------------------------------------------------------------------------

async function api(path, body) {
  const response = await fetch(`/playground/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = { ok: false, error: `HTTP ${response.status}` };
  }
  if (!response.ok || answer.ok === false) throw new Error(answer.error || `HTTP ${response.status}`);
  return answer;
}

let refreshing;
let refreshAgain = false;
/** Until the first state arrives: a modal open then is left from before a reload, and is closed. */
let firstLoad = true;

/** Fetches the state; calls made while one is in flight become one more fetch after it. */
async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const response = await fetch('/playground/state');
      if (response.ok) {
        const next = await response.json();
        if (firstLoad) {
          firstLoad = false;
          // Slack forgets an open modal when its client reloads; a form restored here would be stale.
          if (next.modal) {
            await api('close', { viewId: next.modal.id, all: true }).catch(() => undefined);
            refreshAgain = true;
            continue;
          }
        }
        state = next;
        render();
      }
    } while (refreshAgain);
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    toast(error.message);
    return undefined;
  } finally {
    refresh();
  }
}

// ---- rendering -------------------------------------------------------------------------------------------

function renderContext() {
  const users = {};
  for (const u of state.users) users[u.id] = u.realName || u.name;
  const channels = {};
  for (const c of state.channels) channels[c.id] = c.name;
  return { users, channels, timeZone: state.me.tz, now: Date.now() };
}

/** Only people can be chosen in user pickers. */
function peopleContext(ctx) {
  const users = {};
  for (const u of state.users) if (!u.isBot) users[u.id] = u.realName || u.name;
  return { ...ctx, users };
}

function currentChannel() {
  if (current.kind === 'channel') return current.id;
  return current.tab === 'messages' ? state.app.dmChannel : undefined;
}

function channelName(id) {
  return state.channels.find((c) => c.id === id)?.name ?? id;
}

function render() {
  const ctx = renderContext();
  $('starting').hidden = state.appReady;
  $('workspace-name').textContent = state.team.name;
  $('me').textContent = `${state.me.realName} · ${state.me.tz}`;
  renderSidebar();
  renderHeader();
  renderMessages(ctx);
  threadPanel.render(state, ctx);
  renderHome(ctx);
  renderComposer();
  renderModal(ctx);
  renderSimulators();
}

function renderSidebar() {
  $('channel-list').innerHTML = state.channels
    .map(
      (c) =>
        `<li><button type="button" class="nav-item${current.kind === 'channel' && current.id === c.id ? ' active' : ''}" data-nav-channel="${escapeHtml(c.id)}"><span class="hash">#</span> ${escapeHtml(c.name)}</button></li>`,
    )
    .join('');
  $('app-list').innerHTML =
    `<li><button type="button" class="nav-item${current.kind === 'app' ? ' active' : ''}" data-nav-app="1"><span class="app-dot"></span> ${escapeHtml(state.app.name)}</button></li>`;
}

function renderHeader() {
  const tabs = $('tabs');
  if (current.kind === 'channel') {
    $('main-title').textContent = `# ${channelName(current.id)}`;
    tabs.hidden = true;
  } else {
    $('main-title').textContent = state.app.name;
    tabs.hidden = false;
    for (const tab of tabs.querySelectorAll('[data-tab]')) {
      const selected = tab.dataset.tab === current.tab;
      tab.classList.toggle('active', selected);
      tab.setAttribute('aria-selected', String(selected));
    }
  }
}

function authorOf(id) {
  return state.users.find((u) => u.id === id) ?? { id, name: id };
}

function timeOf(ts) {
  return formatSlackDate(Math.floor(Number(ts)), '{time}', { timeZone: state.me.tz, now: Date.now() });
}

/** One message; `inThread` when drawn in the thread panel (no "N replies" line, no "Reply in thread"). */
function renderMessage(channel, m, ctx, inThread = false) {
  const author = authorOf(m.author);
  const isApp = m.author === state.app.botUserId;
  const initial = escapeHtml((author.realName || author.name || '?').slice(0, 1).toUpperCase());
  const badge = isApp ? '<span class="app-badge">APP</span>' : '';
  const body =
    Array.isArray(m.blocks) && m.blocks.length > 0 ? renderBlocks(m.blocks, ctx) : renderMrkdwn(m.text, ctx);
  const ephemeral = m.ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '';
  const dismiss = m.ephemeral
    ? '<button type="button" class="link-button" data-dismiss="1">Dismiss message</button>'
    : '';
  const thread = inThread ? '' : threadSummary(m.thread, { authorOf, timeOf });
  const replyButton =
    inThread || m.ephemeral
      ? ''
      : '<button type="button" class="menu-button" aria-label="Reply in thread" title="Reply in thread" data-reply-in-thread="1">💬</button>';
  const isOpen = !inThread && threadPanel.isOpen(channel, m.ts);
  const unfurls = (m.unfurls ?? [])
    .map(
      (u) =>
        `<div class="unfurl" data-surface="unfurl" data-channel="${escapeHtml(channel)}" data-ts="${escapeHtml(m.ts)}" data-url="${escapeHtml(u.url)}"><div class="unfurl-from">${escapeHtml(state.app.name)}</div>${renderBlocks(u.blocks, ctx)}</div>`,
    )
    .join('');
  const reactions = (m.reactions ?? []).length
    ? `<div class="reactions">${m.reactions.map((r) => `<span class="reaction" title=":${escapeHtml(r)}:">${r === 'white_check_mark' ? '✅' : `:${escapeHtml(r)}:`} 1</span>`).join('')}</div>`
    : '';
  const more =
    state.shortcuts.length > 0
      ? '<button type="button" class="menu-button" aria-label="More actions" data-menu="1">⋮</button>'
      : '';
  const menu = replyButton || more ? `<div class="message-menu">${replyButton}${more}</div>` : '';
  return `<article class="message${m.ephemeral ? ' ephemeral' : ''}${isApp ? ' from-app' : ''}${isOpen ? ' thread-open' : ''}" data-surface="message" data-channel="${escapeHtml(channel)}" data-ts="${escapeHtml(m.ts)}">
    <div class="avatar${isApp ? ' avatar-app' : ''}" aria-hidden="true">${initial}</div>
    <div class="message-body">
      <div class="message-meta"><span class="author">${escapeHtml(author.realName || author.name)}</span>${badge}<span class="time">${escapeHtml(timeOf(m.ts))}</span>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>
      ${ephemeral}
      <div class="message-content">${body}</div>
      ${unfurls}
      ${reactions}
      ${thread}
      ${dismiss}
    </div>
    ${menu}
  </article>`;
}

function renderMessages(ctx) {
  const list = $('messages');
  const channel = currentChannel();
  const showMessages = channel !== undefined;
  list.hidden = !showMessages;
  if (!showMessages) return;
  const messages = channelLevel(state.messages[channel] ?? []);
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  const empty =
    messages.length === 0
      ? `<div class="empty">No messages in ${current.kind === 'channel' ? `#${escapeHtml(channelName(channel))}` : 'this conversation'} yet.</div>`
      : '';
  const html = empty + messages.map((m) => renderMessage(channel, m, ctx)).join('');
  if (list.dataset.rendered !== html) {
    list.innerHTML = html;
    list.dataset.rendered = html;
    if (nearBottom || list.dataset.channel !== channel) list.scrollTop = list.scrollHeight;
    list.dataset.channel = channel;
  }
}

function renderHome(ctx) {
  const home = $('home');
  const visible = current.kind === 'app' && current.tab === 'home';
  home.hidden = !visible;
  if (!visible) return;
  const html = state.home
    ? `<div class="home-view" data-surface="home">${renderBlocks(state.home.blocks, ctx)}</div>`
    : '<div class="empty">Opening App Home…</div>';
  if (html !== shownHome) {
    home.innerHTML = html;
    shownHome = html;
  }
}

function renderComposer() {
  const channel = currentChannel();
  $('composer').hidden = channel === undefined;
  const input = $('composer-input');
  input.placeholder =
    current.kind === 'channel'
      ? `Message #${channelName(current.id)} — try /case open equinix`
      : `Message ${state.app.name} — try /case help`;
  const digest = $('digest-now');
  const digestChannel = current.kind === 'channel' ? current.id : undefined;
  digest.disabled = digestChannel === undefined;
  digest.textContent = digestChannel
    ? `Post digest now in #${channelName(digestChannel)}`
    : 'Post digest now (open a channel)';
}

function renderModal(ctx) {
  const root = $('modal-root');
  const modal = state.modal;
  if (!modal) {
    root.innerHTML = '';
    shownModal = { id: undefined, hash: undefined };
    return;
  }
  if (modal.id !== shownModal.id || modal.hash !== shownModal.hash) {
    const submit = modal.submit
      ? `<button type="submit" class="btn btn-primary" data-modal-submit="1">${renderPlain(modal.submit)}</button>`
      : '';
    const close = `<button type="button" class="btn" data-modal-close="1">${modal.close ? renderPlain(modal.close) : 'Close'}</button>`;
    const back = modal.depth > 1 ? '<span class="modal-depth">‹ </span>' : '';
    root.innerHTML = `<div class="modal-backdrop">
      <form class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title" data-surface="view" data-view-id="${escapeHtml(modal.id)}" novalidate>
        <header class="modal-header"><h2 id="modal-title">${back}${renderPlain(modal.title)}</h2><button type="button" class="modal-x" aria-label="Close window" data-modal-x="1">×</button></header>
        <div class="modal-body">${renderModalBlocks(modal.blocks, peopleContext(ctx), modal.errors)}</div>
        <footer class="modal-footer">${close}${submit}</footer>
      </form>
    </div>`;
    shownModal = { id: modal.id, hash: modal.hash };
    root.querySelector('input, textarea, select')?.focus();
    return;
  }
  // Same view: keep what the person typed, refresh only the field errors.
  for (const block of root.querySelectorAll('[data-input-block]')) {
    const error = modal.errors[block.dataset.inputBlock] ?? '';
    block.classList.toggle('has-error', error !== '');
    block.querySelector('.field-error').innerHTML = error ? renderMrkdwn(error, ctx) : '';
  }
}

function renderSimulators() {
  const statusClass = (status) =>
    `status status-${String(status)
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')}`;
  const auto = $('auto-advance');
  auto.checked = state.autoAdvance.on;
  auto.setAttribute('aria-checked', String(state.autoAdvance.on));
  $('auto-advance-description').textContent = state.autoAdvance.description;
  $('age-description').textContent = state.age.description;
  // Aging needs a case caseops knows; a sandbox entry that only opens a new case has no clock to move.
  const ageButtons = (sim, c) =>
    c.fill.includes(' show ')
      ? state.age.steps
          .map(
            (step) =>
              `<button type="button" class="btn btn-small" title="Age this case by ${escapeHtml(step.label.slice(1))}" data-age-vendor="${escapeHtml(sim.vendor)}" data-age-id="${escapeHtml(c.id)}" data-age-by="${escapeHtml(step.by)}">${escapeHtml(step.label)}</button>`,
          )
          .join('')
      : '';
  const advanceButton = (sim, c) => {
    if (advancing.has(`${sim.vendor}:${c.id}`)) {
      return '<button type="button" class="btn btn-small" disabled>Polling…</button>';
    }
    if (c.cannotAdvance) {
      const reasonId = `why-${sim.vendor}-${c.id}`.replace(/[^A-Za-z0-9_-]/g, '-');
      return `<button type="button" class="btn btn-small" disabled aria-describedby="${escapeHtml(reasonId)}" title="${escapeHtml(c.cannotAdvance)}">Advance</button>`;
    }
    return `<button type="button" class="btn btn-small" data-advance-vendor="${escapeHtml(sim.vendor)}" data-advance-id="${escapeHtml(c.id)}">Advance</button>`;
  };
  const reason = (sim, c) => {
    if (!c.cannotAdvance) return '';
    const reasonId = `why-${sim.vendor}-${c.id}`.replace(/[^A-Za-z0-9_-]/g, '-');
    return `<p class="sim-case-reason" id="${escapeHtml(reasonId)}">${escapeHtml(c.cannotAdvance)}</p>`;
  };
  const actForm = (sim, c, kind, control, button) =>
    `<form class="sim-act" data-act-vendor="${escapeHtml(sim.vendor)}" data-act-id="${escapeHtml(c.id)}" data-act-kind="${kind}">
      ${control}<button type="submit" class="btn btn-small">${button}</button>
    </form>`;
  const vendorActs = (sim, c) => {
    const acts = sim.acts;
    if (!acts || !c.fill.includes(' show ')) return '';
    const label = (what) => `aria-label="${escapeHtml(`${what} (${sim.name} case ${c.id})`)}"`;
    const forms = [];
    if (acts.note) {
      forms.push(
        actForm(
          sim,
          c,
          'note',
          `<input name="value" required ${label('Note from the vendor')} placeholder="A note from ${escapeHtml(sim.name)}">`,
          'Add note',
        ),
      );
    }
    if (acts.owner) {
      forms.push(
        actForm(
          sim,
          c,
          'owner',
          `<input name="value" required ${label('New owner')} placeholder="New owner">`,
          'Set owner',
        ),
      );
    }
    if (acts.severities.length > 0) {
      const options = acts.severities
        .map((s) => `<option value="${escapeHtml(s.value)}">${escapeHtml(s.label)}</option>`)
        .join('');
      forms.push(
        actForm(
          sim,
          c,
          'severity',
          `<select name="value" ${label('New severity')}>${options}</select>`,
          'Set severity',
        ),
      );
    }
    const key = `${sim.vendor}:${c.id}`;
    return `<details class="sim-acts" data-acts-key="${escapeHtml(key)}"${openActs.has(key) ? ' open' : ''}>
      <summary>Make ${escapeHtml(sim.name)} act</summary>${forms.join('')}
    </details>`;
  };
  // What the person typed in an act form survives the panel being drawn again.
  const typed = new Map(
    [...document.querySelectorAll('#simulator-list form.sim-act')].map((form) => [
      `${form.dataset.actVendor}:${form.dataset.actId}:${form.dataset.actKind}`,
      form.elements.value.value,
    ]),
  );
  $('simulator-list').innerHTML = state.simulators
    .map(
      (sim) => `<section class="vendor" data-vendor="${escapeHtml(sim.vendor)}">
        <h3>${escapeHtml(sim.name)}</h3>
        ${
          sim.cases.length === 0
            ? '<p class="panel-hint">No cases yet.</p>'
            : `<ul class="case-list">${sim.cases
                .map(
                  (c) => `<li class="sim-case" data-case-id="${escapeHtml(c.id)}">
                    <div class="sim-case-row">
                      <div class="sim-case-main">
                        <button type="button" class="case-id" title="Type ${escapeHtml(c.fill)}" data-fill="${escapeHtml(c.fill)}">${escapeHtml(c.id)}</button>
                        <span class="${statusClass(c.status)}">${escapeHtml(c.status)}</span>
                        <div class="sim-case-title">${escapeHtml(c.title)}</div>
                      </div>
                      ${ageButtons(sim, c)}
                      ${advanceButton(sim, c)}
                    </div>
                    ${reason(sim, c)}
                    ${vendorActs(sim, c)}
                  </li>`,
                )
                .join('')}</ul>`
        }
      </section>`,
    )
    .join('');
  for (const form of document.querySelectorAll('#simulator-list form.sim-act')) {
    const value = typed.get(`${form.dataset.actVendor}:${form.dataset.actId}:${form.dataset.actKind}`);
    if (value) form.elements.value.value = value;
  }
}

// ---- what the person does ------------------------------------------------------------------------------------

function blocksOf(surfaceEl) {
  if (surfaceEl.dataset.surface === 'unfurl') {
    const list = state.messages[surfaceEl.dataset.channel] ?? [];
    const message = list.find((m) => m.ts === surfaceEl.dataset.ts);
    return message?.unfurls?.find((u) => u.url === surfaceEl.dataset.url)?.blocks ?? [];
  }
  if (surfaceEl.dataset.surface === 'message') {
    const list = state.messages[surfaceEl.dataset.channel] ?? [];
    return list.find((m) => m.ts === surfaceEl.dataset.ts)?.blocks ?? [];
  }
  if (surfaceEl.dataset.surface === 'view') return state.modal?.blocks ?? [];
  return state.home?.blocks ?? [];
}

function surfaceOf(surfaceEl) {
  if (surfaceEl.dataset.surface === 'unfurl') {
    const { channel, ts, url } = surfaceEl.dataset;
    return { type: 'unfurl', channel, ts, url };
  }
  if (surfaceEl.dataset.surface === 'message') {
    return { type: 'message', channel: surfaceEl.dataset.channel, ts: surfaceEl.dataset.ts };
  }
  if (surfaceEl.dataset.surface === 'view') return { type: 'view', viewId: surfaceEl.dataset.viewId };
  return { type: 'home' };
}

function elementPath(el) {
  const raw = el.dataset.element;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function elementDefinition(surfaceEl, blockIndex, path) {
  const block = blocksOf(surfaceEl)[blockIndex] ?? {};
  if (path === 'accessory') return block.accessory;
  if (path === 'input') return block.element;
  return block.elements?.[path];
}

/** Slack's confirmation dialog for elements that carry `confirm`. */
function confirmFirst(confirm) {
  if (!confirm) return Promise.resolve(true);
  const ctx = renderContext();
  return new Promise((resolve) => {
    const root = $('confirm-root');
    const style = confirm.style === 'danger' ? ' btn-danger-solid' : ' btn-primary';
    root.innerHTML = `<div class="modal-backdrop confirm-backdrop"><div class="modal confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
      <header class="modal-header"><h2 id="confirm-title">${renderPlain(confirm.title)}</h2></header>
      <div class="modal-body">${renderText(confirm.text, ctx)}</div>
      <footer class="modal-footer"><button type="button" class="btn" data-confirm="no">${renderPlain(confirm.deny) || 'Cancel'}</button><button type="button" class="btn${style}" data-confirm="yes">${renderPlain(confirm.confirm) || 'Yes'}</button></footer>
    </div></div>`;
    root.querySelector('[data-confirm="yes"]').focus();
    root.onclick = (event) => {
      const answer = event.target.closest('[data-confirm]')?.dataset.confirm;
      if (!answer) return;
      root.innerHTML = '';
      root.onclick = null;
      resolve(answer === 'yes');
    };
  });
}

function readControl(el) {
  switch (el.dataset.kind) {
    case 'multi_static_select':
    case 'checkboxes':
    case 'multi_users_select':
      return [...el.querySelectorAll('input:checked')].map((i) => i.value);
    case 'radio_buttons':
      return el.querySelector('input:checked')?.value ?? null;
    case 'datetimepicker':
      return el.value ? Math.floor(new Date(el.value).getTime() / 1000) : null;
    default:
      return el.value === '' ? null : el.value;
  }
}

/** The modal's inputs as block id → action id → value. */
function formValues(form) {
  const values = {};
  for (const el of form.querySelectorAll('[data-kind][data-block-id]')) {
    values[el.dataset.blockId] ??= {};
    values[el.dataset.blockId][el.dataset.actionId] = readControl(el);
  }
  return values;
}

async function press(el, selected) {
  const surfaceEl = el.closest('[data-surface]');
  const blockIndex = Number(el.dataset.block);
  const path = elementPath(el);
  const definition = elementDefinition(surfaceEl, blockIndex, path);
  if (!(await confirmFirst(definition?.confirm))) return;
  const body = { surface: surfaceOf(surfaceEl), blockIndex, element: path };
  if (selected !== undefined) body.selected = selected;
  if (surfaceEl.dataset.surface === 'view') body.values = formValues(surfaceEl);
  await attempt(() => api('action', body));
}

async function submitModal(form) {
  const button = form.querySelector('[data-modal-submit]');
  if (button) button.disabled = true;
  await attempt(async () => {
    const answer = await api('submit', { viewId: form.dataset.viewId, values: formValues(form) });
    if (answer.result === 'errors') {
      form.querySelector('.has-error input, .has-error textarea, .has-error select')?.focus();
    }
  });
  if (button?.isConnected) button.disabled = false;
}

function showChannel(id) {
  current = { kind: 'channel', id };
  threadPanel.keepOnlyIn(id);
  render();
}

function showApp(tab) {
  current = { kind: 'app', tab };
  threadPanel.keepOnlyIn(tab === 'messages' ? state.app.dmChannel : undefined);
  render();
  if (tab === 'home') attempt(() => api('home'));
}

function composerError(text) {
  const el = $('composer-error');
  el.textContent = text ?? '';
  el.hidden = !text;
  $('composer').classList.toggle('has-error', Boolean(text));
}

/** Sends what was typed; it leaves the composer only once sent, so a refusal never loses it. */
async function sendComposer() {
  const input = $('composer-input');
  const text = input.value.trim();
  const channel = currentChannel();
  if (!text || !channel) return;
  hideSuggestions();
  composerError('');
  try {
    await api(text.startsWith('/') ? 'command' : 'message', { channel, text });
    if (input.value.trim() === text) input.value = '';
  } catch (error) {
    composerError(error.message);
    input.focus();
  } finally {
    refresh();
  }
}

function openMessageMenu(button) {
  closeMenus();
  const message = button.closest('[data-surface="message"]');
  const menu = document.createElement('ul');
  menu.className = 'menu';
  menu.setAttribute('role', 'menu');
  menu.innerHTML = state.shortcuts
    .map(
      (s) =>
        `<li><button type="button" role="menuitem" data-shortcut="${escapeHtml(s.callbackId)}">${escapeHtml(s.name)} <span class="menu-app">${escapeHtml(state.app.name)}</span></button></li>`,
    )
    .join('');
  button.parentElement.append(menu);
  menu.addEventListener('click', (event) => {
    const item = event.target.closest('[data-shortcut]');
    if (!item) return;
    closeMenus();
    attempt(() =>
      api('shortcut', {
        channel: message.dataset.channel,
        ts: message.dataset.ts,
        callbackId: item.dataset.shortcut,
      }),
    );
  });
}

function closeMenus() {
  for (const menu of document.querySelectorAll('.menu')) menu.remove();
}

// Examples a newcomer can pick; ids come from the simulators so they work as they are.
function suggestions() {
  const firstCase = (vendor) => state.simulators.find((s) => s.vendor === vendor)?.cases[0]?.id ?? '<id>';
  return [
    ['/case open equinix', 'Open an Equinix case in a form'],
    [`/case show cisco ${firstCase('cisco')}`, 'Look a Cisco case up'],
    [`/case show equinix ${firstCase('equinix')}`, 'Look an Equinix case up'],
    ['/case list cisco contract 123456789', 'The Cisco cases of a contract'],
    ['/case watching', 'The cases this channel watches'],
    ['/case digest', "This channel's digest settings"],
    ['/case help', 'Everything caseops can do'],
  ];
}

function showSuggestions(text) {
  const list = $('suggestions');
  const matches = suggestions().filter(([command]) => command.startsWith(text.trim()) || text.trim() === '/');
  if (!text.startsWith('/') || matches.length === 0) {
    hideSuggestions();
    return;
  }
  list.innerHTML = matches
    .map(
      ([command, what]) =>
        `<li><button type="button" data-fill="${escapeHtml(command)}"><code>${escapeHtml(command)}</code> <span>${escapeHtml(what)}</span></button></li>`,
    )
    .join('');
  list.hidden = false;
}

function hideSuggestions() {
  $('suggestions').hidden = true;
}

function fillComposer(text) {
  if (currentChannel() === undefined) showChannel(state.channels[0].id);
  const input = $('composer-input');
  input.value = text;
  input.focus();
  hideSuggestions();
}

document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (!target.closest('.menu') && !target.closest('[data-menu]')) closeMenus();

  const navChannel = target.closest('[data-nav-channel]');
  if (navChannel) return showChannel(navChannel.dataset.navChannel);
  if (target.closest('[data-nav-app]')) return showApp('home');
  const tab = target.closest('[data-tab]');
  if (tab) return showApp(tab.dataset.tab);

  const fill = target.closest('[data-fill]');
  if (fill) return fillComposer(fill.dataset.fill);

  if (target.closest('[data-menu]')) return openMessageMenu(target.closest('[data-menu]'));

  const threadOpener = target.closest('[data-open-thread], [data-reply-in-thread]');
  if (threadOpener) {
    const message = threadOpener.closest('[data-surface="message"]');
    threadPanel.show(state, message.dataset.channel, message.dataset.ts);
    return render();
  }
  if (target.closest('#close-thread')) {
    threadPanel.close();
    return render();
  }

  const dismiss = target.closest('[data-dismiss]');
  if (dismiss) {
    const message = dismiss.closest('[data-surface="message"]');
    return attempt(() => api('dismiss', { channel: message.dataset.channel, ts: message.dataset.ts }));
  }

  const modalForm = target.closest('form[data-surface="view"]');
  if (modalForm && target.closest('[data-modal-close]')) {
    return attempt(() => api('close', { viewId: modalForm.dataset.viewId, all: false }));
  }
  if (modalForm && target.closest('[data-modal-x]')) {
    return attempt(() => api('close', { viewId: modalForm.dataset.viewId, all: true }));
  }

  const advance = target.closest('[data-advance-id]');
  if (advance) {
    const { advanceVendor: vendor, advanceId: id } = advance.dataset;
    advancing.add(`${vendor}:${id}`);
    renderSimulators();
    return attempt(() => api('simulators/advance', { vendor, id })).finally(() => {
      advancing.delete(`${vendor}:${id}`);
      renderSimulators();
    });
  }
  const age = target.closest('[data-age-id]');
  if (age) {
    const { ageVendor: vendor, ageId: id, ageBy: by } = age.dataset;
    return attempt(() => api('simulators/age', { vendor, id, by }));
  }
  if (target.closest('#digest-now') && current.kind === 'channel') {
    return attempt(() => api('simulators/digest', { channel: current.id }));
  }
  if (target.closest('#toggle-simulators')) return toggleSimulators();
  if (target.closest('#close-simulators')) return toggleSimulators(false);
  if (target.closest('#intro-close')) {
    $('intro').hidden = true;
    remember(INTRO_DISMISSED, 'yes');
    return;
  }

  const element = target.closest('[data-element]');
  if (element && (element.tagName === 'BUTTON' || element.tagName === 'A')) {
    // A URL button opens its link (the browser follows the href) and still tells the app, as Slack does.
    if (element.tagName === 'BUTTON') event.preventDefault();
    press(element);
  }
});

document.addEventListener('change', (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (target.id === 'auto-advance') {
    attempt(() => api('simulators/auto-advance', { on: target.checked }));
    return;
  }
  const dispatching = target.closest('[data-dispatch="change"]');
  if (!dispatching) return;
  if (dispatching.dataset.element === 'input') {
    const control = target.closest('[data-kind]');
    press(dispatching, control ? readControl(control) : undefined);
  } else {
    press(dispatching, target.value === '' ? null : target.value);
  }
});

document.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === 'composer') sendComposer();
  else if (form.id === 'thread-composer') threadPanel.send();
  else if (form.dataset.surface === 'view') submitModal(form);
  else if (form.classList.contains('sim-act')) sendVendorAct(form);
});

/** The vendor acts on a simulated case; the server polls at once, so watched cards update. */
function sendVendorAct(form) {
  const { actVendor: vendor, actId: id, actKind: kind } = form.dataset;
  const value = form.elements.value.value;
  const button = form.querySelector('button');
  button.disabled = true;
  button.textContent = 'Polling…';
  return attempt(async () => {
    await api('simulators/act', { vendor, id, kind, value });
    if (kind !== 'severity') form.elements.value.value = '';
  });
}

document.addEventListener(
  'toggle',
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.dataset.actsKey) return;
    if (details.open) openActs.add(details.dataset.actsKey);
    else openActs.delete(details.dataset.actsKey);
  },
  true,
);

$('composer-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    sendComposer();
  } else if (event.key === 'Escape') {
    hideSuggestions();
  }
});
$('composer-input').addEventListener('input', (event) => showSuggestions(event.target.value));
$('thread-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    threadPanel.send();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !state || $('confirm-root').innerHTML !== '') return;
  if (state.modal) {
    attempt(() => api('close', { viewId: state.modal.id, all: true }));
  } else if (!$('thread').hidden) {
    // Without a modal, Escape closes the thread, as in Slack.
    threadPanel.close();
    render();
  }
});

// ---- layout and what the page remembers ----------------------------------------------------------------

const INTRO_DISMISSED = 'caseops.playground.introDismissed';

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage refused (private mode): the choice lasts until the page reloads.
  }
}

function recalled(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Narrow windows show the simulators panel over the page, closed until asked for. */
const narrow = window.matchMedia('(max-width: 1100px)');

function simulatorsShown() {
  return narrow.matches
    ? document.body.classList.contains('simulators-open')
    : !document.body.classList.contains('simulators-hidden');
}

function toggleSimulators(show = !simulatorsShown()) {
  if (narrow.matches) document.body.classList.toggle('simulators-open', show);
  else document.body.classList.toggle('simulators-hidden', !show);
  $('toggle-simulators').setAttribute('aria-expanded', String(simulatorsShown()));
}

narrow.addEventListener('change', () => {
  document.body.classList.remove('simulators-open');
  $('toggle-simulators').setAttribute('aria-expanded', String(simulatorsShown()));
});
$('toggle-simulators').setAttribute('aria-expanded', String(simulatorsShown()));
$('intro').hidden = recalled(INTRO_DISMISSED) === 'yes';

const stream = new EventSource('/playground/events');
stream.addEventListener('change', () => refresh());
stream.addEventListener('open', () => refresh());
refresh();
