import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { isPostTo, RequestActivity, watchRequests } from '../../src/slack/request-activity.js';

describe('RequestActivity', () => {
  it('is quiet only once nothing is being answered and nothing happened for quietMs', () => {
    let now = 1000;
    const activity = new RequestActivity(() => now, 5);
    expect(activity.msUntilQuiet()).toBe(0);

    activity.arrived();
    now += 60_000;
    expect(activity.msUntilQuiet()).toBeGreaterThan(0);
    activity.answered();
    expect(activity.msUntilQuiet()).toBe(5);
    now += 3;
    expect(activity.msUntilQuiet()).toBe(2);
    now += 2;
    expect(activity.msUntilQuiet()).toBe(0);

    activity.seen();
    expect(activity.msUntilQuiet()).toBe(5);
  });
});

describe('isPostTo', () => {
  const post = (url: string | undefined, method = 'POST') => ({ method, url }) as IncomingMessage;
  it('is a POST to the path itself, with or without a query', () => {
    expect(isPostTo(post('/slack/events'), '/slack/events')).toBe(true);
    expect(isPostTo(post('/slack/events?ssl_check=1'), '/slack/events')).toBe(true);
    expect(isPostTo(post('/slack/events', 'GET'), '/slack/events')).toBe(false);
    expect(isPostTo(post('/slack/eventsx'), '/slack/events')).toBe(false);
    expect(isPostTo(post('/slack/eventsx?a=1'), '/slack/events')).toBe(false);
    expect(isPostTo(post('/slack?/events'), '/slack/events')).toBe(false);
    expect(isPostTo(post('/slack/event?s'), '/slack/events')).toBe(false);
    expect(isPostTo(post(undefined), '/slack/events')).toBe(false);
  });
});

describe('watchRequests', () => {
  async function serve(listener: RequestListener) {
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  it('counts a Slack request from its arrival until its answer, and times the answer', async () => {
    let now = 0;
    const activity = new RequestActivity(() => now, 5);
    const answers: number[] = [];
    let quietWhileAnswering = -1;
    const server = await serve(
      watchRequests(
        (_req, res) => {
          now += 1000;
          quietWhileAnswering = activity.msUntilQuiet();
          res.end('ok');
        },
        activity,
        '/slack/events',
        (_req, status) => answers.push(status),
      ),
    );
    try {
      const answer = await request(`${server.url}/slack/events`, { method: 'POST', body: 'x' });
      await answer.body.dump();
      expect(quietWhileAnswering).toBeGreaterThan(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(answers).toEqual([200]);
      now += 5;
      expect(activity.msUntilQuiet()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('leaves other paths alone: a health probe is not Slack traffic', async () => {
    const activity = new RequestActivity(() => 0, 5);
    let quietWhileAnswering = -1;
    const server = await serve(
      watchRequests(
        (_req, res) => {
          quietWhileAnswering = activity.msUntilQuiet();
          res.end('ok');
        },
        activity,
        '/slack/events',
      ),
    );
    try {
      const answer = await request(`${server.url}/healthz`);
      await answer.body.dump();
      expect(quietWhileAnswering).toBe(0);
      expect(activity.msUntilQuiet()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('stops counting a request whose client went away before the answer', async () => {
    const activity = new RequestActivity(() => 0, 0);
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const server = await serve(
      watchRequests(
        (_req, res) => {
          res.once('close', () => setImmediate(closed));
        },
        activity,
        '/slack/events',
      ),
    );
    try {
      const controller = new AbortController();
      const sent = request(`${server.url}/slack/events`, {
        method: 'POST',
        body: 'x',
        signal: controller.signal,
      }).catch(() => undefined);
      while (activity.msUntilQuiet() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      controller.abort();
      await sent;
      await gone;
      expect(activity.msUntilQuiet()).toBe(0);
    } finally {
      server.close();
    }
  });
});
