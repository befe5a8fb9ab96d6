/**
 * The four vendor adapters, each built by its production factory from environment pointed at a fuzzing
 * vendor (vendor-answers.ts), and the checks every generated answer must pass: the operation ends with a
 * typed caseops error or a sane normalised case, and no credential appears in an error or in health.
 */
import fc from 'fast-check';
import { CASE_STATES, type Case, type VendorId } from '../../src/domain/case.js';
import { CaseopsError } from '../../src/domain/errors.js';
import type { OpenRequest } from '../../src/domain/open-request.js';
import type { Capability, VendorAdapter } from '../../src/domain/ports/vendor.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ciscoFromEnv } from '../../src/vendors/cisco/index.js';
import { CISCO_TOKEN_PATH, createCiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import type { VendorDeps } from '../../src/vendors/deps.js';
import { equinixFromEnv } from '../../src/vendors/equinix/index.js';
import { createEquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { juniperFromEnv } from '../../src/vendors/juniper/index.js';
import { createJuniperSimulator } from '../../src/vendors/juniper/simulator.js';
import { motadataFromEnv } from '../../src/vendors/motadata/index.js';
import { createMotadataSimulator } from '../../src/vendors/motadata/simulator.js';
import { FAST_RETRY, testEnv } from '../vendors/adapter-test-kit.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';
import { type AnswerScript, answerScript, FuzzVendorServer } from './vendor-answers.js';

export type Operation =
  | { op: 'lookup'; id: string }
  | { op: 'refresh'; ids: string[] }
  | { op: 'list'; by: 'contract' | 'user'; id: string; status?: 'open' | 'closed' }
  | { op: 'open' }
  | { op: 'annotate'; id: string; text: string }
  | { op: 'cancel'; id: string; reason: string };

export interface FuzzTarget {
  vendor: VendorId;
  adapter: VendorAdapter;
  server: FuzzVendorServer;
  /** The adapter's clock: inputs let time pass (token expiry, the refused-credentials cool-down) for free. */
  clock: SkippingClock;
  operations: fc.Arbitrary<Operation>;
  /** A valid open request; `serial` keeps idempotency keys (and Juniper tracking numbers) fresh per input. */
  openRequest(serial: number): OpenRequest;
  stop(): Promise<void>;
}

const marked = (vendor: string, what: string) => `${vendor.toUpperCase()}-${what}-S3CRET-7f3a9c1e5b`;

/** Basic credentials as they travel, so an echoed header is caught in its encoded form too. */
const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`, 'utf8').toString('base64');

const deps = (clock = new SkippingClock()): VendorDeps => ({
  logger: silentLogger,
  clock,
  retry: FAST_RETRY,
});

const FAST_BUDGETS = {
  EQUINIX_RATE_PER_SECOND: '1000',
  EQUINIX_MAX_CONCURRENT: '1',
  CISCO_RATE_PER_SECOND: '1000',
  CISCO_MAX_CONCURRENT: '1',
  JUNIPER_RATE_PER_SECOND: '1000',
  JUNIPER_MAX_CONCURRENT: '1',
  MOTADATA_RATE_PER_SECOND: '1000',
  MOTADATA_MAX_CONCURRENT: '1',
};

function required(adapter: VendorAdapter | undefined, vendor: string): VendorAdapter {
  if (!adapter) throw new Error(`the ${vendor} factory built no adapter from the fuzz environment`);
  return adapter;
}

/** Runs `work` and swallows its failure: the recording phase wants the answers, good or bad. */
async function settle(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch {
    // recorded either way
  }
}

export async function equinixTarget(): Promise<FuzzTarget> {
  const clientSecret = marked('equinix', 'client');
  const sim = createEquinixSimulator({ clientId: 'caseops-fuzz', clientSecret });
  await sim.start();
  const server = new FuzzVendorServer({ tokenPath: '/oauth2/v1/token', secrets: [clientSecret] });
  await server.start();
  const env = testEnv({
    ...FAST_BUDGETS,
    EQUINIX_BASE_URL: server.url,
    EQUINIX_CLIENT_ID: 'caseops-fuzz',
    EQUINIX_CLIENT_SECRET: clientSecret,
  });
  const ids = [sim.seed({ caseNumber: '11150929' }), sim.seed({ caseNumber: '11150930' })];
  const openRequest = (serial: number): OpenRequest => ({
    vendor: 'equinix',
    code: '0100-0200',
    description: `Cross connect CC-SV5-${serial} is down; no light on the customer side.`,
    primaryId: `CC-SV5-${serial}`,
    notificationContacts: [],
  });

  server.proxyTo = sim.url;
  const recorder = required(equinixFromEnv(env, deps()), 'equinix');
  await settle(() => recorder.lookup('11150929'));
  await settle(() => recorder.lookup('99999999'));
  await settle(() => recorder.refresh(['11150929', '11150930', '99999998']));
  await settle(() => recorder.open(openRequest(1), { idempotencyKey: 'fuzz-record-open' }));
  await settle(() =>
    recorder.annotate('11150929', { text: 'Still down.' }, { idempotencyKey: 'fuzz-record-note' }),
  );
  await settle(() =>
    recorder.annotate('99999999', { text: 'Still down.' }, { idempotencyKey: 'fuzz-record-note2' }),
  );
  await settle(() =>
    recorder.cancel('11150930', 'Fixed on our side.', { idempotencyKey: 'fuzz-record-cancel' }),
  );
  await settle(() => recorder.cancel('11150930', 'Again.', { idempotencyKey: 'fuzz-record-cancel2' }));
  await recorder.close();
  server.proxyTo = undefined;

  const id = fc.constantFrom(...ids, '1-204976070710');
  const clock = new SkippingClock();
  return {
    vendor: 'equinix',
    adapter: required(equinixFromEnv(env, deps(clock)), 'equinix'),
    server,
    clock,
    openRequest,
    operations: fc.oneof(
      fc.record({ op: fc.constant('lookup' as const), id }),
      fc.record({
        op: fc.constant('refresh' as const),
        ids: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ op: fc.constant('open' as const) }),
      fc.record({ op: fc.constant('annotate' as const), id, text: fc.constant('Light levels attached.') }),
      fc.record({ op: fc.constant('cancel' as const), id, reason: fc.constant('Restored after a reseat.') }),
    ),
    stop: async () => {
      await sim.stop();
      await server.stop();
    },
  };
}

export async function ciscoTarget(): Promise<FuzzTarget> {
  const clientSecret = marked('cisco', 'client');
  const sim = createCiscoSimulator({ clientId: 'caseops-fuzz', clientSecret });
  await sim.start();
  const server = new FuzzVendorServer({ tokenPath: CISCO_TOKEN_PATH, secrets: [clientSecret] });
  await server.start();
  const env = testEnv({
    ...FAST_BUDGETS,
    CISCO_BASE_URL: server.url,
    CISCO_TOKEN_URL: `${server.url}${CISCO_TOKEN_PATH}`,
    CISCO_CLIENT_ID: 'caseops-fuzz',
    CISCO_CLIENT_SECRET: clientSecret,
  });
  const ids = sim.seedMany(12, { contractId: '1234567', userId: 'noc-bot' });
  sim.seedMany(3, { contractId: '7654321', status: 'Closed' });

  server.proxyTo = sim.url;
  const recorder = required(ciscoFromEnv(env, deps()), 'cisco');
  await settle(() => recorder.lookup(ids[0] ?? ''));
  await settle(() => recorder.lookup('999999999'));
  await settle(() => recorder.refresh([...ids.slice(0, 3), '999999998']));
  await settle(() => recorder.list({ by: 'contract', ids: ['1234567'] }));
  await settle(() => recorder.list({ by: 'user', ids: ['noc-bot'], status: 'open' }));
  await settle(() => recorder.list({ by: 'contract', ids: ['7654321'], status: 'closed' }));
  await recorder.close();
  server.proxyTo = undefined;

  const id = fc.constantFrom(...ids.slice(0, 4));
  const clock = new SkippingClock();
  return {
    vendor: 'cisco',
    adapter: required(ciscoFromEnv(env, deps(clock)), 'cisco'),
    server,
    clock,
    openRequest: () => {
      throw new Error('Cisco cases are not opened through the API');
    },
    operations: fc.oneof(
      fc.record({ op: fc.constant('lookup' as const), id }),
      fc.record({
        op: fc.constant('refresh' as const),
        ids: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
      }),
      fc.record(
        {
          op: fc.constant('list' as const),
          by: fc.constantFrom('contract' as const, 'user' as const),
          id: fc.constantFrom('1234567', 'noc-bot'),
          status: fc.constantFrom('open' as const, 'closed' as const),
        },
        { requiredKeys: ['op', 'by', 'id'] },
      ),
    ),
    stop: async () => {
      await sim.stop();
      await server.stop();
    },
  };
}

export async function juniperTarget(): Promise<FuzzTarget> {
  const credentials = {
    username: 'caseops-fuzz',
    password: marked('juniper', 'password'),
    caseUsername: 'jss-fuzz',
    casePassword: marked('juniper', 'case-password'),
    siteId: 'site-fuzz-1',
  };
  const sim = createJuniperSimulator({ mode: 'partner-proxy', ...credentials });
  await sim.start();
  const server = new FuzzVendorServer({
    secrets: [
      credentials.password,
      credentials.casePassword,
      basic(credentials.username, credentials.password),
      Buffer.from(credentials.casePassword, 'utf8').toString('base64'),
    ],
  });
  await server.start();
  const env = testEnv({ ...FAST_BUDGETS, ...sim.env(), JUNIPER_BASE_URL: server.url });
  const incidents = [sim.seed(), sim.seed(), sim.seed()];
  const openRequest = (serial: number): OpenRequest => ({
    vendor: 'juniper',
    incidentId: incidents[serial % incidents.length] ?? '1',
    priority: '2 - High',
    followUpMethod: 'Email Full Text Update',
    synopsis: 'FPC 3 offline on mx480-edge-01',
    comments: 'FPC 3 went offline at 02:14 UTC; chassisd core attached to the incident.',
    ccEmails: ['noc@example.net'],
    trackingNumber: `CO-FUZZ-${String(serial).padStart(6, '0')}`,
  });

  server.proxyTo = sim.url;
  const recorder = required(juniperFromEnv(env, deps()), 'juniper');
  await settle(() => recorder.open(openRequest(0), { idempotencyKey: 'CO-FUZZ-000000' }));
  await settle(() => recorder.open(openRequest(0), { idempotencyKey: 'CO-FUZZ-000000' }));
  await settle(() => recorder.open(openRequest(3), { idempotencyKey: 'CO-FUZZ-000003' }));
  await settle(() => recorder.lookup('CO-FUZZ-000000'));
  await settle(() => recorder.lookup('CO-NOT-THERE'));
  await settle(() => recorder.refresh(['CO-FUZZ-000000', 'CO-NOT-THERE']));
  await recorder.close();
  server.proxyTo = undefined;

  const id = fc.constantFrom('CO-FUZZ-000000', 'CO-FUZZ-000003', 'CO-20250301-1A2B3C4D');
  const clock = new SkippingClock();
  return {
    vendor: 'juniper',
    adapter: required(juniperFromEnv(env, deps(clock)), 'juniper'),
    server,
    clock,
    openRequest,
    operations: fc.oneof(
      fc.record({ op: fc.constant('lookup' as const), id }),
      fc.record({
        op: fc.constant('refresh' as const),
        ids: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ op: fc.constant('open' as const) }),
    ),
    stop: async () => {
      await sim.stop();
      await server.stop();
    },
  };
}

export async function motadataTarget(): Promise<FuzzTarget> {
  const credentials = {
    clientId: 'caseops-fuzz',
    clientSecret: marked('motadata', 'client'),
    username: 'caseops@example.net',
    password: marked('motadata', 'password'),
  };
  const sim = createMotadataSimulator({ auth: 'oauth', seedIncidents: 3, ...credentials });
  await sim.start();
  const server = new FuzzVendorServer({
    tokenPath: '/api/oauth/token',
    secrets: [
      credentials.clientSecret,
      credentials.password,
      basic(credentials.clientId, credentials.clientSecret),
    ],
  });
  await server.start();
  const env = testEnv({ ...FAST_BUDGETS, ...sim.env(), MOTADATA_BASE_URL: server.url });
  const openRequest = (serial: number): OpenRequest => ({
    vendor: 'motadata',
    subject: `Core switch sw-core-${serial} dropping BGP sessions`,
    description: 'BGP to both upstreams flapping since 02:10 UTC.',
    requesterEmail: 'noc@example.net',
    impact: 'ONBUSINESS',
    priority: 'HIGH',
    urgency: 'URGENT',
    tags: ['network', 'bgp'],
  });

  server.proxyTo = sim.url;
  const recorder = required(motadataFromEnv(env, deps()), 'motadata');
  await settle(() => recorder.lookup('1001'));
  await settle(() => recorder.lookup('9999'));
  await settle(() => recorder.refresh(['1001', '1002', '9998']));
  await settle(() => recorder.open(openRequest(1), { idempotencyKey: 'co-fuzzrecord0000000000001' }));
  await settle(() => recorder.open(openRequest(1), { idempotencyKey: 'co-fuzzrecord0000000000001' }));
  await settle(() =>
    recorder.cancel('1003', 'Fixed on our side.', { idempotencyKey: 'co-fuzzrecord0000000000002' }),
  );
  await settle(() => recorder.cancel('1003', 'Again.', { idempotencyKey: 'co-fuzzrecord0000000000003' }));
  await recorder.close();
  server.proxyTo = undefined;

  const id = fc.constantFrom('1001', '1002', '1003', '1042');
  const clock = new SkippingClock();
  return {
    vendor: 'motadata',
    adapter: required(motadataFromEnv(env, deps(clock)), 'motadata'),
    server,
    clock,
    openRequest,
    operations: fc.oneof(
      fc.record({ op: fc.constant('lookup' as const), id }),
      fc.record({
        op: fc.constant('refresh' as const),
        ids: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ op: fc.constant('open' as const) }),
      fc.record({ op: fc.constant('cancel' as const), id, reason: fc.constant('Restored after a reboot.') }),
    ),
    stop: async () => {
      await sim.stop();
      await server.stop();
    },
  };
}

// ---- checks ----------------------------------------------------------------------------------------------

const CONTROL = /\p{Cc}/u;

/** What is wrong with a normalised case, or undefined when it is sane. */
export function caseProblem(value: unknown, vendor: VendorId): string | undefined {
  if (value === null || typeof value !== 'object') return `not a case: ${typeof value}`;
  const c = value as Case;
  if (c.vendor !== vendor) return `vendor is ${String(c.vendor)}`;
  if (
    typeof c.id !== 'string' ||
    c.id.trim() !== c.id ||
    c.id.length === 0 ||
    c.id.length > 100 ||
    CONTROL.test(c.id)
  )
    return `id is not a plain id: ${JSON.stringify(c.id)?.slice(0, 80)}`;
  if (typeof c.title !== 'string') return `title is ${typeof c.title}`;
  if (typeof c.status !== 'string') return `status is ${typeof c.status}`;
  if (!(CASE_STATES as readonly string[]).includes(c.state)) return `state is ${String(c.state)}`;
  if (!Array.isArray(c.alternateIds) || c.alternateIds.some((a) => typeof a !== 'string'))
    return 'alternateIds are not strings';
  if (!Array.isArray(c.notes) || c.notes.some((n) => typeof n?.text !== 'string')) return 'notes lack text';
  if (
    !Array.isArray(c.fields) ||
    c.fields.some((f) => typeof f?.label !== 'string' || typeof f?.value !== 'string')
  )
    return 'fields are not label/value strings';
  for (const key of ['severity', 'owner', 'url', 'createdAt', 'updatedAt'] as const) {
    const field = c[key];
    if (field !== undefined && typeof field !== 'string') return `${key} is ${typeof field}`;
  }
  for (const key of ['createdAt', 'updatedAt'] as const) {
    const at = c[key];
    if (at !== undefined && Number.isNaN(Date.parse(at))) return `${key} is not a date: ${at.slice(0, 40)}`;
  }
  if (c.url !== undefined && !/^https?:\/\/\S+$/.test(c.url)) return `url is ${c.url.slice(0, 60)}`;
  const texts = [
    c.id,
    c.title,
    c.status,
    c.severity,
    c.owner,
    ...c.fields.flatMap((f) => [f.label, f.value]),
  ];
  if (texts.some((t) => t?.includes('[object Object]'))) return 'a field reads [object Object]';
  return undefined;
}

function errorTexts(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  const own = Object.values(error as unknown as Record<string, unknown>).filter((v) => typeof v === 'string');
  return [error.message, String(error), ...(own as string[])];
}

/** What is wrong with an error an operation ended in, or undefined when it is typed and clean. */
export function errorProblem(error: unknown, secrets: string[]): string | undefined {
  if (!(error instanceof CaseopsError)) {
    return `untyped ${error instanceof Error ? error.name : typeof error}: ${errorTexts(error)[0]?.slice(0, 200)}`;
  }
  const leaked = secrets.find((s) => errorTexts(error).some((t) => t.includes(s)));
  if (leaked) return `${error.name} carries a credential: ${error.message.slice(0, 200)}`;
  if (error.message.length > 2000) return `${error.name} message is ${error.message.length} characters long`;
  return undefined;
}

export interface Outcome {
  problem?: string;
  /** "ok", or the error's class name. */
  result: string;
}

/**
 * An operation with no outcome by then never settles (a lost promise, a retry loop without end). Far above
 * the slowest legitimate path (retries with back-off and Retry-After), which on a loaded 2-core machine took
 * over 10 s once.
 */
const HANG_MS = 30_000;

/** Runs one operation against the adapter with `script` as the vendor's answers and judges what came back. */
export async function runOne(
  target: FuzzTarget,
  operation: Operation,
  script: AnswerScript,
  serial: number,
  pauseMs = 0,
): Promise<Outcome> {
  const { adapter, server, vendor } = target;
  target.clock.skip(pauseMs);
  server.use(script);
  const key = { idempotencyKey: `co-fuzz${String(serial).padStart(19, '0')}` };
  const work = async (): Promise<Outcome> => {
    switch (operation.op) {
      case 'lookup':
        return { result: 'ok', problem: caseProblem(await adapter.lookup(operation.id), vendor) };
      case 'refresh': {
        const outcomes = await adapter.refresh(operation.ids);
        if (!Array.isArray(outcomes)) return { result: 'ok', problem: 'refresh did not answer a list' };
        for (const outcome of outcomes) {
          const problem = outcome.ok
            ? caseProblem(outcome.case, vendor)
            : errorProblem(outcome.error, server.secrets());
          if (problem) return { result: 'ok', problem: `refresh ${outcome.id}: ${problem}` };
        }
        const failed = outcomes.find((o) => !o.ok);
        return { result: failed && !failed.ok ? `partial ${failed.error.name}` : 'ok' };
      }
      case 'list': {
        const listed = await adapter.list({
          by: operation.by,
          ids: [operation.id],
          ...(operation.status ? { status: operation.status } : {}),
        });
        if (!Number.isInteger(listed.total) || listed.total < 0)
          return { result: 'ok', problem: `total is ${listed.total}` };
        for (const c of listed.cases) {
          const problem = caseProblem(c, vendor);
          if (problem) return { result: 'ok', problem: `listed case: ${problem}` };
        }
        return { result: 'ok' };
      }
      case 'open': {
        const request = target.openRequest(serial);
        const idempotencyKey =
          typeof request.trackingNumber === 'string' ? request.trackingNumber : key.idempotencyKey;
        const opened = await adapter.open(request, { idempotencyKey });
        return { result: 'ok', problem: caseProblem(opened.case, vendor) };
      }
      case 'annotate':
        await adapter.annotate(operation.id, { text: operation.text }, key);
        return { result: 'ok' };
      case 'cancel':
        return {
          result: 'ok',
          problem: caseProblem(await adapter.cancel(operation.id, operation.reason, key), vendor),
        };
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ result: 'hung', problem: `no outcome within ${HANG_MS} ms` }),
      HANG_MS,
    );
  });
  let outcome: Outcome;
  try {
    outcome = await Promise.race([work(), hung]);
  } catch (error) {
    outcome = {
      result: error instanceof Error ? error.name : typeof error,
      problem: errorProblem(error, server.secrets()),
    };
  } finally {
    clearTimeout(timer);
  }
  const lastError = adapter.health().lastError?.message ?? '';
  const leaked = server.secrets().find((s) => lastError.includes(s));
  if (!outcome.problem && leaked)
    outcome.problem = `health().lastError carries a credential: ${lastError.slice(0, 200)}`;
  return outcome;
}

/** How long passes before an input: none, past the refused-credentials cool-down, past a token's life. */
const pause = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constant(5 * 60_000 + 1) },
  { weight: 1, arbitrary: fc.constant(2 * 60 * 60_000) },
);

export const fuzzInput = (target: FuzzTarget) => fc.tuple(target.operations, answerScript, pause);

export const TARGETS = {
  equinix: equinixTarget,
  cisco: ciscoTarget,
  juniper: juniperTarget,
  motadata: motadataTarget,
} as const;

export interface FuzzReport {
  inputs: number;
  requests: number;
  seconds: number;
  /** "operation → outcome" and how often. */
  results: Map<string, number>;
  /** One line per kind of problem, with a count and the first input that showed it. */
  problems: string[];
  /** The operations that got at least one good answer all the way to a result. */
  succeeded: Set<string>;
  summary(): string;
}

/** Feeds `runs` generated inputs (seeded) to one adapter and gathers what went wrong. */
export async function fuzzAdapter(target: FuzzTarget, runs: number, seed: number): Promise<FuzzReport> {
  const results = new Map<string, number>();
  const kinds = new Map<string, { count: number; example: string }>();
  const succeeded = new Set<string>();
  let inputs = 0;
  let requests = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fuzzInput(target), async ([operation, script, pauseMs]) => {
      inputs++;
      const outcome = await runOne(target, operation, script, inputs, pauseMs);
      requests += target.server.answered.api + target.server.answered.token;
      const tally = `${operation.op} → ${outcome.result}`;
      results.set(tally, (results.get(tally) ?? 0) + 1);
      if (outcome.result === 'ok' && !outcome.problem) succeeded.add(operation.op);
      if (outcome.problem) {
        const kind = outcome.problem.replace(/\d+/g, '#').slice(0, 120);
        const seen = kinds.get(kind);
        if (seen) seen.count++;
        else {
          const input = JSON.stringify({ operation, script, pauseMs }).slice(0, 600);
          kinds.set(kind, { count: 1, example: `${outcome.problem}\n      input: ${input}` });
        }
      }
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    inputs,
    requests,
    seconds,
    results,
    succeeded,
    problems: [...kinds.values()].map(({ count, example }) => `${count}× ${example}`),
    summary: () =>
      `${target.vendor}: ${inputs} inputs, ${requests} vendor requests answered, ${seconds.toFixed(1)} s\n` +
      [...results.entries()]
        .sort()
        .map(([k, n]) => `  ${k}: ${n}`)
        .join('\n'),
  };
}

/** The operations an input may ask of this target's adapter. */
export function operationsOf(target: FuzzTarget): string[] {
  const all = ['lookup', 'refresh', 'list', 'open', 'annotate', 'cancel'];
  return all.filter((op) => op === 'refresh' || target.adapter.capabilities.has(op as Capability));
}
