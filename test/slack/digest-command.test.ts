/**
 * `/case digest …`: the grammar through the real `/case` parser, and the runs against the real store,
 * scheduler and digest runner (a recording Slack stands in for the Web API).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUseCases, cronSchedules } from '../../src/compose/use-cases.js';
import { InvalidInputError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { SlackMessage } from '../../src/slack/blocks/limits.js';
import type { SlackDeps } from '../../src/slack/deps.js';
import { parseCaseCommand } from '../../src/slack/listeners/commands/parser.js';
import type { CommandInvocation } from '../../src/slack/listeners/commands/types.js';
import { VendorRegistry } from '../../src/vendors/registry.js';
import {
  type CiscoFixture,
  RecordingSlack,
  startCisco,
  startInstance,
  type TestInstance,
  temporaryDataDir,
} from '../scheduler/harness.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';

const CHANNEL = 'C0DIGEST';

function parse(text: string) {
  return parseCaseCommand(`digest ${text}`);
}

describe('/case digest grammar', () => {
  it.each([
    ['', { action: 'show' }],
    ['now', { action: 'now' }],
    ['empty on', { action: 'empty', postWhenEmpty: true }],
    ['EMPTY off', { action: 'empty', postWhenEmpty: false }],
    ['off', { action: 'schedule', choice: { schedule: { kind: 'off', display: 'off' } } }],
    [
      'daily 09:00 Europe/Berlin',
      {
        action: 'schedule',
        choice: {
          schedule: { kind: 'cron', cron: '0 9 * * *', display: 'daily 09:00' },
          timezone: 'Europe/Berlin',
        },
      },
    ],
    [
      '*/15 * * * * *',
      {
        action: 'schedule',
        choice: { schedule: { kind: 'cron', cron: '*/15 * * * * *', display: '*/15 * * * * *' } },
      },
    ],
  ])('"/case digest %s"', (text, expected) => {
    const parsed = parse(text);
    expect(parsed.subcommand.name).toBe('digest');
    // A schedule is read when the command runs, by the digest-settings use case's schedule parser.
    if ('choice' in expected) {
      expect(parsed.args).toEqual({ action: 'schedule', text });
      expect(cronSchedules.parse(text)).toEqual(expected.choice);
    } else {
      expect(parsed.args).toEqual(expected);
    }
  });

  it.each([
    ['now please', /`now` takes nothing after it/],
    ['empty maybe', /`empty on` posts a digest even when nothing changed/],
  ])('refuses "/case digest %s" with a specific reason and the usage', (text, reason) => {
    let error: unknown;
    try {
      parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain('Usage: /case digest');
  });
});

