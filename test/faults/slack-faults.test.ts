/**
 * Slack failing caseops: a 429 (short and long), HTTP 500 and 503, and `invalid_auth` from the fake Web API,
 * during the modal update that carries an outcome, the post of a new case card, the refresh of posted cards,
 * and a digest post. In every cell the vendor write happens once, the person still learns the outcome
 * (another surface when the first one fails), and a digest's changes are neither lost nor posted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { InjectedFailure } from '../../src/playground/fake-slack-api.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
import { SlackDigestPublisher, SlackNotifier } from '../../src/slack/notifier.js';
import { input } from '../support/slack-client.js';
import { ALICE, blockText, type Harness, openedForm, startHarness } from '../support/slack-harness.js';
import { classify, openFormValues } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendorTimeoutMs: 1000 });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const FAILURES: Array<[string, InjectedFailure]> = [
  ['a 429 for a second', { kind: 'ratelimited', retryAfterSeconds: 1 }],
  ['a 429 for a minute', { kind: 'ratelimited', retryAfterSeconds: 60 }],
  ['HTTP 500', { kind: 'http', status: 500 }],
  ['HTTP 503', { kind: 'http', status: 503 }],
  ['invalid_auth', { kind: 'error', error: 'invalid_auth' }],
];
const waitedOut = (failure: InjectedFailure) =>
  failure.kind === 'ratelimited' && failure.retryAfterSeconds <= 5;

/** Slack's refusal, in the words the person reads. */
const SLACK_WORDS =
  /rate limiting caseops|Slack answered with an error \(HTTP 50[03]\)|Slack refused caseops' token/;

let cell = 0;

/** Everything the person could read after `from`: modal updates, ephemerals, direct messages. */
function readSince(from: number): string[] {
  return h.fake.calls
    .slice(from)
    .filter((c) => c.outcome === 'ok')
    .flatMap((c) => {
      if (c.method === 'views.update') return [blockText((c.args.view as { blocks: unknown[] }).blocks)];
      if (
        c.method === 'chat.postEphemeral' ||
        (c.method === 'chat.postMessage' && c.args.channel === ALICE)
      ) {
        return [String(c.args.text ?? '')];
      }
      return [];
    });
}

/** The injected failure was met (so it cannot linger into a later cell). */
async function expectFailureMet(method: string, from: number): Promise<void> {
  await h.fake.waitFor(
    () => h.fake.calls.slice(from).find((c) => c.method === method && c.outcome !== 'ok'),
    `a failed ${method}`,
  );
}

async function openEquinix(tag: string) {
  const view = await openedForm(h, 'open eqx');
  const before = h.sims.equinix.cases().length;
  const from = h.fake.calls.length;
  return { view, before, from, values: openFormValues('equinix', { tag }) };
}

