import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VendorUnauthorisedError } from '../../../src/domain/errors.js';
import { bearerAuth } from '../../../src/vendors/http/auth.js';
import { VendorHttpClient } from '../../../src/vendors/http/client.js';
import { RateBudget } from '../../../src/vendors/http/rate-budget.js';
import { TokenCache } from '../../../src/vendors/http/token-cache.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A vendor whose token endpoint and API share one host: it hands out `issued` and accepts only `accepted`. */
interface VendorState {
  issued: string;
  accepted: string;
  tokenCalls: number;
}

async function startVendor(state: VendorState): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/token') {
      state.tokenCalls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: state.issued, expires_in: 3600 }));
      return;
    }
    const ok = req.headers.authorization === `Bearer ${state.accepted}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { value: 'ok' } : { error: 'expired' }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function clientFor(baseUrl: string, maxConcurrent: number) {
  // One budget for the token call and the API calls, as a vendor with one shared quota would have.
  const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent });
  let client: VendorHttpClient;
  const tokens = new TokenCache({
    fetchToken: async () => {
      const { data } = await client.request({
        operation: 'token',
        method: 'POST',
        path: '/token',
        anonymous: true,
        idempotent: false,
        schema: z.object({ access_token: z.string(), expires_in: z.number() }),
      });
      return { accessToken: data.access_token, expiresInSeconds: data.expires_in };
    },
  });
  client = new VendorHttpClient({
    vendor: 'cisco',
    baseUrl,
    timeoutMs: 2000,
    budget,
    auth: bearerAuth(tokens),
  });
  return { client, tokens };
}

const read = {
  operation: 'lookup',
  method: 'GET',
  path: '/thing',
  idempotent: true,
  schema: z.object({ value: z.string() }),
} as const;

describe('VendorHttpClient', () => {
  it('fetches a token through the same budget without deadlocking, even with a single slot', async () => {
    const state: VendorState = { issued: 't1', accepted: 't1', tokenCalls: 0 };
    const { client } = clientFor(await startVendor(state), 1);
    const answers = await Promise.all([client.request(read), client.request(read), client.request(read)]);
    expect(answers.map((a) => a.data.value)).toEqual(['ok', 'ok', 'ok']);
    expect(state.tokenCalls).toBe(1);
  });

  it('refreshes a refused token once and retries, then reports credentials refused', async () => {
    const state: VendorState = { issued: 't1', accepted: 't1', tokenCalls: 0 };
    const { client } = clientFor(await startVendor(state), 2);
    await client.request(read);
    // The vendor revoked t1 and now hands out t2.
    state.issued = 't2';
    state.accepted = 't2';
    expect((await client.request(read)).data.value).toBe('ok');
    expect(state.tokenCalls).toBe(2);

    // The vendor now refuses every token it issues (say, the API product was unsubscribed).
    state.issued = 't3';
    state.accepted = 'nothing-it-issues';
    const token = state.tokenCalls;
    await expect(client.request({ ...read, path: '/other' })).rejects.toBeInstanceOf(VendorUnauthorisedError);
    expect(state.tokenCalls - token).toBe(1);
  });

  it('keeps a credential the vendor echoes in its error out of the health people are shown', async () => {
    server = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream refused Authorization: Bearer abcdefghijk0123456789');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new VendorHttpClient({
      vendor: 'cisco',
      baseUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`,
      timeoutMs: 2000,
      budget: new RateBudget({ ratePerSecond: 1000, maxConcurrent: 1 }),
      retry: { attempts: 1 },
    });
    await expect(client.request(read)).rejects.toThrow();
    const lastError = client.health().lastError;
    expect(lastError?.code).toBeDefined();
    expect(lastError?.message).not.toContain('abcdefghijk0123456789');
  });
});
