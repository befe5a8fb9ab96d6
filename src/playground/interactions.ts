/**
 * What the person does on messages, modals and App Home, sent to the app as Slack sends it: block actions
 * (buttons, selects), view submissions and closes, the message shortcut, app_home_opened.
 *
 * A view_submission ack can change the modal without any API call (`response_action`): those changes are
 * applied to the fake's views here, as Slack applies them.
 */
import { OPEN_VENDOR_CASE_SHORTCUT } from '../slack/listeners/shortcuts/open-vendor-case.js';
import { SEND_AS_NOTE_SHORTCUT } from '../slack/listeners/shortcuts/send-as-note.js';
import { AppUnreachableError } from './app-requests.js';
import { PLAYGROUND_APP_ID, PLAYGROUND_BOT, PLAYGROUND_TEAM } from './seed.js';
import {
  actionFor,
  actionIdOf,
  asArray,
  asRecord,
  blockIdOf,
  PayloadError,
  type RawFormValues,
  stateValues,
  viewInPayload,
} from './slack-payloads.js';
import { messageInPayload } from './threads.js';
import { me, PlaygroundInputError, teamPayload, userPayload, type WorkspaceCore } from './workspace-core.js';

type Json = Record<string, unknown>;

/** Shortcuts the app declares (its manifest), shown in each message's menu. */
export const PLAYGROUND_SHORTCUTS = [
  { callbackId: OPEN_VENDOR_CASE_SHORTCUT, name: 'Open vendor case', type: 'message' as const },
  { callbackId: SEND_AS_NOTE_SHORTCUT, name: 'Send to vendor as note', type: 'message' as const },
];

export type Surface =
  | { type: 'message'; channel: string; ts: string }
  /** The app's unfurl of link `url` in a message. */
  | { type: 'unfurl'; channel: string; ts: string; url: string }
  | { type: 'view'; viewId: string }
  | { type: 'home' };

export interface Press {
  surface: Surface;
  blockIndex: number;
  /** An element of an actions block, a section's accessory, or an input's element (dispatch_action). */
  element: number | 'accessory' | 'input';
  /** For selects and pickers: the chosen option value(s), date, time, ids… */
  selected?: unknown;
  /** A modal's current input values (Slack sends them with every action in a view). */
  values?: RawFormValues;
}

export type SubmitResult =
  | { result: 'errors'; errors: Record<string, string> }
  | { result: 'closed' | 'updated' | 'pushed' | 'cleared' };

