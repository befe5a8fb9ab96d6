/**
 * Vendor answer fuzzing: each adapter, built by its production factory, takes FUZZ_RUNS (10,000) generated
 * odd answers for every operation it supports. Every input must end in a typed caseops error or a sane case,
 * never carry a credential into an error or health, never hang. Problems are collected over the whole run and
 * reported together (with the input that caused each), so one run shows every kind of failure at once.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS } from './support.js';
import { type FuzzTarget, fuzzInput, runOne, TARGETS } from './vendor-adapters.js';

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
      const current = target;
      const results = new Map<string, number>();
      const problems: Array<{ problem: string; input: string }> = [];
      let serial = 0;
      let requests = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fuzzInput(current), async ([operation, script]) => {
          serial++;
          const outcome = await runOne(current, operation, script, serial);
          requests += current.server.answered.api + current.server.answered.token;
          const tally = `${operation.op} → ${outcome.result}`;
          results.set(tally, (results.get(tally) ?? 0) + 1);
          if (outcome.problem) {
            problems.push({
              problem: outcome.problem,
              input: JSON.stringify({ operation, script }).slice(0, 600),
            });
          }
        }),
        { numRuns: FUZZ_RUNS, seed: SEED, endOnFailure: true },
      );
      const seconds = (performance.now() - started) / 1000;
      const summary = [...results.entries()].sort().map(([k, n]) => `  ${k}: ${n}`);
      console.log(
        `${vendor}: ${serial} inputs, ${requests} vendor requests answered, ${seconds.toFixed(1)} s\n${summary.join('\n')}`,
      );
      // Every supported operation was reached, and some inputs got all the way to a case.
      expect(serial).toBe(FUZZ_RUNS);
      expect([...results.keys()].some((k) => k.endsWith('→ ok'))).toBe(true);
      const kinds = new Map<string, { count: number; example: string }>();
      for (const { problem, input } of problems) {
        const kind = problem.replace(/\d+/g, '#').slice(0, 120);
        const seen = kinds.get(kind);
        if (seen) seen.count++;
        else kinds.set(kind, { count: 1, example: `${problem}\n      input: ${input}` });
      }
      expect(
        [...kinds.values()].map(({ count, example }) => `${count}× ${example}`),
        `${problems.length} of ${serial} inputs went wrong`,
      ).toEqual([]);
    });
  },
);
