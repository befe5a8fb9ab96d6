/** Real time plus a skip the test controls: sleeps are real, "now" jumps ahead when told. */
import { type Clock, systemClock } from '../../src/domain/ports/clock.js';

export class SkipAheadClock implements Clock {
  private skipped = 0;
  now() {
    return Date.now() + this.skipped;
  }
  sleep(ms: number, signal?: AbortSignal) {
    return systemClock.sleep(ms, signal);
  }
  skip(ms: number) {
    this.skipped += ms;
  }
}