/** A button pressed or a select changed, on a message, a modal or App Home. */
export async function press(core: WorkspaceCore, press: Press): Promise<void> {
  let blocks: unknown[];
  const payload: Json = {
    type: 'block_actions',
    user: userPayload(),
    api_app_id: PLAYGROUND_APP_ID,
    token: 'playground',
    team: teamPayload(),
    enterprise: null,
    is_enterprise_install: false,
    trigger_id: core.fake.issueTriggerId(me.id),
  };
  let failureChannel: string | undefined;
  const surface = press.surface;
  if (surface.type === 'message') {
    const message = core.messageAt(surface.channel, surface.ts);
    blocks = message.blocks ?? [];
    const ephemeral = message.visibleTo !== undefined;
    failureChannel = surface.channel;
    Object.assign(payload, {
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: ephemeral,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      channel: { id: message.channel, name: core.channelName(message.channel) },
      // Slack leaves the message out for ephemeral ones: the app never sees their content again.
      ...(ephemeral ? {} : { message: messageInPayload(core, message) }),
      state: { values: {} },
      response_url: core.fake.issueResponseUrl({
        channel: message.channel,
        messageTs: message.ts,
        userId: me.id,
      }),
    });
  } else if (surface.type === 'unfurl') {
    const message = core.messageAt(surface.channel, surface.ts);
    const unfurl = asRecord(asRecord(message.unfurls)[surface.url]);
    blocks = asArray(unfurl.blocks);
    failureChannel = surface.channel;
    // An unfurl's buttons come from an attachment on someone else's message: the app cannot replace it.
    Object.assign(payload, {
      container: {
        type: 'message_attachment',
        message_ts: message.ts,
        channel_id: message.channel,
        is_app_unfurl: true,
        app_unfurl_url: surface.url,
      },
      channel: { id: message.channel, name: core.channelName(message.channel) },
      state: { values: {} },
      response_url: core.fake.issueResponseUrl({ channel: message.channel, userId: me.id }),
    });
  } else if (surface.type === 'view') {
    const view = core.openView(surface.viewId);
    blocks = asArray(view.view.blocks);
    Object.assign(payload, {
      container: { type: 'view', view_id: view.id },
      view: viewInPayload(view, stateValues(view.view, press.values ?? {})),
    });
  } else {
    const home = core.fake.homes.get(me.id);
    if (!home) throw new PlaygroundInputError('App Home has not been published');
    blocks = asArray(home.blocks);
    const homeId = `VHOME${me.id}`;
    Object.assign(payload, {
      container: { type: 'view', view_id: homeId },
      view: {
        ...home,
        id: homeId,
        team_id: PLAYGROUND_TEAM.id,
        state: { values: {} },
        app_id: PLAYGROUND_APP_ID,
      },
    });
  }
  const block = asRecord(blocks[press.blockIndex]);
  if (!block.type) throw new PlaygroundInputError('that block is gone');
  const element =
    press.element === 'accessory'
      ? asRecord(block.accessory)
      : press.element === 'input'
        ? asRecord(block.element)
        : asRecord(asArray(block.elements)[press.element]);
  if (!element.type) throw new PlaygroundInputError('that element is gone');
  let action: Json;
  try {
    action = actionFor(
      element,
      blockIdOf(block, press.blockIndex),
      actionIdOf(
        element,
        typeof press.element === 'number' ? press.element : press.element === 'input' ? 0 : 'accessory',
      ),
      press.selected,
    );
  } catch (error) {
    if (error instanceof PayloadError) throw new PlaygroundInputError(error.message);
    throw error;
  }
  payload.actions = [action];
  let failed: string | undefined;
  await core.send(
    () => core.requests.interaction(payload),
    (error) => {
      failed = error;
      if (failureChannel)
        core.slackbotSays(failureChannel, `The app did not answer that button ("${error}").`);
    },
  );
  if (failed && !failureChannel)
    throw new AppUnreachableError(`the app did not answer (${failed})`, 'dispatch_failed');
}

