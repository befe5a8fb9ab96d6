/**
 * Fuzzing the Slack listeners in-process: the real Bolt app of the Slack harness (real store, real adapters,
 * vendor simulators, the fake Web API), fed payloads through `app.processEvent` with a recording ack instead
 * of signed HTTP round-trips, so 10,000 inputs per target fit in a CI run. After each input it reports what
 * the person got (the ack, modal updates, messages, response_url posts) and whether anything escaped.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Logger } from '../../src/logging/logger.js';
import type { FakeView } from '../../src/playground/fake-slack-api.js';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import type { LoggedRequest } from '../../src/vendors/sim-kit.js';
import { ALICE, blockText, type Harness, NOC, startHarness, TEAM } from '../support/slack-harness.js';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger (warn and up) whose records land in `records`, so a test can look for escaped errors. */
export function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) records.push(JSON.parse(line) as LogRecord);
      }
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, destination), records };
}

/** Log lines that mean an input was not handled: a listener threw, or the person got the generic answer. */
const ESCAPE_MESSAGES = ['a Slack listener failed', 'unexpected failure shown to a user'];
/** The answer for a failure caseops cannot name: never acceptable for a fuzzed input. */
export const GENERIC_ANSWER = /Something went wrong inside caseops/;

export interface Answer {
  /** What the listener acked with (undefined: acked empty; null: never acked). */
  ack: Record<string, unknown> | undefined | null;
  /** Texts the person could read, from every surface touched while handling the input. */
  texts: string[];
  /** Log lines (warn and up) written while handling the input that say something escaped. */
  escaped: LogRecord[];
  /** processEvent itself rejected. */
  thrown?: unknown;
}

export interface FuzzHarness {
  h: Harness;
  records: LogRecord[];
  /** Delivers one payload the way the receiver would and collects the answer. */
  deliver(body: Record<string, unknown>): Promise<Answer>;
  /** A modal as Slack would hold it (opened by caseops), for submissions and in-view presses. */
  openView(view: Record<string, unknown>, userId?: string): FakeView;
  /** Every simulator request whose case id fails the vendor adapter's own `parseCaseId`. */
  unvalidatedVendorRequests(): Array<{ vendor: VendorId; id: string; request: string }>;
  stop(): Promise<void>;
}

export async function startFuzzHarness(): Promise<FuzzHarness> {
  const { logger, records } = recordingLogger();
  const h = await startHarness({ logger, vendorTimeoutMs: 2000 });
  let viewCounter = 0;

  const deliver = async (body: Record<string, unknown>): Promise<Answer> => {
    const calls = h.fake.calls.length;
    const responses = h.fake.responses.length;
    const logged = records.length;
    let ack: Answer['ack'] = null;
    let thrown: unknown;
    try {
      await h.app.app.processEvent({
        body,
        ack: async (response?: unknown) => {
          ack = (response ?? undefined) as Record<string, unknown> | undefined;
        },
      });
    } catch (error) {
      thrown = error;
    }
    // Acks first: a command's follow-up (its reply) runs after the listener has returned.
    await h.app.deps.followUps.idle();
    const texts: string[] = [];
    if (ack) texts.push(answerText(ack));
    for (const call of h.fake.calls.slice(calls)) {
      if (call.outcome !== 'ok') continue;
      // App Home published again is an answer too: the page itself shows what the press changed.
      if (['views.update', 'views.open', 'views.push', 'views.publish'].includes(call.method)) {
        texts.push(blockText((call.args.view as { blocks?: unknown[] } | undefined)?.blocks ?? []));
      } else if (call.method.startsWith('chat.post') || call.method === 'chat.update') {
        texts.push(String(call.args.text ?? ''), blockText(call.args.blocks ?? []));
      }
    }
    for (const response of h.fake.responses.slice(responses)) {
      if (response.outcome === 'ok') {
        texts.push(String(response.body.text ?? ''), blockText(response.body.blocks ?? []));
      }
    }
    const escaped = records.slice(logged).filter((r) => ESCAPE_MESSAGES.includes(r.msg));
    return { ack, texts: texts.filter((t) => t.trim().length > 0), escaped, thrown };
  };

  const openView = (view: Record<string, unknown>, userId = ALICE): FakeView => {
    const id = `VFUZZ${String(++viewCounter).padStart(7, '0')}`;
    const stored: FakeView = { id, userId, rootId: id, hash: `hf${viewCounter}`, view, closed: false };
    h.fake.views.set(id, stored);
    return stored;
  };

  const unvalidatedVendorRequests = () => {
    const found: Array<{ vendor: VendorId; id: string; request: string }> = [];
    for (const vendor of ['equinix', 'cisco', 'juniper', 'motadata'] as const) {
      const adapter = h.vendors.get(vendor);
      if (!adapter) continue;
      for (const request of h.sims[vendor].requests) {
        for (const id of caseIdsIn(vendor, request)) {
          let ok = false;
          try {
            ok = adapter.parseCaseId(id) === id;
          } catch {
            ok = false;
          }
          if (!ok) found.push({ vendor, id, request: `${request.method} ${request.path}` });
        }
      }
    }
    return found;
  };

  return {
    h,
    records,
    deliver,
    openView,
    unvalidatedVendorRequests,
    stop: () => h.stop(),
  };
}

