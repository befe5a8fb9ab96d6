import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the long fault and fuzz suites (10,000 generated inputs per Slack listener,
 * process kills and restarts, database outages). The fast fault tests stay in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts', 'test/fuzz/**/*.fuzz.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
