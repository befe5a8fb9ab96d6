/** The notifier's pacing and its handling of Slack's answers, on a clock that moves only when told. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { SlackDeliveryError, SlackNotifier } from '../../src/slack/notifier.js';
import { RecordingSlack } from '../scheduler/harness.js';
import { ManualClock } from '../vendors/http/fake-clocks.js';

const message = (text: string) => ({ text, blocks: [] });

describe('SlackNotifier', () => {
  it('spaces calls to one channel by a second, in order, without holding other channels back', async () => {
    const clock = new ManualClock();
    const slack = new RecordingSlack(clock);
    const notifier = new SlackNotifier({ client: slack, logger: silentLogger, clock });
    const start = clock.now();

    const posts = Promise.all([
      notifier.post('C0AAA', message('a1')),
      notifier.post('C0AAA', message('a2')),
      notifier.post('C0BBB', message('b1')),
      notifier.post('C0AAA', message('a3')),
    ]);
    await clock.advance(0);
    expect(slack.accepted.map((c) => [c.text, c.at - start])).toEqual([
      ['a1', 0],
      ['b1', 0],
    ]);
    await clock.advance(999);
    expect(slack.accepted).toHaveLength(2);
    await clock.advance(1);
    await clock.advance(1000);
    await posts;
    expect(slack.accepted.map((c) => [c.text, c.at - start])).toEqual([
      ['a1', 0],
      ['b1', 0],
      ['a2', 1000],
      ['a3', 2000],
    ]);
  });

  it('still spaces a channel by a second after posting to more channels than it keeps slots for', async () => {
    const clock = new ManualClock();
    const slack = new RecordingSlack(clock);
    const notifier = new SlackNotifier({ client: slack, logger: silentLogger, clock });
    const start = clock.now();
    for (let c = 0; c < 1_500; c++) await notifier.post(`C${String(c).padStart(5, '0')}`, message(`m${c}`));
    await clock.advance(1_000);
    // Every slot above has passed and may be dropped; these two channels' slots are fresh.
    const posts = Promise.all([
      notifier.post('C0AAA', message('a1')),
      notifier.post('C0BBB', message('b1')),
      notifier.post('C0AAA', message('a2')),
    ]);
    for (let c = 0; c < 1_500; c++) await notifier.post(`D${String(c).padStart(5, '0')}`, message(`n${c}`));
    await clock.advance(1_000);
    await posts;
    const at = (text: string) => slack.accepted.find((call) => call.text === text)!.at - start;
    expect(at('a1')).toBe(1_000);
    expect(at('b1')).toBe(1_000);
    expect(at('a2')).toBe(2_000);
  });

  it("counts the second from Slack's answer, so a slow answer cannot squeeze two messages into a second", async () => {
    const clock = new ManualClock();
    const handedOff: number[] = [];
    // Slack takes 400 ms to answer each post.
    const slowSlack = {
      chat: {
        postMessage: async () => {
          handedOff.push(clock.now() - start);
          await clock.sleep(400);
          return { ok: true, ts: String(handedOff.length) };
        },
        update: async () => ({ ok: true }),
      },
    };
    const notifier = new SlackNotifier({ client: slowSlack, logger: silentLogger, clock });
    const start = clock.now();
    const posts = Promise.all([notifier.post('C0AAA', message('a1')), notifier.post('C0AAA', message('a2'))]);
    await clock.advance(3000);
    await posts;
    // a1 reached Slack at some point before its answer at 400 ms; a2 leaves a full second after that answer.
    expect(handedOff).toEqual([0, 1400]);
  });

  it('waits out a 429 for as long as Slack asks, then sends the same message again', async () => {
    const clock = new ManualClock();
    const slack = new RecordingSlack(clock);
    const notifier = new SlackNotifier({ client: slack, logger: silentLogger, clock });
    const start = clock.now();
    slack.failNext({ kind: 'rate-limited', retryAfterSeconds: 30 });

    const posted = notifier.post('C0AAA', message('digest'));
    await clock.advance(29_999);
    expect(slack.accepted).toHaveLength(0);
    await clock.advance(1);
    await posted;
    expect(slack.attempts.map((a) => [a.outcome, a.at - start])).toEqual([
      ['429 retry-after 30', 0],
      ['ok', 30_000],
    ]);
  });

  it('gives up on rate limits it would wait too long for, and on any other refusal at once', async () => {
    const clock = new ManualClock();
    const slack = new RecordingSlack(clock);
    const notifier = new SlackNotifier({
      client: slack,
      logger: silentLogger,
      clock,
      maxRateLimitWaitMs: 60_000,
    });
    slack.failNext(
      { kind: 'rate-limited', retryAfterSeconds: 40 },
      { kind: 'rate-limited', retryAfterSeconds: 40 },
    );
    const limited = notifier.post('C0AAA', message('digest')).catch((error: unknown) => error);
    await clock.advance(40_000);
    const error = await limited;
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).slackError).toBe('ratelimited');
    expect(slack.attempts).toHaveLength(2);

    slack.failNext({ kind: 'error', error: 'not_in_channel' });
    const refused = notifier.post('C0BBB', message('digest')).catch((caught: unknown) => caught);
    await clock.advance(0);
    expect(await refused).toMatchObject({ name: 'SlackDeliveryError', slackError: 'not_in_channel' });
    expect(slack.attempts.filter((a) => a.channel === 'C0BBB')).toHaveLength(1);
  });

  it('stops waiting when its run is asked to stop', async () => {
    const clock = new ManualClock();
    const slack = new RecordingSlack(clock);
    const notifier = new SlackNotifier({ client: slack, logger: silentLogger, clock });
    await notifier.post('C0AAA', message('first'));
    const stop = new AbortController();
    const second = notifier.post('C0AAA', message('second'), stop.signal).catch((error: unknown) => error);
    stop.abort(new Error('SIGTERM'));
    expect(await second).toMatchObject({ message: 'SIGTERM' });
    await clock.advance(5000);
    expect(slack.accepted.map((c) => c.text)).toEqual(['first']);
  });
});
