/**
 * A poll is a burst of allocation (thousands of vendor answers parsed, compared and stored), and so is a flood
 * of commands before it. V8 grows its heap for a burst, and afterwards keeps the pages it freed for its next
 * one instead of handing them back: a process that had just swept 10,000 cases stayed about 50 MiB larger,
 * with under half of its heap in use. A collection that reduces memory after each poll hands them back, for
 * one pause of a few tens of milliseconds per poll.
 *
 * It needs `node --expose-gc`, which the production start passes (the Dockerfile's CMD and `npm start`, as
 * bench/config.ts's CASEOPS_NODE_FLAGS). Without the flag nothing is released and nothing fails.
 */
import type { Logger } from '../logging/logger.js';

/** V8's collector as `--expose-gc` installs it: asynchronous, memory-reducing. */
export type MemoryReducingCollector = (options: {
  type: 'major';
  execution: 'async';
  flavor: 'last-resort';
}) => Promise<void>;

export interface MemoryRelease {
  /** Whether this process can release anything (started with --expose-gc). */
  readonly available: boolean;
  /** One memory-reducing collection; resolves once it ran. */
  runOnce(): Promise<void>;
}

export function memoryRelease(options: {
  logger: Logger;
  collector?: MemoryReducingCollector | undefined;
}): MemoryRelease {
  const collector = options.collector ?? exposedCollector();
  const residentBytes = () => process.memoryUsage.rss();
  const { logger } = options;
  return {
    available: collector !== undefined,
    async runOnce() {
      if (!collector) return;
      const before = residentBytes();
      const started = performance.now();
      await collector({ type: 'major', execution: 'async', flavor: 'last-resort' });
      logger.debug(
        {
          pauseMs: Math.round(performance.now() - started),
          residentMiB: Math.round(residentBytes() / 2 ** 20),
          releasedMiB: Math.round((before - residentBytes()) / 2 ** 20),
        },
        'memory released after the poll',
      );
    },
  };
}

function exposedCollector(): MemoryReducingCollector | undefined {
  const exposed = globalThis.gc;
  if (typeof exposed !== 'function') return undefined;
  return (options) => Promise.resolve(exposed(options));
}
