import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutcomeUnknownError } from '../../../src/domain/errors.js';
import { CREATE_PATH, type Harness, openRequest, requestsTo, startEquinix } from './harness.js';

let h: Harness;

beforeEach(async () => {
  h = await startEquinix({ env: { VENDOR_TIMEOUT_MS: '300' } });
});

afterEach(async () => {
  await h.adapter.close();
  await h.sim.stop();
});

describe('Equinix adapter: a create is never made twice', () => {
  it('reports an unknown outcome when Equinix created the case but the answer never came', async () => {
    h.sim.injectFault({ fault: 'timeout-after-commit', pathIncludes: CREATE_PATH });
    const error = await h.adapter
      .open(openRequest(), { idempotencyKey: 'lost-answer' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({ idempotencyKey: 'lost-answer' });
    expect((error as Error).message).toMatch(/check equinix for reference lost-answer/);
    expect(requestsTo(h.sim, 'POST', CREATE_PATH)).toHaveLength(1);
    expect(h.sim.casesWithReference('lost-answer')).toHaveLength(1);
  });

  it('reports an unknown outcome when the connection drops after the create was sent', async () => {
    h.sim.injectFault({ fault: 'drop', pathIncludes: CREATE_PATH });
    await expect(h.adapter.open(openRequest(), { idempotencyKey: 'dropped' })).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(requestsTo(h.sim, 'POST', CREATE_PATH)).toHaveLength(1);
  });

  it('answers a double-submitted create with one case', async () => {
    h.sim.latencyMs = 50;
    const [first, second] = await Promise.all([
      h.adapter.open(openRequest(), { idempotencyKey: 'double-click' }),
      h.adapter.open(openRequest(), { idempotencyKey: 'double-click' }),
    ]);
    expect(first.case.id).toBe(second.case.id);
    expect([first.created, second.created].sort()).toEqual([false, true]);

    const third = await h.adapter.open(openRequest(), { idempotencyKey: 'double-click' });
    expect(third).toMatchObject({ created: false, case: { id: first.case.id } });

    expect(requestsTo(h.sim, 'POST', CREATE_PATH)).toHaveLength(1);
    expect(h.sim.casesWithReference('double-click')).toHaveLength(1);
  });

  it('creates separate cases for separate keys', async () => {
    const a = await h.adapter.open(openRequest(), { idempotencyKey: 'key-a' });
    const b = await h.adapter.open(openRequest(), { idempotencyKey: 'key-b' });
    expect(a.case.id).not.toBe(b.case.id);
    expect(h.sim.cases()).toHaveLength(2);
  });

  it('sends a long key as a stable reference of at most 40 characters', async () => {
    const longKey = `slack:view:V0123456789:${'submission'.repeat(6)}`;
    h.sim.injectFault({ fault: 'timeout-after-commit', pathIncludes: CREATE_PATH });
    const error = (await h.adapter
      .open(openRequest(), { idempotencyKey: longKey })
      .catch((e: unknown) => e)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);

    const reference = error.idempotencyKey;
    expect(reference.length).toBeLessThanOrEqual(40);
    expect(h.sim.casesWithReference(reference)).toHaveLength(1);

    // Another process (a restart) derives the same reference for the same key.
    const other = await startEquinix();
    try {
      await other.adapter.open(openRequest(), { idempotencyKey: longKey });
      expect(other.sim.casesWithReference(reference)).toHaveLength(1);
    } finally {
      await other.sim.stop();
    }
  });
});
