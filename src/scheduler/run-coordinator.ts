/**
 * node-cron 4's run-coordination hook, backed by the store: at each scheduled fire every replica asks
 * `shouldRun(key)`, and the database lets exactly one of them claim the (task, fire time) pair. Claims are
 * never released, so a replica that reaches the fire late (a slow start, a clock a little behind) cannot run
 * it a second time.
 */
import type { RunCoordinator } from 'node-cron';
import type { Store } from '../domain/ports/store.js';

/** node-cron builds the key as `<task name>:<fire time as ISO-8601>`. */
export function runKey(task: string, fireAt: Date): string {
  return `${task}:${fireAt.toISOString()}`;
}

const KEY_PATTERN = /^(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

export function parseRunKey(key: string): { task: string; fireAt: string } {
  const match = KEY_PATTERN.exec(key);
  if (!match) throw new Error(`run coordinator: unexpected key "${key}" (expected <task>:<ISO instant>)`);
  return { task: match[1]!, fireAt: match[2]! };
}

export class StoreRunCoordinator implements RunCoordinator {
  constructor(
    private readonly store: Pick<Store, 'claimRun'>,
    private readonly holder: string,
  ) {}

  /** A store error propagates: node-cron then skips the fire (fail closed), which can only delay work. */
  async shouldRun(key: string): Promise<boolean> {
    const { task, fireAt } = parseRunKey(key);
    return this.store.claimRun(task, fireAt, this.holder);
  }
}
