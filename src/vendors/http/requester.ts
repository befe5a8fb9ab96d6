/**
 * Who a vendor call is for, carried through async calls so the rate budget can share a vendor between people
 * without every adapter method taking a requester argument. The use cases' calls run under the person who
 * asked (the composition root passes `runAs` to CaseService as its vendor call scope); the poller's under
 * POLLER. A call made outside any scope (tools, tests, start-up checks) has no requester.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The requester the status poller's calls run as: it has a reserved share of each vendor's budget. */
export const POLLER = 'poller';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with its vendor calls counted as `requester`'s (a Slack user id, or POLLER). */
export function runAs<T>(requester: string, fn: () => Promise<T>): Promise<T> {
  return current.run(requester, fn);
}

/** The requester of the call being made, when it runs inside `runAs`. */
export function currentRequester(): string | undefined {
  return current.getStore();
}
