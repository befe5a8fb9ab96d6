/**
 * What people and vendors do to caseops while the fault suites kill it: Equinix cases that change status,
 * and people who watch cases, add notes, open and cancel cases through signed Slack requests. Every request
 * remembers what the person was told; one whose process died before it answered is sent again to the next
 * process the way Slack and the person would (the same trigger id, the same form), until it gets an answer.
 * Afterwards `check` holds the answers against what Equinix and the store hold.
 */

import type { Store } from '../../src/domain/ports/store.js';
import type { FakeSlackApi, FakeView } from '../../src/playground/fake-slack-api.js';
import type { EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { input, SlackClient } from '../support/slack-client.js';
import { blockText } from '../support/slack-harness.js';
import { sleep } from './processes.js';
import { classify, openFormValues, type Told } from './support.js';

export const SIGNING_SECRET = 'faults-signing-secret-0123456789abcdef';
export const TEAM = 'T0FAULTS';
// The open form names this person as the contact (openFormValues), so they need an e-mail address.
export const OPS = 'UALICE01';
export const CHANNEL = 'CFAULT01';

/** The app a request goes to; `gone` resolves when that process is killed. */
export interface Target {
  slack: SlackClient;
  gone: Promise<void>;
}

export function targetFor(fake: FakeSlackApi, url: string, gone: Promise<void>): Target {
  return {
    slack: new SlackClient(url, SIGNING_SECRET, fake, { teamId: TEAM, userId: OPS, channelId: CHANNEL }),
    gone,
  };
}

type Kind = 'watch' | 'note' | 'open' | 'cancel';

interface Request {
  kind: Kind;
  /** The case it is about (open: the tag in its description). */
  subject: string;
  text: string;
  triggerId?: string;
  form?: FakeView;
  /** `no answer`: the app took the request and never answered the person (see NO_ANSWER). */
  told?: Told | 'no answer' | 'try again';
  answers: string[];
  /** Sent to a process that died before answering. */
  cutOff: number;
}

const KILLED = Symbol('killed');
/** What caseops says while its database is away: try again, it is safe. */
export const DATABASE_WORDS = /could not reach its database/;

/** A person's answer classified; the database answer asks them to try again. */
function tell(text: string): Told | 'try again' {
  return DATABASE_WORDS.test(text) ? 'try again' : classify(text);
}
/** A live process acknowledged the request and then said nothing to the person for this long. */
export const NO_ANSWER_MS = 12_000;
const NO_ANSWER = '\u0000no answer';

/** `work`, unless the process dies first; an answer that never comes from a live process is a failure. */
async function unlessKilled<T>(work: Promise<T>, target: Target, what: string): Promise<T | typeof KILLED> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no acknowledgement within ${NO_ANSWER_MS + 10_000} ms to ${what}`)),
      NO_ANSWER_MS + 10_000,
    );
  });
  try {
    return await Promise.race([work, target.gone.then((): typeof KILLED => KILLED), late]);
  } catch (error) {
    // A connection refused or reset by a process being killed is the kill, not a failure.
    if (await Promise.race([target.gone.then(() => true), sleep(200).then(() => false)])) return KILLED;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export class Workload {
  readonly requests: Request[] = [];
  readonly watchedAtStart: string[] = [];
  private readonly retry: Request[] = [];
  private counter = 0;
  /** Answers that named the database and asked the person to try again. */
  databaseAnswers = 0;

  constructor(
    private readonly fake: FakeSlackApi,
    private readonly equinix: EquinixSimulator,
    private readonly random: () => number,
  ) {}

  /** Cases watched in CHANNEL before the run, whose statuses the vendor moves. */
  async seedWatched(store: Store, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const caseId = this.equinix.seed();
      await store.addWatch({
        vendor: 'equinix',
        caseId,
        channelId: CHANNEL,
        createdBy: OPS,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
      });
      this.watchedAtStart.push(caseId);
    }
  }

  /** One status change at Equinix, back and forth between two open statuses. */
  advanceOne(): void {
    const id = this.watchedAtStart[Math.floor(this.random() * this.watchedAtStart.length)];
    if (!id) return;
    const now = this.equinix.find(id)?.status;
    this.equinix.advance(id, now === 'IN_PROGRESS' ? 'ACTION_REQUIRED' : 'IN_PROGRESS');
  }

  get unanswered(): number {
    return this.retry.length;
  }

  /** The next request: one cut off earlier first, else a new one. Returns false when it was cut off again. */
  async next(target: Target): Promise<boolean> {
    const request = this.retry.shift() ?? this.fresh();
    const outcome = await this.send(request, target);
    if (outcome === KILLED) {
      request.cutOff++;
      this.retry.unshift(request);
      return false;
    }
    if (request.told === 'try again') {
      // As the answer invites, the person tries again: a command typed anew (a new trigger id), the same form
      // submitted again. "Nothing is done twice" must hold either way.
      this.databaseAnswers++;
      request.triggerId = undefined;
      this.retry.push(request);
      return true;
    }
    if (!this.requests.includes(request)) this.requests.push(request);
    return true;
  }

  private fresh(): Request {
    const n = ++this.counter;
    const roll = this.random();
    const kind: Kind = roll < 0.3 ? 'open' : roll < 0.6 ? 'note' : roll < 0.8 ? 'watch' : 'cancel';
    const subject = kind === 'open' ? `fault-open-${n}-${Date.now()}` : this.equinix.seed();
    return { kind, subject, text: `Field engineer on site (${n})`, answers: [], cutOff: 0 };
  }

  private async send(request: Request, target: Target): Promise<typeof KILLED | undefined> {
    const { slack } = target;
    const what = `${request.kind} ${request.subject}`;
    if (request.kind === 'watch' || request.kind === 'note') {
      const text =
        request.kind === 'watch'
          ? `watch eqx ${request.subject}`
          : `note eqx ${request.subject} ${request.text}`;
      // Sent again with the same trigger id, as Slack redelivers a request it got no answer to.
      const answered = await unlessKilled(
        (async () => {
          const sent = await slack.command(text, { triggerId: request.triggerId });
          request.triggerId = sent.triggerId;
          const id = sent.responseUrl?.split('/').at(-1);
          const reply = await this.fake
            .waitForResponse((r) => r.id === id, NO_ANSWER_MS)
            .catch(() => undefined);
          if (!reply) return NO_ANSWER;
          return `${String(reply.body.text ?? '')}\n${blockText(reply.body.blocks ?? [])}`;
        })(),
        target,
        what,
      );
      if (answered === KILLED) return KILLED;
      request.answers.push(answered);
      if (answered === NO_ANSWER) {
        request.told = 'no answer';
        return;
      }
      request.told =
        request.kind === 'watch'
          ? /Watching Equinix case|already watches/.test(answered)
            ? 'done'
            : tell(answered)
          : tell(answered);
      return;
    }
    // Opens and cancels go through a form; a person whose submit got no answer submits the same form again.
    if (!request.form) {
      const command =
        request.kind === 'open' ? 'open eqx' : `cancel eqx ${request.subject} Opened by mistake`;
      const callbackId = request.kind === 'open' ? 'open_case' : 'cancel_case';
      const form = await unlessKilled(this.formFor(slack, command, callbackId), target, `${what} form`);
      if (form === KILLED) return KILLED;
      request.form = form;
    }
    const form = request.form;
    const values =
      request.kind === 'open'
        ? openFormValues('equinix', { tag: request.subject })
        : { reason: input.text('Opened by mistake') };
    const answered = await unlessKilled(
      (async () => {
        const from = this.fake.calls.length;
        const ack = await slack.submitView(form, values);
        if (ack.json?.response_action === 'errors') return `form refused: ${ack.text}`;
        const update = await this.fake
          .waitForCall(
            'views.update',
            (c) =>
              c.args.view_id === form.id &&
              this.fake.calls.indexOf(c) >= from &&
              !/Sending to|Cancelling/.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
            NO_ANSWER_MS,
          )
          .catch(() => undefined);
        if (!update) return NO_ANSWER;
        return blockText((update.args.view as { blocks: unknown[] }).blocks);
      })(),
      target,
      what,
    );
    if (answered === KILLED) return KILLED;
    request.answers.push(answered);
    request.told = answered === NO_ANSWER ? 'no answer' : tell(answered);
  }

  private async formFor(slack: SlackClient, command: string, callbackId: string): Promise<FakeView> {
    const sent = await slack.command(command);
    await this.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId, 12_000);
    const view = await this.fake.waitFor(
      // The form may first show while it loads; the person fills in the form itself.
      () =>
        [...this.fake.views.values()].find(
          (v) => v.triggerId === sent.triggerId && v.view.callback_id === callbackId,
        ),
      'the form',
      12_000,
    );
    return structuredClone(view);
  }

  /**
   * What each person was told, held against Equinix and the store. Returns a summary to print; throws on
   * the first request whose answer and the world disagree.
   */
  async check(store: Store) {
    const summary = { answered: 0, cutOffThenAnswered: 0, uncertain: 0, noAnswer: 0 };
    const byKind: Record<string, number> = {};
    for (const request of this.requests) {
      summary.answered++;
      if (request.cutOff > 0) summary.cutOffThenAnswered++;
      if (request.told === 'uncertain') summary.uncertain++;
      if (request.told === 'no answer') summary.noAnswer++;
      const held = await this.held(request, store);
      const said = `${request.kind} ${request.subject} (cut off ${request.cutOff}x) told: ${request.answers.join(' / ')}`;
      if (held > 1) throw new Error(`done twice at Equinix (${held}): ${said}`);
      if (request.told === 'done' && held !== 1) throw new Error(`told done, Equinix holds ${held}: ${said}`);
      if (request.told === 'nothing' && held !== 0)
        throw new Error(`told nothing, Equinix holds ${held}: ${said}`);
      byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
    }
    return { ...summary, byKind };
  }

  /** How many times the request's effect is held: cases opened, notes added, cancels, watches. */
  private async held(request: Request, store: Store): Promise<number> {
    switch (request.kind) {
      case 'open':
        return this.equinix
          .cases()
          .filter((c) => this.equinix.find(c.id)?.description.includes(request.subject)).length;
      case 'note':
        return this.equinix.find(request.subject)?.notes.filter((n) => n.text === request.text).length ?? 0;
      case 'cancel': {
        const cancels = this.equinix.requests.filter(
          (r) => r.method === 'POST' && r.path.endsWith(`/${request.subject}/cancel`),
        ).length;
        const cancelled = this.equinix.find(request.subject)?.status === 'CANCELLED';
        // Cancelling twice is refused by the vendor the second time; the case is cancelled once either way.
        return cancelled ? Math.min(cancels, 1) : 0;
      }
      case 'watch':
        return (await store.watchesOfCase('equinix', request.subject)).length;
    }
  }
}
