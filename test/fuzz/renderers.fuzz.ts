/**
 * FUZZ_RUNS (10,000) hostile inputs through every Slack renderer (case card, case list, watching list, digest,
 * audit trail, vendors, error notices, App Home, the note/cancel/result modals), including each message's
 * fallback text. Problems are gathered over the whole run and reported by kind with an example.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseLinkLabels, renderAll, renderedProblems, renderInput } from './renderers.js';
import { FUZZ_RUNS } from './support.js';

describe('hostile vendor text through every renderer', () => {
  it(`pings nobody, shows no disguised link and fits Slack's limits, over ${FUZZ_RUNS} inputs`, () => {
    const problems = new Map<string, { count: number; example: string }>();
    const surfaces = new Map<string, number>();
    const started = performance.now();
    fc.assert(
      fc.property(renderInput, (input) => {
        const ownLabels = caseLinkLabels(input);
        for (const rendered of renderAll(input)) {
          surfaces.set(rendered.surface, (surfaces.get(rendered.surface) ?? 0) + 1);
          for (const problem of renderedProblems(rendered, ownLabels)) {
            const kind = problem.replace(/<[^>]*>|\d+/g, '…').slice(0, 100);
            const seen = problems.get(kind);
            if (seen) seen.count++;
            else problems.set(kind, { count: 1, example: problem.slice(0, 300) });
          }
        }
      }),
      { numRuns: FUZZ_RUNS, seed: 20260602 },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `renderers: ${FUZZ_RUNS} inputs, ${seconds.toFixed(1)} s; surfaces rendered: ${[...surfaces.entries()]
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    expect([...problems.values()].map(({ count, example }) => `${count}× ${example}`)).toEqual([]);
  });
});
