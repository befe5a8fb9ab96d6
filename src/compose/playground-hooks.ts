/**
 * What the playground's simulators panel drives in the app: a poll now, and aging a case (everything caseops
 * recorded about it moved into the past, then the nudges due by then posted, as after a poll).
 */
import type { CaseAging } from '../domain/ports/clock-readings.js';
import type { PlaygroundHooks } from '../playground/index.js';

export function playgroundHooks(options: {
  pollOnce: () => Promise<unknown>;
  store: CaseAging;
  /** The steps the scheduler runs after each poll (nudges). */
  afterPoll?: () => Promise<unknown>;
}): PlaygroundHooks {
  return {
    pollNow: async () => {
      await options.pollOnce();
    },
    ageCase: async (vendor, caseId, byMs) => {
      const aged = await options.store.ageCase(vendor, caseId, byMs);
      if (aged) await options.afterPoll?.();
      return aged;
    },
  };
}
