/**
 * The bot scopes caseops uses, each with the reason, in one place; both manifests in manifests/ must list
 * exactly these (test/manifests.test.ts checks it).
 */
export const BOT_SCOPES = {
  commands: 'the /case command and the "Open vendor case" message shortcut',
  'chat:write': 'case cards, digests and answers (chat.postMessage, chat.postEphemeral, chat.update)',
  'chat:write.public': 'posting a case card in a public channel caseops was not invited to',
  'users:read': 'users.info (names for Equinix contacts) and users.conversations (App Home)',
  'users:read.email': "the caller's e-mail as the default requester and notification contact",
  'channels:read':
    'the public channels a person is in (users.conversations) and whether a channel is private (conversations.info): App Home and who may see a case',
  'groups:read':
    'the private channels a person is in (users.conversations), for App Home and for who may see a case living in one',
  'usergroups:read': 'usergroups.users.list: members of the user groups the policy file names',
  'channels:history':
    "conversations.history and conversations.replies in public channels: finding caseops' own digest and nudge messages after a crash, so none is posted twice",
  'groups:history':
    "conversations.history and conversations.replies in private channels: finding caseops' own digest and nudge messages after a crash, so none is posted twice",
} as const;

export type BotScope = keyof typeof BOT_SCOPES;

/** Events caseops subscribes to. */
export const BOT_EVENTS = ['app_home_opened'] as const;
