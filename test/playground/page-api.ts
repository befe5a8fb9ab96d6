/**
 * What the playground's page does over HTTP, for tests: post to its API, read the state it renders, and wait
 * until that state shows something. `instance` is read on each call (tests start it in beforeAll).
 */
import { expect } from 'vitest';
import type { PlaygroundState } from '../../src/playground/workspace.js';
import type { PlaygroundInstance } from './harness.js';

export interface PageApi {
  /** POSTs `body` (JSON, or a string sent as it is) to /playground/<path>. */
  call(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** `call`, expecting 200. */
  ok(path: string, body: unknown): Promise<Record<string, unknown>>;
  state(): Promise<PlaygroundState>;
  /** Polls the state until `probe` finds something (not undefined, null or false). */
  eventually<T>(
    probe: (s: PlaygroundState) => T | null | undefined,
    what: string,
    timeoutMs?: number,
  ): Promise<NonNullable<T>>;
}

export function pageApi(instance: () => PlaygroundInstance): PageApi {
  const call: PageApi['call'] = async (path, body) => {
    const response = await fetch(new URL(`/playground/${path}`, instance().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const state = async () =>
    (await (await fetch(new URL('/playground/state', instance().url))).json()) as PlaygroundState;
  return {
    call,
    state,
    async ok(path, body) {
      const answer = await call(path, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    },
    async eventually(probe, what, timeoutMs = 8000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = probe(await state());
        if (found !== undefined && found !== null && found !== false)
          return found as NonNullable<typeof found>;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
