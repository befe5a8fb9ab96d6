/** The one OAuth client: its own token budget, the refusal cool-down, and a fresh token after a 401. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VendorUnauthorisedError } from '../../../src/domain/errors.js';
import { type Clock, systemClock } from '../../../src/domain/ports/clock.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { VendorHttpClient } from '../../../src/vendors/http/client.js';
import { oauthClient } from '../../../src/vendors/http/oauth.js';
import { RateBudget } from '../../../src/vendors/http/rate-budget.js';
import type { FailedAnswer } from '../../../src/vendors/http/wire.js';

/** Real time that a test can jump forward (the cool-down), while sleeps stay real and short. */
class JumpingClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A vendor that issues `issued`, accepts `accepted`, and refuses token requests while `refuse` is set. */
interface VendorState {
  issued: string;
  accepted: string;
  refuse: boolean;
  tokenCalls: number;
}

async function startVendor(state: VendorState): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/token') {
      state.tokenCalls++;
      res.writeHead(state.refuse ? 401 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(state.refuse ? { error: 'invalid_client' } : { token: state.issued, ttl: 3600 }),
      );
      return;
    }
    const ok = req.headers.authorization === `Bearer ${state.accepted}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { value: 'ok' } : { error: 'expired' }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const refusal = (answer: FailedAnswer) =>
  answer.status === 401 ? new VendorUnauthorisedError('acme', 'credentials refused', 401) : undefined;

function client(baseUrl: string, clock: JumpingClock, refreshed: string[]) {
  const deps = {
    logger: silentLogger,
    clock,
    retry: { attempts: 1 },
    onTokenRefresh: (v: string) => refreshed.push(v),
  };
  return new VendorHttpClient({
    vendor: 'acme',
    baseUrl,
    timeoutMs: 2000,
    clock,
    // One slot for data calls: the token call must not need it.
    budget: new RateBudget({ ratePerSecond: 1000, maxConcurrent: 1, clock }),
    mapError: refusal,
    retry: { attempts: 1 },
    auth: oauthClient({
      vendor: 'acme',
      vendorName: 'Acme',
      baseUrl,
      timeoutMs: 2000,
      refusalCooldownMs: 60_000,
      mapError: refusal,
      token: {
        path: '/token',
        body: { form: { grant_type: 'client_credentials' } },
        schema: z.object({ token: z.string(), ttl: z.number() }),
        read: (answer) => ({ accessToken: answer.token, expiresInSeconds: answer.ttl }),
      },
      deps,
    }),
  });
}

const read = { operation: 'lookup', method: 'GET', path: '/thing', idempotent: true } as const;

describe('oauthClient', () => {
  it('fetches one token for calls made together, through a budget of its own', async () => {
    const state: VendorState = { issued: 't1', accepted: 't1', refuse: false, tokenCalls: 0 };
    const refreshed: string[] = [];
    const http = client(await startVendor(state), new JumpingClock(), refreshed);
    await Promise.all([http.request(read), http.request(read), http.request(read)]);
    expect(state.tokenCalls).toBe(1);
    expect(refreshed).toEqual(['acme']);
  });

  it('asks for a fresh token when the vendor answers 401, and carries on', async () => {
    const state: VendorState = { issued: 't1', accepted: 't1', refuse: false, tokenCalls: 0 };
    const http = client(await startVendor(state), new JumpingClock(), []);
    await http.request(read);
    state.issued = 't2';
    state.accepted = 't2';
    await expect(http.request(read)).resolves.toMatchObject({ status: 200 });
    expect(state.tokenCalls).toBe(2);
  });

  it('after refused credentials, fails fast until the cool-down has passed', async () => {
    const state: VendorState = { issued: 't1', accepted: 't1', refuse: true, tokenCalls: 0 };
    const clock = new JumpingClock();
    const http = client(await startVendor(state), clock, []);
    await expect(http.request(read)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    await expect(http.request(read)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    expect(state.tokenCalls).toBe(1);

    state.refuse = false;
    clock.jump(60_001);
    await expect(http.request(read)).resolves.toMatchObject({ status: 200 });
    expect(state.tokenCalls).toBe(2);
  });
});
