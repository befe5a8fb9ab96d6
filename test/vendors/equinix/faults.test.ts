import { afterEach, describe, expect, it } from 'vitest';
import {
  OutcomeUnknownError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
} from '../../../src/domain/errors.js';
import { CREATE_PATH, type Harness, openRequest, requestsTo, startEquinix, TOKEN_PATH } from './harness.js';

let h: Harness | undefined;

async function start(options: Parameters<typeof startEquinix>[0] = {}): Promise<Harness> {
  h = await startEquinix(options);
  return h;
}

afterEach(async () => {
  await h?.adapter.close();
  await h?.sim.stop();
  h = undefined;
});

const ticketPath = (id: string) => `/support/v2/tickets/${id}`;

describe('Equinix adapter: timeouts', () => {
  it('recovers when only the first attempt of a read times out', async () => {
    const { sim, adapter } = await start({ env: { VENDOR_TIMEOUT_MS: '200' } });
    const id = sim.seed();
    sim.injectFault({ fault: 'timeout', pathIncludes: '/support/v2/tickets/', times: 1 });
    expect((await adapter.lookup(id)).id).toBe(id);
    expect(requestsTo(sim, 'GET', ticketPath(id))).toHaveLength(2);
  });
});

describe('Equinix adapter: 5xx', () => {
  it('retries a read that met a 5xx and returns the case', async () => {
    const { sim, adapter } = await start();
    const id = sim.seed();
    sim.injectFault({ fault: 'http-500', pathIncludes: '/support/v2/tickets/', times: 2 });
    expect((await adapter.lookup(id)).id).toBe(id);
    expect(requestsTo(sim, 'GET', ticketPath(id))).toHaveLength(3);
  });
});