describe.each(FAILURES)('Slack answers %s', (_name, failure) => {
  it('to the modal update carrying the outcome: the outcome still reaches the person, one case', async () => {
    const { view, before, from, values } = await openEquinix(`slack-view-${++cell}`);
    h.fake.failNext('views.update', failure);
    await h.slack.submitView(view, values);
    const told = await h.fake.waitFor(
      () => readSince(from).find((text) => /Opened Equinix case/.test(text)),
      'the outcome, on the modal or as a message',
      10_000,
    );
    expect(classify(told)).toBe('done');
    expect(h.sims.equinix.cases().length).toBe(before + 1);
    const onModal = h.fake.calls
      .slice(from)
      .some(
        (c) =>
          c.method === 'views.update' && c.outcome === 'ok' && /Opened/.test(JSON.stringify(c.args.view)),
      );
    expect(onModal).toBe(waitedOut(failure));
    await expectFailureMet('views.update', from);
  });

  it('to the post of the new case card: the person is told it was not posted, and no watch is left', async () => {
    const { view, before, from, values } = await openEquinix(`slack-card-${++cell}`);
    h.fake.failNext('chat.postMessage', failure);
    await h.slack.submitView(view, values);
    const told = await h.fake.waitFor(
      () => readSince(from).find((text) => /Opened Equinix case/.test(text)),
      'the outcome',
      10_000,
    );
    const caseId = /Opened Equinix case `([^`]+)`/.exec(told)?.[1] ?? '';
    expect(h.sims.equinix.cases().length).toBe(before + 1);
    const watches = await h.store.watchesOfCase('equinix', caseId);
    await expectFailureMet('chat.postMessage', from);
    if (waitedOut(failure)) {
      expect(told).toMatch(/Posted in <#CNOC0001> and watched there/);
      expect(watches).toHaveLength(1);
    } else {
      expect(told).toMatch(/The case is open, but it could not be posted or watched in <#CNOC0001>/);
      expect(told).toMatch(SLACK_WORDS);
      expect(watches).toEqual([]);
    }
  });

  it('to the refresh of posted cards after a note: the note is added once and the person told', async () => {
    // A case opened from the channel has its card posted there, which a note then refreshes.
    const opening = await openEquinix(`slack-note-${++cell}`);
    await h.slack.submitView(opening.view, opening.values);
    const opened = await h.fake.waitFor(
      () => readSince(opening.from).find((text) => /Posted in <#CNOC0001>/.test(text)),
      'the case opened and posted',
      10_000,
    );
    const id = /Opened Equinix case `([^`]+)`/.exec(opened)?.[1] ?? '';
    expect(await h.store.cardsFor('equinix', id)).toHaveLength(1);
    const view = await openedForm(h, `note eqx ${id}`, 'add_note');
    const from = h.fake.calls.length;
    const text = `Field engineer on site (${++cell})`;
    h.fake.failNext('chat.update', failure);
    await h.slack.submitView(view, { note: input.text(text), visibility: input.select('EXTERNAL') });
    const told = await h.fake.waitFor(
      () => readSince(from).find((t) => /Note added to Equinix case/.test(t)),
      'the outcome',
      10_000,
    );
    expect(classify(told)).toBe('done');
    expect(h.sims.equinix.find(id)?.notes.filter((n) => n.text === text)).toHaveLength(1);
    await expectFailureMet('chat.update', from);
  });

  it('to a digest post: nothing is lost, nothing posted twice, the next run delivers', async () => {
    const channel = `CDIGEST${++cell}`;
    h.fake.channels.set(channel, { id: channel, name: `digest-${cell}`, members: [ALICE] });
    const caseId = h.sims.equinix.seed();
    await h.store.addWatch({
      vendor: 'equinix',
      caseId,
      channelId: channel,
      createdBy: ALICE,
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const seen = (status: string): Case => ({
      vendor: 'equinix',
      id: caseId,
      alternateIds: [],
      title: 'Cross connect down',
      status,
      state: 'open',
      notes: [],
      fields: [],
    });
    await h.store.recordObservation(seen('SUBMITTED'), new Date().toISOString());
    const event = await h.store.recordObservation(seen('IN_PROGRESS'), new Date().toISOString());
    expect(event).toBeDefined();

    const runner = new DigestRunner({
      store: h.store,
      publisher: new SlackDigestPublisher({
        notifier: new SlackNotifier({
          client: h.app.app.client,
          logger: h.app.deps.logger,
          minIntervalMs: 0,
          maxRateLimitWaitMs: 5_000,
        }),
      }),
      defaults: { cron: '0 9 * * *', timezone: 'UTC' },
      holder: 'slack-faults',
      logger: h.app.deps.logger,
    });
    const digestsOf = () =>
      h.fake
        .okCallsTo('chat.postMessage')
        .filter((c) => c.args.channel === channel && JSON.stringify(c.args).includes(caseId));

    const from = h.fake.calls.length;
    h.fake.failNext('chat.postMessage', failure);
    const first = await runner.runChannel(channel, { trigger: 'now' });
    await expectFailureMet('chat.postMessage', from);
    if (waitedOut(failure)) {
      expect(first).toMatchObject({ status: 'posted', changes: 1 });
    } else {
      expect(first).toMatchObject({ status: 'failed', messages: 0 });
      expect(digestsOf()).toHaveLength(0);
      expect((await h.store.getDigestSettings(channel))?.cursor ?? 0).toBeLessThan(event!.id);
      expect(await runner.runChannel(channel, { trigger: 'now' })).toMatchObject({
        status: 'posted',
        changes: 1,
      });
    }
    expect(await runner.runChannel(channel, { trigger: 'now' })).toEqual({ status: 'nothing-to-post' });
    expect(digestsOf()).toHaveLength(1);
    expect((await h.store.getDigestSettings(channel))?.cursor).toBe(event!.id);
  });
});

describe('Slack refusing every surface the outcome could go to', () => {
  it('modal and ephemeral both fail: the outcome arrives as a direct message', async () => {
    const { view, before, from, values } = await openEquinix(`slack-all-${++cell}`);
    h.fake.failNext('views.update', { kind: 'http', status: 500 });
    h.fake.failNext('chat.postEphemeral', { kind: 'error', error: 'channel_not_found' });
    await h.slack.submitView(view, values);
    const dm = await h.fake.waitForCall(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && /Opened Equinix case/.test(String(c.args.text)),
      10_000,
    );
    expect(h.fake.calls.indexOf(dm)).toBeGreaterThan(from);
    expect(h.sims.equinix.cases().length).toBe(before + 1);
  });
});
