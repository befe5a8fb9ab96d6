/**
 * A short run of the vendor answer fuzzing (the 10,000-input one is vendor-answers.fuzz.ts): a few hundred
 * odd answers per adapter, so the credential masking and the typed-error guarantee are checked in every run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type FuzzTarget, fuzzAdapter, TARGETS } from './vendor-adapters.js';

describe.each(Object.keys(TARGETS) as Array<keyof typeof TARGETS>)('%s adapter, short fuzz', (vendor) => {
  let target: FuzzTarget | undefined;
  afterAll(async () => {
    await target?.adapter.close();
    await target?.stop();
  });

  it('ends 200 odd answers in typed errors or sane cases, with no credential in the text', async () => {
    target = await TARGETS[vendor]();
    const report = await fuzzAdapter(target, 200, 20260604);
    expect(report.problems).toEqual([]);
    expect(report.succeeded.size).toBeGreaterThan(0);
  });
});