/** The modal's Submit. */
export async function submit(
  core: WorkspaceCore,
  viewId: string,
  values: RawFormValues,
): Promise<SubmitResult> {
  const view = core.openView(viewId);
  if (view.view.submit === undefined) throw new PlaygroundInputError('this window has nothing to submit');
  let state: ReturnType<typeof stateValues>;
  try {
    state = stateValues(view.view, values);
  } catch (error) {
    if (error instanceof PayloadError) throw new PlaygroundInputError(error.message);
    throw error;
  }
  const hashAtSubmit = view.hash;
  core.viewErrors.delete(viewId);
  const answer = await core.requests.interaction({
    type: 'view_submission',
    team: teamPayload(),
    user: userPayload(),
    api_app_id: PLAYGROUND_APP_ID,
    token: 'playground',
    trigger_id: core.fake.issueTriggerId(me.id),
    view: viewInPayload(view, state),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
  if (answer.status !== 200) {
    throw new AppUnreachableError(`the app answered HTTP ${answer.status}`, 'dispatch_failed');
  }
  const ack = asRecord(answer.body);
  switch (ack.response_action) {
    case 'errors': {
      const errors = Object.fromEntries(
        Object.entries(asRecord(ack.errors)).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      core.viewErrors.set(viewId, { hash: view.hash, errors });
      core.changed();
      return { result: 'errors', errors };
    }
    case 'update':
      // The app may already have moved the view on (views.update) after acking: that one wins.
      if (view.hash === hashAtSubmit && !view.closed) core.fake.replaceView(viewId, asRecord(ack.view));
      return { result: 'updated' };
    case 'push':
      core.fake.pushViewOnto(viewId, asRecord(ack.view));
      return { result: 'pushed' };
    case 'clear':
      core.fake.closeStack(viewId);
      return { result: 'cleared' };
    default:
      core.fake.closeView(viewId);
      return { result: 'closed' };
  }
}

/** The person closes the modal: `all` for the window's ×, otherwise its Close/Cancel button (one view). */
export async function closeView(core: WorkspaceCore, viewId: string, all: boolean): Promise<void> {
  const view = core.openView(viewId);
  if (all) core.fake.closeStack(viewId);
  else core.fake.closeView(viewId);
  if (view.view.notify_on_close === true) {
    await core.send(
      () =>
        core.requests.interaction({
          type: 'view_closed',
          team: teamPayload(),
          user: userPayload(),
          api_app_id: PLAYGROUND_APP_ID,
          token: 'playground',
          view: viewInPayload(view, {}),
          is_cleared: all,
          is_enterprise_install: false,
          enterprise: null,
        }),
      () => undefined,
    );
  }
}

/** A message shortcut from a message's menu, in the channel or in a thread. */
export async function runShortcut(
  core: WorkspaceCore,
  channel: string,
  ts: string,
  callbackId: string,
): Promise<void> {
  const shortcut = PLAYGROUND_SHORTCUTS.find((s) => s.callbackId === callbackId);
  if (!shortcut) throw new PlaygroundInputError(`the app has no shortcut ${callbackId}`);
  const message = core.messageAt(channel, ts);
  await core.send(
    () =>
      core.requests.interaction({
        type: 'message_action',
        token: 'playground',
        action_ts: (Date.now() / 1000).toFixed(6),
        team: teamPayload(),
        user: userPayload(),
        channel: { id: channel, name: core.channelName(channel) },
        is_enterprise_install: false,
        enterprise: null,
        callback_id: shortcut.callbackId,
        trigger_id: core.fake.issueTriggerId(me.id),
        response_url: core.fake.issueResponseUrl({ channel, userId: me.id }),
        message_ts: message.ts,
        // A reply carries its thread's root as thread_ts: the app finds the case card it answers.
        message: messageInPayload(core, message),
      }),
    (error) => core.slackbotSays(channel, `The shortcut failed with the error "${error}".`),
  );
}

/** The person opens the app's Home tab: Slack sends app_home_opened each time. */
export async function openHome(core: WorkspaceCore): Promise<void> {
  core.eventCounter += 1;
  const now = Date.now() / 1000;
  const answer = await core.requests.event({
    token: 'playground',
    team_id: PLAYGROUND_TEAM.id,
    api_app_id: PLAYGROUND_APP_ID,
    type: 'event_callback',
    event_id: `Ev0PLAY${Date.now().toString(36).toUpperCase()}${core.eventCounter}`,
    event_time: Math.floor(now),
    event: {
      type: 'app_home_opened',
      user: me.id,
      channel: core.dmChannel,
      tab: 'home',
      event_ts: now.toFixed(6),
    },
    authorizations: [{ team_id: PLAYGROUND_TEAM.id, user_id: PLAYGROUND_BOT.userId, is_bot: true }],
  });
  if (answer.status !== 200)
    throw new AppUnreachableError(`the app answered HTTP ${answer.status}`, 'dispatch_failed');
}

/** Hides an ephemeral message, as Slack's "Dismiss" does. */
export function dismiss(core: WorkspaceCore, channel: string, ts: string): void {
  const message = core.messageAt(channel, ts);
  if (message.visibleTo === undefined)
    throw new PlaygroundInputError('only ephemeral messages can be dismissed');
  core.dismissed.add(`${channel}:${ts}`);
  core.changed();
}
