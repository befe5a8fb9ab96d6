/**
 * The bot scopes caseops uses, each with the reason, in one place; both manifests in manifests/ must list
 * exactly these (test/manifests.test.ts checks it).
 */
export const BOT_SCOPES = {
  commands: 'the /case command and the "Open vendor case" and "Send to vendor as note" message shortcuts',
  'chat:write': 'case cards, digests and answers (chat.postMessage, chat.postEphemeral, chat.update)',
  'chat:write.public': 'posting a case card in a public channel caseops was not invited to',
  'users:read':
    'users.info (names for Equinix contacts and for people mentioned in a message sent as a note) and users.conversations (App Home)',
  'users:read.email': "the caller's e-mail as the default requester and notification contact",
  'channels:read':
    'the public channels a person is in (users.conversations) and whether a channel is private (conversations.info): App Home and who may see a case',
  'groups:read':
    'the private channels a person is in (users.conversations), for App Home and for who may see a case living in one',
  'usergroups:read': 'usergroups.users.list: members of the user groups the policy file names',
  'channels:history':
    "conversations.history and conversations.replies in public channels: finding caseops' own digest, nudge, card and note-confirmation messages after a crash or a lost answer, so none is posted twice",
  'groups:history':
    "conversations.history and conversations.replies in private channels: finding caseops' own digest, nudge, card and note-confirmation messages after a crash or a lost answer, so none is posted twice",
  'im:write':
    'conversations.open: the direct-message channel with a person who pressed "Notify me", for the messages about their cases',
  'im:history':
    'conversations.history in caseops\' direct messages with a subscriber: finding a "Notify me" message Slack accepted after a crash or a lost answer, so none is sent twice',
  'links:read': 'the link_shared event: a vendor case link was pasted in a message, to be unfurled',
  'links:write': 'chat.unfurl: the compact case card under a pasted vendor case link',
  'reactions:write': 'reactions.add: the ✅ on a message sent to a vendor as a note',
} as const;

export type BotScope = keyof typeof BOT_SCOPES;

/** Events caseops subscribes to. */
export const BOT_EVENTS = ['app_home_opened', 'link_shared'] as const;
