/**
 * Event-loop delay and garbage-collection pauses of the process it runs in, between `start` and `stop`: how
 * long ready work waited for the loop, and how much of that the collector accounts for. An ack that waits
 * behind other work shows up here first.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;
let gcObserver: PerformanceObserver | undefined;
let gc = { pauses: 0, totalMs: 0, maxMs: 0 };

export const loopDelayCommands = {
  loopDelayStart: (): void => {
    histogram?.disable();
    gcObserver?.disconnect();
    histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    gc = { pauses: 0, totalMs: 0, maxMs: 0 };
    gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gc.pauses++;
        gc.totalMs += entry.duration;
        gc.maxMs = Math.max(gc.maxMs, entry.duration);
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
  },
  loopDelayStop: (): LoopDelay | undefined => {
    const current = histogram;
    histogram = undefined;
    gcObserver?.disconnect();
    gcObserver = undefined;
    if (!current) return undefined;
    current.disable();
    return {
      p50Ms: current.percentile(50) / 1e6,
      p99Ms: current.percentile(99) / 1e6,
      maxMs: current.max / 1e6,
      gcPauses: gc.pauses,
      gcTotalMs: gc.totalMs,
      gcMaxMs: gc.maxMs,
    };
  },
};
