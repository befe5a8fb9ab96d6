/**
 * Vendor answer fuzzing: each adapter, built by its production factory, takes FUZZ_RUNS (10,000) generated
 * odd answers for every operation it supports. Every input must end in a typed caseops error or a sane case,
 * never carry a credential into an error or health, never hang. Problems are collected over the whole run and
 * reported together by kind (with the first input that caused each), so one run shows every kind at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS } from './support.js';
import { type FuzzTarget, fuzzAdapter, operationsOf, TARGETS } from './vendor-adapters.js';

const SEED = 20260601;

describe.each(Object.keys(TARGETS) as Array<keyof typeof TARGETS>)(
  '%s adapter under odd vendor answers',
  (vendor) => {
    let target: FuzzTarget | undefined;
    afterAll(async () => {
      await target?.adapter.close();
      await target?.stop();
    });

    it(`ends every one of ${FUZZ_RUNS} answers in a typed error or a sane case, with no credential in the text`, async () => {
      target = await TARGETS[vendor]();
      const report = await fuzzAdapter(target, FUZZ_RUNS, SEED);
      console.log(report.summary());
      expect(report.inputs).toBe(FUZZ_RUNS);
      // Every operation the adapter supports got good answers through to a result, not only errors.
      expect([...report.succeeded].sort()).toEqual(operationsOf(target).sort());
      expect(report.problems, `${report.problems.length} kinds of problem`).toEqual([]);
    });
  },
);
