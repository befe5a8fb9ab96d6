import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/domain/errors.js';
import { readBearer } from '../../../src/vendors/sim-kit.js';
import { captureLogs, type Harness, openRequest, startEquinix } from './harness.js';

describe('Equinix adapter: ids never shape a URL', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEquinix();
  });
  afterEach(async () => {
    await h.sim.stop();
  });

  const hostile = [
    '../x',
    '1 2',
    '11150929/notes',
    '11150929/../12345678',
    '%2e%2e',
    '11150929?x=1',
    '',
    '..',
  ];

  it.each(hostile)('refuses %j for every operation before any request is sent', async (id) => {
    await expect(h.adapter.lookup(id)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.adapter.annotate(id, { text: 'x' }, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(h.adapter.cancel(id, 'x', { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('Equinix adapter: logs', () => {
  it('never writes the client secret or an access token to the logs', async () => {
    const logs = captureLogs();
    const secret = 'eqx-secret-4f9c2a7d1be04c51';
    const h = await startEquinix({
      sim: { clientSecret: secret, throttleRetryAfterSeconds: 1 },
      env: { EQUINIX_CLIENT_SECRET: secret },
      logger: logs.logger,
    });
    try {
      const id = h.sim.seed();
      await h.adapter.lookup(id);
      h.sim.expireTokens();
      h.sim.injectFault({ fault: 'http-503', pathIncludes: '/support/v2/tickets/', times: 1 });
      await h.adapter.lookup(id);
      await h.adapter.annotate(id, { text: 'note' }, { idempotencyKey: 'log-note' });
      h.sim.injectFault({ fault: 'http-503', pathIncludes: '/support/v2/tickets/', times: Infinity });
      await h.adapter.open(openRequest(), { idempotencyKey: 'log-open' });
      h.sim.clearFaults();
      await h.adapter.cancel(id, 'done', { idempotencyKey: 'log-cancel' });
    } finally {
      await h.sim.stop();
    }

    const tokens = [
      ...new Set(
        h.sim.requests.flatMap((r) => {
          const header = r.headers.authorization;
          const token = readBearer(Array.isArray(header) ? header[0] : header);
          return token ? [token] : [];
        }),
      ),
    ];
    expect(tokens.length).toBe(2);
    const text = logs.text();
    // The calls above log retries, answers and the failed read-back: the check has something to look at.
    expect(text).toMatch(/retrying vendor call/);
    expect(text).toMatch(/reading it back failed/);
    expect(text).not.toContain(secret);
    for (const token of tokens) expect(text).not.toContain(token);
  });
});
