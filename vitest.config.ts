import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Real HTTP servers on loopback and a real SQLite file per test: keep parallelism modest on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
