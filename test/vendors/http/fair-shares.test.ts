/**
 * Fair shares of a vendor's budget: people are served in turn, each with a cap on queued calls; the poller has
 * a reserved share; a person's timeout counts the time in the queue, and a call that cannot be served in time
 * is refused at once in plain words.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUseCases } from '../../../src/compose/use-cases.js';
import type { Case } from '../../../src/domain/case.js';
import { VendorBusyError, VendorUnavailableError } from '../../../src/domain/errors.js';
import type { Store } from '../../../src/domain/ports/store.js';
import type { VendorDirectory } from '../../../src/domain/ports/vendor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { describeError } from '../../../src/slack/words.js';
import { VendorHttpClient } from '../../../src/vendors/http/client.js';
import { BudgetRefusal, RateBudget } from '../../../src/vendors/http/rate-budget.js';
import { currentRequester, POLLER, runAs } from '../../../src/vendors/http/requester.js';
import { ManualClock } from './fake-clocks.js';

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('people are served in turn', () => {
  it("another person's lookup behind 150 queued lookups of one person starts within a few calls", async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    // Cisco's 2 calls a second.
    const budget = new RateBudget({ ratePerSecond: 2, maxConcurrent: 2, maxQueuedPerPerson: 200, clock });
    const startedAt = new Map<string, number[]>();
    const call = (requester: string) =>
      budget.run(
        async () => {
          startedAt.set(requester, [...(startedAt.get(requester) ?? []), clock.now() - t0]);
        },
        { requester },
      );
    const alice = Array.from({ length: 150 }, () => settled(call('U0ALICE')));
    await clock.advance(0);
    const bob = settled(call('U0BOB'));
    // Alice's calls already holding their slots and starts, Alice's turn, then Bob's: the fifth start.
    await clock.advance(4 * 525);
    expect(
      await Promise.race([bob, new Promise((resolve) => setImmediate(() => resolve('waiting')))]),
    ).toEqual({ ok: true, value: undefined });
    expect(startedAt.get('U0BOB')).toEqual([2100]);
    expect(budget.stats().queued).toBeGreaterThan(140);
    await clock.advance(150 * 525);
    expect((await Promise.all(alice)).every((outcome) => outcome.ok)).toBe(true);
    expect(startedAt.get('U0ALICE')).toHaveLength(150);
  });

  it('refuses at once a call beyond the per-person cap, and still takes the next person', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1, maxConcurrent: 1, maxQueuedPerPerson: 5, clock });
    const queued = Array.from({ length: 6 }, () =>
      settled(budget.run(async () => 'ok', { requester: 'U0ALICE' })),
    );
    // One runs, five wait: the sixth request is refused without waiting for anything.
    const sixth = await settled(budget.run(async () => 'ok', { requester: 'U0ALICE' }));
    expect(sixth.ok).toBe(false);
    expect(sixth.ok ? undefined : (sixth.error as BudgetRefusal).reason).toBe('person-queue-full');
    const bob = settled(budget.run(async () => 'bob', { requester: 'U0BOB' }));
    await clock.advance(10_000);
    expect(await bob).toEqual({ ok: true, value: 'bob' });
    expect((await Promise.all(queued)).filter((o) => o.ok)).toHaveLength(6);
  });

  it('refuses at once a call that would start after its deadline, saying about how long it would wait', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1, maxConcurrent: 1, clock });
    const deadlineAt = clock.now() + 3_000;
    const calls = Array.from({ length: 6 }, () =>
      settled(budget.run(async () => 'ok', { requester: 'U0ALICE', deadlineAt })),
    );
    await clock.advance(5_000);
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    const refused = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? undefined : o.error));
    expect(refused.every((e) => e instanceof BudgetRefusal && e.reason === 'would-wait-too-long')).toBe(true);
    expect((refused[0] as BudgetRefusal).waitMs).toBeGreaterThanOrEqual(3_000);
  });
});

describe("the poller's reserved share", () => {
  async function firstStarts(requesters: string[], perRequester: number, starts: number) {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 10, maxConcurrent: 1, maxQueuedPerPerson: 500, clock });
    const order: string[] = [];
    const calls = requesters.flatMap((requester) =>
      Array.from({ length: perRequester }, () =>
        settled(budget.run(async () => void order.push(requester), { requester })),
      ),
    );
    await clock.advance(starts * 105);
    const head = order.slice(0, starts);
    await clock.advance(requesters.length * perRequester * 105);
    await Promise.all(calls);
    return (requester: string) => head.filter((r) => r === requester).length;
  }

  it('ten busy people cannot starve the poller: it gets half of the starts', async () => {
    const people = Array.from({ length: 10 }, (_, i) => `U0PERSON${i}`);
    const count = await firstStarts([...people, POLLER], 60, 100);
    expect(count(POLLER)).toBeGreaterThanOrEqual(48);
    expect(count(POLLER)).toBeLessThanOrEqual(52);
  });

  it('a long sweep cannot starve people: they get the other half, in turn', async () => {
    const count = await firstStarts([POLLER, 'U0ALICE', 'U0BOB'], 200, 100);
    expect(count(POLLER)).toBeLessThanOrEqual(52);
    expect(count('U0ALICE')).toBeGreaterThanOrEqual(24);
    expect(count('U0BOB')).toBeGreaterThanOrEqual(24);
  });
});

describe('through the HTTP client', () => {
  // The client loads undici on its first call; these timings are about the queue, not that load.
  beforeAll(async () => {
    await import('undici');
  });
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function slowVendor(latencyMs: number): Promise<string> {
    server = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }, latencyMs);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  function client(baseUrl: string, budget: RateBudget, timeoutMs: number) {
    return new VendorHttpClient({ vendor: 'cisco', baseUrl, timeoutMs, budget, retry: { attempts: 1 } });
  }

  const lookup = (http: VendorHttpClient) =>
    http.request({ operation: 'lookup', method: 'GET', path: '/case/1', idempotent: true });

  it("counts a person's time in the queue toward the vendor timeout", async () => {
    const http = client(await slowVendor(500), new RateBudget({ ratePerSecond: 100, maxConcurrent: 1 }), 700);
    const started = Date.now();
    const first = settled(runAs('U0ALICE', () => lookup(http)));
    const second = settled(runAs('U0BOB', () => lookup(http)));
    expect((await first).ok).toBe(true);
    const late = await second;
    // Bob waited ~500 ms for Alice's call, so only ~200 ms of his 700 were left for a 500 ms answer: he hears
    // at about 700 ms that it did not come in time (timed out, or refused in the queue if Alice ran late),
    // where a timeout started at his own call's start would have let it succeed at about 1000 ms.
    expect(late.ok).toBe(false);
    const error = late.ok ? undefined : late.error;
    expect(error instanceof VendorUnavailableError || error instanceof VendorBusyError).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('the poller keeps its whole timeout for the exchange: its sweeps queue by design', async () => {
    const http = client(await slowVendor(400), new RateBudget({ ratePerSecond: 100, maxConcurrent: 1 }), 600);
    const outcomes = await Promise.all([
      settled(runAs(POLLER, () => lookup(http))),
      settled(runAs(POLLER, () => lookup(http))),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
  });

  it('a full queue answers at once with a busy error in plain words, and nothing is sent', async () => {
    let received = 0;
    server = createServer((_req, res) => {
      received++;
      setTimeout(() => res.end('{}'), 200);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const http = client(baseUrl, new RateBudget({ ratePerSecond: 2, maxConcurrent: 1 }), 2_000);
    const busy = runAs('U0ALICE', () => Promise.all(Array.from({ length: 8 }, () => settled(lookup(http)))));
    const outcomes = await busy;
    const refused = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? undefined : o.error));
    // At two calls a second, only the calls that can start within the 2 s timeout are taken.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e instanceof VendorBusyError)).toBe(true);
    expect(received).toBe(8 - refused.length);
    expect(describeError(refused[0]).text).toMatch(
      /^Cisco is busy: your lookup would wait about \d+ s; try again shortly\. Nothing was sent\.$/,
    );
  });

  it('words a refusal the way a person reads it', () => {
    expect(describeError(new VendorBusyError('cisco', 'lookup', 40_000, false)).text).toBe(
      'Cisco is busy: your lookup would wait about 40 s; try again shortly. Nothing was sent.',
    );
    expect(describeError(new VendorBusyError('cisco', 'open', 12_300, true))).toMatchObject({
      text: 'Cisco is busy: you already have calls waiting for it, and your new case would wait about 13 s; try again shortly. Nothing was sent.',
      retryable: true,
      resubmittable: true,
    });
  });
});

describe('the requester scope', () => {
  it('carries the requester through awaits, and none outside a scope', async () => {
    expect(currentRequester()).toBeUndefined();
    const seen = await runAs('U0ALICE', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequester();
    });
    expect(seen).toBe('U0ALICE');
  });
});

describe("the use cases' vendor calls", () => {
  it('run as the person who asked', async () => {
    const seen: Array<string | undefined> = [];
    const adapter = {
      vendor: 'cisco',
      capabilities: new Set(['lookup']),
      parseCaseId: (raw: string) => raw,
      lookup: async (id: string) => {
        seen.push(currentRequester());
        return { vendor: 'cisco', id } as unknown as Case;
      },
    };
    const vendors = { require: () => adapter } as unknown as VendorDirectory;
    const { cases } = createUseCases({ store: {} as Store, vendors, logger: silentLogger });
    await cases.lookup({ userId: 'U0ALICE', channelId: 'C0NOC' }, 'cisco', '699999999');
    expect(seen).toEqual(['U0ALICE']);
  });
});
