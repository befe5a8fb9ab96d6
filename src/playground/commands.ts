/**
 * What the person types in a composer: a plain message (posted as theirs, in the channel or a thread), or a
 * slash command, sent to the app as Slack sends one, with the ack body shown the way Slack shows it.
 */
import { CASE_COMMAND } from '../slack/listeners/commands/index.js';
import { PLAYGROUND_APP_ID, PLAYGROUND_BOT, PLAYGROUND_TEAM } from './seed.js';
import { asRecord, encodeTyped } from './slack-payloads.js';
import { threadRootFor } from './threads.js';
import { unfurlDomainOf } from './unfurl-domains.js';
import { me, PlaygroundInputError, type WorkspaceCore } from './workspace-core.js';

/** The longest command text the playground passes on; Slack cuts slash command text off around here too. */
export const COMMAND_MAX_CHARS = 4000;
/** Slack refuses messages longer than this (msg_too_long). */
export const MESSAGE_MAX_CHARS = 40_000;

const count = (n: number) => n.toLocaleString('en-US');

function tooLong(what: string, length: number, max: number): PlaygroundInputError {
  return new PlaygroundInputError(
    `${what} can be at most ${count(max)} characters long; this one has ${count(length)}. Nothing was sent: shorten it and send again.`,
  );
}

const TYPED_LINK = /\bhttps?:\/\/[^\s<>]+[^\s<>.,;:!?)'"]/g;

/**
 * A plain message from the person (the app does not subscribe to messages), in the channel or, with
 * `threadTs`, as a reply in that message's thread. Links are wrapped as Slack wraps them, and Slack's
 * link_shared event goes to the app for those of the app's unfurl domains.
 */
export async function sendMessage(
  core: WorkspaceCore,
  channel: string,
  text: string,
  threadTs?: string,
): Promise<{ ts: string }> {
  core.channelName(channel);
  const root = threadTs === undefined ? undefined : threadRootFor(core, channel, threadTs).ts;
  if (text.trim() === '') throw new PlaygroundInputError('an empty message');
  if (text.length > MESSAGE_MAX_CHARS) throw tooLong('A message', text.length, MESSAGE_MAX_CHARS);
  const links = [...new Set(text.match(TYPED_LINK) ?? [])];
  const encoded = encodeTyped(text).replace(TYPED_LINK, (url) => `<${url}>`);
  const ts = core.fake.addMessage({
    channel,
    user: me.id,
    text: encoded,
    ...(root === undefined ? {} : { threadTs: root }),
  });
  const unfurled = links.flatMap((url) => {
    const domain = unfurlDomainOf(url, core.unfurlDomains);
    return domain === undefined ? [] : [{ url, domain }];
  });
  if (unfurled.length > 0) await shareLinks(core, { channel, ts, threadTs: root }, unfurled);
  return { ts };
}

async function shareLinks(
  core: WorkspaceCore,
  { channel, ts, threadTs }: { channel: string; ts: string; threadTs: string | undefined },
  links: Array<{ url: string; domain: string }>,
): Promise<void> {
  core.eventCounter += 1;
  const now = Date.now() / 1000;
  await core.send(
    () =>
      core.requests.event({
        token: 'playground',
        team_id: PLAYGROUND_TEAM.id,
        api_app_id: PLAYGROUND_APP_ID,
        type: 'event_callback',
        event_id: `Ev0LINK${Date.now().toString(36).toUpperCase()}${core.eventCounter}`,
        event_time: Math.floor(now),
        event: {
          type: 'link_shared',
          channel,
          user: me.id,
          message_ts: ts,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          unfurl_id: `U${ts.replace('.', '')}`,
          source: 'conversations_history',
          event_ts: now.toFixed(6),
          links,
        },
        authorizations: [{ team_id: PLAYGROUND_TEAM.id, user_id: PLAYGROUND_BOT.userId, is_bot: true }],
      }),
    (error) => core.slackbotSays(channel, `Unfurling the links failed with the error "${error}".`),
  );
}

/** `/command text` typed in `channel`. */
export async function runCommand(core: WorkspaceCore, channel: string, typed: string): Promise<void> {
  const channelName = core.channelName(channel);
  const match = /^(\/\S+)\s*([\s\S]*)$/.exec(typed.trim());
  if (!match) throw new PlaygroundInputError('a command starts with /');
  const command = (match[1] as string).toLowerCase();
  const text = (match[2] as string).trim();
  if (text.length > COMMAND_MAX_CHARS) throw tooLong('A command', text.length, COMMAND_MAX_CHARS);
  if (command !== CASE_COMMAND) {
    core.slackbotSays(
      channel,
      `\`${encodeTyped(command)}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
    );
    return;
  }
  const answer = await core.send(
    () =>
      core.requests.command({
        token: 'playground',
        team_id: PLAYGROUND_TEAM.id,
        team_domain: PLAYGROUND_TEAM.domain,
        channel_id: channel,
        channel_name: channelName,
        user_id: me.id,
        user_name: me.name,
        command,
        text: encodeTyped(text),
        api_app_id: PLAYGROUND_APP_ID,
        is_enterprise_install: 'false',
        response_url: core.fake.issueResponseUrl({ channel, userId: me.id }),
        trigger_id: core.fake.issueTriggerId(me.id),
      }),
    (error) => core.slackbotSays(channel, `\`${command}\` failed with the error "${error}"`),
  );
  if (!answer) return;
  // The ack body is Slack's first answer to a command: shown at once, only to the person by default.
  const body = answer.body;
  if (typeof body === 'string') {
    core.fake.addMessage({ channel, text: body, visibleTo: me.id });
  } else if (body && typeof body === 'object') {
    const message = asRecord(body);
    if (typeof message.text === 'string' || Array.isArray(message.blocks)) {
      core.fake.addMessage({
        channel,
        text: typeof message.text === 'string' ? message.text : '',
        ...(Array.isArray(message.blocks) ? { blocks: message.blocks } : {}),
        ...(message.response_type === 'in_channel' ? {} : { visibleTo: me.id }),
      });
    }
  }
}