function answerText(ack: Record<string, unknown>): string {
  const errors = ack.errors as Record<string, unknown> | undefined;
  return [
    typeof ack.text === 'string' ? ack.text : '',
    blockText(ack.blocks ?? []),
    blockText((ack.view as { blocks?: unknown[] } | undefined)?.blocks ?? []),
    errors ? Object.values(errors).map(String).join('\n') : '',
  ].join('\n');
}

/**
 * The case ids a simulator request carries, read from each vendor's documented paths: Equinix ticket paths,
 * Cisco detail and summary paths, Motadata incident paths, Juniper's tracking-number filter and submitCase.
 */
export function caseIdsIn(vendor: VendorId, request: LoggedRequest): string[] {
  const path = request.path;
  const decode = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  switch (vendor) {
    case 'equinix': {
      const m = /^\/support\/v2\/tickets\/([^/]+)(?:\/(?:notes|cancel))?$/.exec(path);
      return m?.[1] ? [decode(m[1])] : [];
    }
    case 'cisco': {
      const detail = /^\/case\/v3\/cases\/details\/case_id\/([^/]+)$/.exec(path);
      if (detail?.[1]) return [decode(detail[1])];
      const summaries = /^\/case\/v3\/cases\/case_ids\/([^/]+)$/.exec(path);
      return summaries?.[1] ? decode(summaries[1]).split(',') : [];
    }
    case 'motadata': {
      const m = /^\/api\/v1\/incident\/([^/]+)$/.exec(path);
      return m?.[1] && m[1] !== 'search' ? [decode(m[1])] : [];
    }
    case 'juniper': {
      const filter = request.query.get('filter');
      const tracking = filter ? /customerTrackingNumber eq '(.*)'\)$/.exec(filter)?.[1] : undefined;
      return tracking === undefined ? [] : [tracking];
    }
  }
}

// ---- payload pieces --------------------------------------------------------------------------------------

/** Text meant to hurt: traversal, encoded traversal, markup, mentions, SQL, control characters, huge runs. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '../',
      '../../etc/passwd',
      '%2e%2e%2f',
      '..%2F..%2F',
      '%2e%2e',
      '11150929/../../admin',
      '11150929%2F..',
      '682299374?x=1',
      '682299374#frag',
      '1042\n1043',
      '\r\n',
      '<!channel>',
      '<!here|here>',
      '<@U0ADMIN>',
      '*bold* _x_ `code`',
      "'; drop table watches; --",
      '" OR 1=1 --',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
      '${jndi:ldap://127.0.0.1/x}',
      '<script>alert(1)</script>',
      '\u0000',
      '\u202e',
      '😀',
      ' ',
      '',
      '0',
      '-1',
      '1e309',
      'NaN',
      '__proto__',
      'constructor',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '😀', '9', '<', '\n', 'é'), fc.integer({ min: 3000, max: 60_000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

/** Ids that look right to each vendor, so part of the inputs reach a (validated) vendor call. */
export const plausibleId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('11150929', '682299374', 'CO-20260101-ABCDEF01', '1042', '123456', 'JTAC-1234'),
  fc.stringMatching(/^\d{1,12}$/),
);

export const anyId = fc.oneof(plausibleId, hostileText);

export const vendorWord: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('equinix', 'cisco', 'juniper', 'motadata') },
  { weight: 1, arbitrary: fc.constantFrom('acme', 'EQUINIX', '', '__proto__') },
  { weight: 1, arbitrary: fc.constantFrom(1, null, true, ['equinix'], { v: 'equinix' }) },
);

/** A JSON value of any type, for "wrong type" fields. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** A field that may be missing, of the right type with a hostile value, or of the wrong type. */
export function maybe<T>(good: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** Usually `good`, now and then `bad`: keeps most inputs deep enough to reach the code behind the checks. */
export function mostly<T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: bad });
}

/** JSON text of `value`, or something that is not JSON at all, or JSON of the wrong shape. */
export function jsonOrJunk(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export const channelId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(NOC) },
  { weight: 1, arbitrary: fc.constantFrom('DALICE01', 'GPRIV001', 'CUNKNOWN1', 'C0', 'c-lower') },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

export const TEAM_ID = TEAM;
export const team = { id: TEAM, domain: 'caseops' };

export function userOf(id: string) {
  return { id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM };
}

/** Drops the keys whose value is undefined (what JSON over the wire would do). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/**
 * One fuzz harness for the calling file, started before its tests and stopped after them. `withCase` seeds a
 * real Equinix case (11150929) so some generated inputs find it and go all the way to the vendor.
 */
export function useFuzzHarness(options: { withCase?: boolean } = {}): () => FuzzHarness {
  let harness: FuzzHarness | undefined;
  beforeAll(async () => {
    harness = await startFuzzHarness();
    if (options.withCase) harness.h.sims.equinix.seed({ caseNumber: '11150929' });
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
  });
  return () => {
    if (!harness) throw new Error('the fuzz harness has not started');
    return harness;
  };
}
