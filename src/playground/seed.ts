import type { FakeChannel, FakeUser } from './fake-slack-api.js';

export const PLAYGROUND_TEAM = { id: 'T0PLAYGRND', domain: 'caseops-playground', name: 'caseops playground' };
export const PLAYGROUND_APP_ID = 'A0CASEOPS';
export const PLAYGROUND_BOT = { userId: 'U0CASEOPSBOT', botId: 'B0CASEOPS', name: 'caseops' };

/** Who is using the page. */
export const PLAYGROUND_ME: FakeUser = {
  id: 'U0ALEX',
  name: 'alex',
  realName: 'Alex Rivera',
  firstName: 'Alex',
  lastName: 'Rivera',
  email: 'alex.rivera@example.com',
  tz: 'Europe/Amsterdam',
};

export const PLAYGROUND_TEAMMATE: FakeUser = {
  id: 'U0SAM',
  name: 'sam',
  realName: 'Sam Okafor',
  firstName: 'Sam',
  lastName: 'Okafor',
  email: 'sam.okafor@example.com',
  tz: 'America/New_York',
};

const everyone = [PLAYGROUND_ME.id, PLAYGROUND_TEAMMATE.id, PLAYGROUND_BOT.userId];

export const PLAYGROUND_CHANNELS: FakeChannel[] = [
  { id: 'C0NOC', name: 'noc', members: everyone },
  { id: 'C0DATACENTER', name: 'datacenter', members: everyone },
  { id: 'C0NETONCALL', name: 'network-oncall', members: everyone },
];

/** Messages the channels start with, so the message shortcut has something to work on. */
export const PLAYGROUND_SEED_MESSAGES: ReadonlyArray<{ channel: string; user: string; text: string }> = [
  {
    channel: 'C0NOC',
    user: PLAYGROUND_TEAMMATE.id,
    text: 'BGP to the Equinix IX in SV5 is flapping since 09:12 UTC; port 0207/12 shows CRC errors. Can someone open a case? (Try "Open vendor case" in this message\'s menu.)',
  },
  {
    channel: 'C0DATACENTER',
    user: PLAYGROUND_TEAMMATE.id,
    text: 'Smart Hands are booked for the optic reseat in rack 0207 tomorrow morning.',
  },
];
