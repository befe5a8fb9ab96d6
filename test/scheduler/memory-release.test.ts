/** The memory release run after each poll: V8's memory-reducing collection when the process may run it. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { memoryRelease } from '../../src/scheduler/memory-release.js';

describe('memoryRelease', () => {
  it('runs one memory-reducing collection, asynchronously, and resolves once it ran', async () => {
    const asked: unknown[] = [];
    let collected = false;
    const release = memoryRelease({
      logger: silentLogger,
      collector: async (options) => {
        asked.push(options);
        await new Promise((resolve) => setTimeout(resolve, 5));
        collected = true;
      },
    });
    expect(release.available).toBe(true);
    await release.runOnce();
    expect(collected).toBe(true);
    expect(asked).toEqual([{ type: 'major', execution: 'async', flavor: 'last-resort' }]);
  });

  it('does nothing, and fails nothing, in a process started without --expose-gc', async () => {
    // vitest's workers run without the flag.
    expect(globalThis.gc).toBeUndefined();
    const release = memoryRelease({ logger: silentLogger });
    expect(release.available).toBe(false);
    await expect(release.runOnce()).resolves.toBeUndefined();
  });

  it('hands V8 pages back in a process started with --expose-gc', async () => {
    const { execFileSync } = await import('node:child_process');
    // A burst of garbage, then the release: resident memory falls back by most of what the burst took.
    const script = `
      const { memoryRelease } = await import(${JSON.stringify(new URL('../../src/scheduler/memory-release.ts', import.meta.url).href)});
      let burst = [];
      for (let i = 0; i < 300000; i++) burst.push({ text: 'case ' + i, fields: [i, i + 1] });
      const peak = process.memoryUsage.rss();
      burst = undefined;
      const logger = { debug() {} };
      await memoryRelease({ logger }).runOnce();
      console.log(JSON.stringify({ peak, after: process.memoryUsage.rss() }));
    `;
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    const { peak, after } = JSON.parse(output) as { peak: number; after: number };
    expect(peak - after).toBeGreaterThan(20 * 2 ** 20);
  }, 30_000);
});