describe('/case digest runs', () => {
  let cisco: CiscoFixture;
  let dataDir: ReturnType<typeof temporaryDataDir>;
  let clock: SkippingClock;
  let slack: RecordingSlack;
  let app: TestInstance;
  let now: Date;
  let replies: string[];

  beforeEach(async () => {
    cisco = await startCisco();
    dataDir = temporaryDataDir();
    clock = new SkippingClock();
    slack = new RecordingSlack(clock);
    app = await startInstance({ dataDir: dataDir.path, clock, slack, adapters: [cisco.adapter] });
    now = new Date('2026-03-28T10:00:00Z');
    replies = [];
  });

  afterEach(async () => {
    await app.close();
    await cisco.stop();
    dataDir.remove();
  });

  /** The command as the `/case` listener runs it after the ack. */
  async function run(text: string, channelId = CHANNEL): Promise<string> {
    const parsed = parseCaseCommand(`digest ${text}`);
    const useCases = createUseCases({
      store: app.store,
      vendors: new VendorRegistry([cisco.adapter]),
      logger: silentLogger,
      digests: app.scheduler,
      now: () => now,
    });
    const deps = { ...useCases, now: () => now, logger: silentLogger } as unknown as SlackDeps;
    const invocation: CommandInvocation = {
      userId: 'U0ONCALL',
      channelId,
      triggerId: 'trigger',
      responseUrl: 'https://hooks.slack.invalid/commands/1',
      nextTurn: async () => {},
      reply: async (message: SlackMessage) => {
        replies.push(message.text);
      },
    };
    await parsed.subcommand.run(deps, invocation, parsed.args);
    return replies[replies.length - 1] ?? '';
  }

  it('shows the default schedule and its next run', async () => {
    const answer = await run('');
    expect(answer).toContain('`0 9 * * 1-5` in UTC (the workspace default)');
    // Saturday 28 March 10:00 UTC: the next weekday 09:00 UTC is Monday the 30th.
    expect(answer).toMatch(/\*Next run:\* <!date\^1774861200\^.*\|Mon 30 Mar, 09:00 UTC> \(in 47 h\)/);
    expect(answer).toContain('watches no case yet');
  });

  it('sets a schedule with a zone, keeps the zone when a later schedule names none, and schedules it', async () => {
    const set = await run('daily 09:00 Europe/Berlin');
    expect(set).toContain('Digest schedule set. *Digest:* `daily 09:00` in Europe/Berlin.');
    // 28 March 10:00 UTC is already past 09:00 in Berlin; the next is Sunday, after the switch to summer time.
    expect(set).toContain('Sun 29 Mar, 09:00 CEST');
    expect(await app.store.getDigestSettings(CHANNEL)).toMatchObject({
      cron: '0 9 * * *',
      schedule: 'daily 09:00',
      timezone: 'Europe/Berlin',
      enabled: true,
      updatedBy: 'U0ONCALL',
    });
    expect(app.scheduler.digestScheduleKeys()).toContain('Europe/Berlin 0 9 * * *');

    await run('weekdays 17:30');
    expect(await app.store.getDigestSettings(CHANNEL)).toMatchObject({
      cron: '30 17 * * 1-5',
      timezone: 'Europe/Berlin',
    });
    expect(app.scheduler.digestScheduleKeys()).toEqual(['Europe/Berlin 30 17 * * 1-5', 'UTC 0 9 * * 1-5']);
  });

  it('turns the digest off and back to the default; "empty on" keeps the schedule', async () => {
    await run('hourly Asia/Tokyo');
    await run('empty on');
    expect(await app.store.getDigestSettings(CHANNEL)).toMatchObject({
      schedule: 'hourly',
      timezone: 'Asia/Tokyo',
      postWhenEmpty: true,
    });

    expect(await run('off')).toContain('*Digest:* off.');
    expect((await app.store.getDigestSettings(CHANNEL))?.enabled).toBe(false);
    expect(app.scheduler.digestScheduleKeys()).toEqual(['UTC 0 9 * * 1-5']);

    expect(await run('default')).toContain('(the workspace default)');
    expect(await app.store.getDigestSettings(CHANNEL)).toMatchObject({
      enabled: true,
      schedule: 'default',
      postWhenEmpty: true,
    });
  });

  it('"now" posts the undigested changes once, through the same runner as the schedule', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await app.store.addWatch({ vendor: 'cisco', caseId: id, channelId: CHANNEL, createdBy: 'U0ONCALL' });
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    expect(await run('now')).toBe('Posted the digest: 2 changes.');
    expect(slack.posts(CHANNEL)).toHaveLength(1);
    expect(await run('now')).toMatch(
      /^Nothing changed since the last digest \(<!date.*\), so nothing was posted\.$/,
    );
    expect(slack.posts(CHANNEL)).toHaveLength(1);

    slack.failNext({ kind: 'error', error: 'channel_not_found' });
    cisco.simulator.advance(id, 'Customer Pending');
    await app.tracker.pollOnce();
    expect(await run('now')).toContain('Slack did not accept the digest');
    expect(await run('now')).toBe('Posted the digest: 2 changes.');
  });

  it.each([
    ['daily 25:00', /"25:00" is not a time of day/],
    ['weekdays 08:00 Europe/Pariss', /Did you mean Europe\/Paris\?/],
    ['0 9 * *', /5 fields/],
  ])(
    'refuses "/case digest %s" with a specific reason and the usage, before anything else',
    async (text, reason) => {
      // Even from a direct message: what was typed is answered first.
      const refused = await run(text, 'D0DIRECT').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(InvalidInputError);
      expect((refused as Error).message).toMatch(reason);
      expect((refused as Error).message).toContain('Usage: /case digest');
      expect(await app.store.getDigestSettings(CHANNEL)).toBeUndefined();
    },
  );

  it('refuses direct messages', async () => {
    await expect(run('', 'D0DIRECT')).rejects.toThrow(/Digests belong to channels/);
  });
});
