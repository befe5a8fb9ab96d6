/** What the vendor adapter tests share: an environment pointed at a simulator, fast retries, captured logs. */
import { type Env, loadEnv } from '../../src/config/env.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { RetryPolicy } from '../../src/vendors/http/wire.js';

/** Short enough that timeout tests stay quick, long enough for a loaded CI machine on loopback. */
export const TEST_TIMEOUT_MS = 400;

export const FAST_RETRY: Partial<RetryPolicy> = { baseDelayMs: 1, maxDelayMs: 5 };

export function testEnv(vars: Record<string, string>): Env {
  return loadEnv({
    LOG_LEVEL: 'silent',
    VENDOR_TIMEOUT_MS: String(TEST_TIMEOUT_MS),
    // The production budgets space calls 200 ms apart; tests are not what they protect.
    JUNIPER_RATE_PER_SECOND: '1000',
    MOTADATA_RATE_PER_SECOND: '1000',
    ...vars,
  });
}

/** A logger at the most verbose level whose every line is kept for inspection. */
export function captureLogs(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
  return { logger, text: () => lines.join('') };
}

/** Runs `work`, returning what it threw (tests assert on typed errors and their fields). */
export async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}