describe('Equinix adapter: throttling', () => {
  it('waits as long as Retry-After says, then reads again', async () => {
    const { sim, adapter, clock } = await start({ sim: { throttleRetryAfterSeconds: 2 } });
    const id = sim.seed();
    sim.injectFault({ fault: 'throttle', pathIncludes: '/support/v2/tickets/', times: 1 });
    expect((await adapter.lookup(id)).id).toBe(id);
    expect(requestsTo(sim, 'GET', ticketPath(id))).toHaveLength(2);
    expect(clock.sleeps).toContain(2_000);
  });

  it('reports a throttled create with the wait Equinix asked for, and sends no second create', async () => {
    const { sim, adapter } = await start({ sim: { throttleRetryAfterSeconds: 7 } });
    sim.injectFault({ fault: 'throttle', pathIncludes: CREATE_PATH, times: 1 });
    const error = await adapter.open(openRequest(), { idempotencyKey: 'throttled' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorThrottledError);
    expect(error).toMatchObject({ retryAfterMs: 7_000, httpStatus: 429 });
    expect(requestsTo(sim, 'POST', CREATE_PATH)).toHaveLength(1);
    expect(sim.casesWithReference('throttled')).toHaveLength(0);
    expect(adapter.health().throttledUntil).toBeDefined();
  });

  it('lets a throttled create be tried again once the vendor allows, creating one case', async () => {
    const { sim, adapter } = await start();
    sim.injectFault({ fault: 'throttle', pathIncludes: CREATE_PATH, times: 1 });
    await expect(adapter.open(openRequest(), { idempotencyKey: 'throttled-then-ok' })).rejects.toBeInstanceOf(
      VendorThrottledError,
    );
    const { created } = await adapter.open(openRequest(), { idempotencyKey: 'throttled-then-ok' });
    expect(created).toBe(true);
    expect(sim.casesWithReference('throttled-then-ok')).toHaveLength(1);
  });
});

describe('Equinix adapter: malformed answers', () => {
  it('treats an unreadable create answer as an unknown outcome, never as a failure to repeat', async () => {
    const { sim, adapter } = await start();
    sim.injectFault({ fault: 'malformed-json', pathIncludes: CREATE_PATH, times: 1 });
    const error = await adapter.open(openRequest(), { idempotencyKey: 'garbled' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({ idempotencyKey: 'garbled' });
    expect(requestsTo(sim, 'POST', CREATE_PATH)).toHaveLength(1);
    expect(sim.casesWithReference('garbled')).toHaveLength(1);
  });

  it('asks for a token again when the token answer was unreadable, and the read goes through', async () => {
    const { sim, adapter } = await start();
    const id = sim.seed();
    sim.injectFault({ fault: 'malformed-json', pathIncludes: TOKEN_PATH, times: 1 });
    await expect(adapter.lookup(id)).resolves.toMatchObject({ id });
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(2);
  });
});

describe('Equinix adapter: tokens', () => {
  it('reuses one token across calls', async () => {
    const { sim, adapter, tokenRefreshes } = await start();
    const id = sim.seed();
    await adapter.lookup(id);
    await adapter.lookup(id);
    await Promise.all([adapter.lookup(id), adapter.lookup(id), adapter.lookup(id)]);
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(1);
    expect(tokenRefreshes).toEqual(['equinix']);
    const [tokenCall] = requestsTo(sim, 'POST', TOKEN_PATH);
    expect(JSON.parse(tokenCall!.body)).toEqual({
      grant_type: 'client_credentials',
      client_id: sim.env().EQUINIX_CLIENT_ID,
      client_secret: sim.env().EQUINIX_CLIENT_SECRET,
    });
    expect(tokenCall!.headers.authorization).toBeUndefined();
  });

  it('fetches exactly one new token when Equinix refuses an expired one, and succeeds', async () => {
    const { sim, adapter, tokenRefreshes } = await start();
    const id = sim.seed();
    await adapter.lookup(id);
    sim.expireTokens();
    expect((await adapter.lookup(id)).id).toBe(id);
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(2);
    expect(tokenRefreshes).toHaveLength(2);
    expect(requestsTo(sim, 'GET', ticketPath(id))).toHaveLength(3);
  });

  it('refreshes once for a write refused with an expired token; Equinix did not act on the refused one', async () => {
    const { sim, adapter } = await start();
    const id = sim.seed();
    await adapter.lookup(id);
    sim.expireTokens();
    await adapter.annotate(id, { text: 'after expiry' }, { idempotencyKey: 'n-expired' });
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(2);
    expect(sim.find(id)!.notes).toHaveLength(1);
  });

  it('asks for a token once with bad credentials, and not again within the cool-down', async () => {
    const { sim, adapter, clock, tokenRefreshes } = await start({
      env: { EQUINIX_CLIENT_SECRET: 'not-the-secret' },
    });
    const id = sim.seed();
    const first = await adapter.lookup(id).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(VendorUnauthorisedError);
    expect((first as Error).message).toMatch(/EQUINIX_CLIENT_SECRET/);
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(1);

    clock.skip(60_000);
    await expect(adapter.lookup(id)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    await expect(adapter.open(openRequest(), { idempotencyKey: 'no-creds' })).rejects.toBeInstanceOf(
      VendorUnauthorisedError,
    );
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(1);
    expect(requestsTo(sim, 'GET', ticketPath(id))).toHaveLength(0);
    expect(requestsTo(sim, 'POST', CREATE_PATH)).toHaveLength(0);
    expect(sim.consecutiveTokenFailures).toBe(1);
    expect(sim.locked).toBe(false);
    expect(tokenRefreshes).toHaveLength(0);

    clock.skip(5 * 60_000);
    await expect(adapter.lookup(id)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    expect(requestsTo(sim, 'POST', TOKEN_PATH)).toHaveLength(2);
  });
});

describe('Equinix adapter: vendor answers', () => {
  it('reports a refused create in Equinix words with its EQ code', async () => {
    const { sim, adapter } = await start({ sim: { retiredCodes: ['0100-0200'] } });
    const error = await adapter.open(openRequest(), { idempotencyKey: 'retired' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({
      reason: 'Ticket code 0100-0200 is not accepted. (EQ-3040020)',
      vendorCode: 'EQ-3040020',
      httpStatus: 400,
    });
    expect(sim.cases()).toHaveLength(0);
  });
});
