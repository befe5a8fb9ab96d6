/**
 * The Slack side of "who is in which channel": users.conversations answers cached for a minute and shared by
 * concurrent asks, and a channel's privacy from conversations.info (one Slack will not show is private).
 */
import { describe, expect, it } from 'vitest';
import { SlackChannelMembership } from '../../src/slack/channel-membership.js';

function fakeSlack(channelsByUser: Record<string, string[]>, privacy: Record<string, boolean | undefined>) {
  const calls = { channelsOf: 0, channelIsPrivate: 0 };
  return {
    calls,
    channelsByUser,
    slack: {
      async channelsOf(userId: string) {
        calls.channelsOf += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return new Set(channelsByUser[userId] ?? []);
      },
      async channelIsPrivate(channelId: string) {
        calls.channelIsPrivate += 1;
        return privacy[channelId];
      },
    },
  };
}

describe('SlackChannelMembership', () => {
  it('asks Slack once a minute per person, concurrent asks sharing one call', async () => {
    let now = 0;
    const fake = fakeSlack({ U1: ['C1', 'G1'] }, {});
    const membership = new SlackChannelMembership(fake.slack, { now: () => now });
    const answers = await Promise.all([
      membership.isMember('U1', 'G1'),
      membership.isMember('U1', 'C2'),
      membership.channelsOf('U1'),
    ]);
    expect(answers.slice(0, 2)).toEqual([true, false]);
    expect(fake.calls.channelsOf).toBe(1);

    fake.channelsByUser.U1 = ['C1'];
    now = 59_000;
    expect(await membership.isMember('U1', 'G1')).toBe(true);
    expect(fake.calls.channelsOf).toBe(1);
    now = 61_000;
    expect(await membership.isMember('U1', 'G1')).toBe(false);
    expect(fake.calls.channelsOf).toBe(2);
  });

  it('reads privacy once; a DM is no channel and a channel Slack will not show is private', async () => {
    const fake = fakeSlack({}, { C1: false, G1: true, C9: undefined });
    const membership = new SlackChannelMembership(fake.slack);
    expect(await membership.kindOf('C1')).toBe('public');
    expect(await membership.kindOf('C1')).toBe('public');
    expect(await membership.kindOf('G1')).toBe('private');
    expect(await membership.kindOf('C9')).toBe('private');
    expect(await membership.kindOf('DALICE01')).toBe('not-a-channel');
    expect(fake.calls.channelIsPrivate).toBe(3);
  });
});
