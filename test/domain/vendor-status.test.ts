import { describe, expect, it } from 'vitest';
import type { VendorId } from '../../src/domain/case.js';
import type { Capability, VendorHealth } from '../../src/domain/ports/vendor.js';
import {
  formatDuration,
  vendorStatuses,
  vendorStatus as vendorStatusNamed,
} from '../../src/domain/vendor-status.js';
import { vendorName } from '../../src/vendors/plugin.js';

/** The status as `/case vendors` builds it: with the plugin's display name. */
const vendorStatus = (a: ReturnType<typeof adapter>, now: number) =>
  vendorStatusNamed(a, now, vendorName(a.vendor));

const NOW = Date.parse('2026-11-02T10:00:00Z');
const BUDGET = { ratePerSecond: 2, maxConcurrent: 2, inFlight: 1, queued: 3 };

function adapter(vendor: VendorId, capabilities: Capability[], health: Partial<VendorHealth> = {}) {
  return {
    vendor,
    capabilities: new Set(capabilities),
    health: (): VendorHealth => ({ vendor, budget: BUDGET, ...health }),
  };
}

describe('vendorStatus', () => {
  it('a throttled vendor says when it retries, with the vendor error', () => {
    const status = vendorStatus(
      adapter('cisco', ['list', 'lookup'], {
        lastSuccessAt: '2026-11-02T09:58:00Z',
        lastError: { code: 'throttled', message: 'cisco is rate limiting us.', at: '2026-11-02T09:59:59Z' },
        throttledUntil: '2026-11-02T10:00:40Z',
      }),
      NOW,
    );
    expect(status).toEqual({
      vendor: 'cisco',
      name: 'Cisco',
      state: 'throttled',
      headline: 'Cisco: throttled, retrying in 40 s',
      allows: ['lookup', 'list'],
      allowsText: 'look up, list',
      lastSuccess: '2 min ago',
      currentError: 'throttled: throttling caseops',
      budget: '1 of 2 calls in flight, 3 queued; limit 2 calls/s',
    });
  });

  it('a vendor failing since its last good answer', () => {
    const status = vendorStatus(
      adapter('juniper', ['open', 'lookup', 'annotate'], {
        lastSuccessAt: '2026-11-02T08:00:00Z',
        lastError: {
          code: 'unavailable',
          message: 'juniper is not answering properly: no answer within 10000 ms',
          at: '2026-11-02T09:59:30Z',
        },
      }),
      NOW,
    );
    expect(status.state).toBe('failing');
    expect(status.headline).toBe(
      'Juniper: not answering properly (last error 30 s ago; last good answer 2 h ago)',
    );
    expect(status.currentError).toBe('unavailable: not answering properly');
    expect(status.allowsText).toBe('open, look up, add notes');
  });

  it('refused credentials before any success', () => {
    const status = vendorStatus(
      adapter('motadata', ['open'], {
        lastError: {
          code: 'unauthorised',
          message: 'refused: Bearer [redacted] at /opt/serviceops/tomcat/conf',
          at: '2026-11-02T09:00:00Z',
          httpStatus: 401,
        },
      }),
      NOW,
    );
    expect(status.headline).toBe(
      'Motadata ServiceOps: refusing caseops’ credentials (last error 1 h ago; last good answer none since start-up)',
    );
    // The code and a plain sentence: never the text of the server's answer, which any call may have produced.
    expect(status.currentError).toBe('unauthorised, HTTP 401: refusing caseops’ credentials');
  });

  it('is OK after a newer success, and a missing case is not a vendor problem', () => {
    const recovered = vendorStatus(
      adapter('equinix', ['open', 'lookup', 'annotate', 'cancel'], {
        lastSuccessAt: '2026-11-02T09:59:00Z',
        lastError: { code: 'unavailable', message: 'down', at: '2026-11-02T09:50:00Z' },
      }),
      NOW,
    );
    expect(recovered).toMatchObject({ state: 'ok', headline: 'Equinix: OK, last answer 1 min ago' });
    expect(recovered.currentError).toBeUndefined();

    const notFound = vendorStatus(
      adapter('equinix', ['lookup'], {
        lastSuccessAt: '2026-11-02T09:00:00Z',
        lastError: {
          code: 'not_found',
          message: 'No case 1 was found at equinix.',
          at: '2026-11-02T09:59:00Z',
        },
      }),
      NOW,
    );
    expect(notFound.state).toBe('ok');
  });

  it('a vendor not called yet, and one whose pause has passed', () => {
    expect(vendorStatus(adapter('cisco', []), NOW)).toMatchObject({
      state: 'idle',
      headline: 'Cisco: no calls yet since start-up',
      allowsText: 'nothing',
    });
    expect(
      vendorStatus(adapter('cisco', ['lookup'], { throttledUntil: '2026-11-02T09:59:00Z' }), NOW).state,
    ).toBe('idle');
  });

  it('keeps the registry order for several vendors', () => {
    const list = vendorStatuses([adapter('equinix', ['lookup']), adapter('cisco', ['lookup'])], NOW);
    expect(list.map((s) => s.vendor)).toEqual(['equinix', 'cisco']);
  });

  it('writes slow rates per minute', () => {
    const slow = adapter('cisco', ['lookup'], { budget: { ...BUDGET, ratePerSecond: 0.5 } });
    expect(vendorStatus(slow, NOW).budget).toBe('1 of 2 calls in flight, 3 queued; limit 30 calls/min');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '1 s'],
    [400, '1 s'],
    [40_000, '40 s'],
    [59_500, '60 s'],
    [60_000, '1 min'],
    [3_599_000, '59 min'],
    [3_600_000, '1 h'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000, '3 d'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
