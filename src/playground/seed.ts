/**
 * The playground's small workspace: the person at the keyboard, a teammate, three channels and a message
 * to try the message shortcut on. Ids follow Slack's shapes (U…, C…) so the app treats them as real ones.
 */
import type { Sandbox } from '../vendors/sandbox.js';
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

/**
 * Cases the playground adds to the sandbox's own, so that the ids `/case help` uses as examples exist here:
 * the Juniper case `/case watch jnpr …` names, and Cisco cases on the contracts `/case list cisco contract …`
 * names. (The help's Equinix example, 11150929, is the sandbox's first Equinix case.) The sandbox's Juniper
 * incidents are Service Now incidents nobody has submitted yet: what a person opens a Juniper case for.
 */
export const PLAYGROUND_JUNIPER_CASES = [
  {
    customerTrackingNumber: 'CO-20260101-1A2B3C4D',
    status: 'Created',
    priority: '2 - High',
    hostName: 'mx480-edge-01',
    product: 'MX480',
    deviceGroupName: 'Edge routers',
    defectType: 'FPC offline',
  },
  {
    customerTrackingNumber: 'CO-20260214-5E6F7A8B',
    status: 'Submitted',
    priority: '3 - Medium',
    hostName: 'qfx5120-leaf-04',
    product: 'QFX5120-48Y',
    deviceGroupName: 'Data centre fabric',
    defectType: 'Interface flapping',
  },
] as const;

/** Opened within the help example's dates (from 2026-01-01 to 2026-03-31), so it lists them in any year. */
export const PLAYGROUND_CISCO_CONTRACT_CASES = [
  { contractId: '123456789', createdFrom: '2026-01-12T08:30:00Z' },
  { contractId: '987654321', createdFrom: '2026-02-03T14:10:00Z' },
] as const;

export function seedPlaygroundCases(sandbox: Sandbox): void {
  for (const seeded of PLAYGROUND_JUNIPER_CASES) sandbox.simulators.juniper.seed({ ...seeded });
  for (const seeded of PLAYGROUND_CISCO_CONTRACT_CASES) sandbox.simulators.cisco.seedMany(1, seeded);
}
