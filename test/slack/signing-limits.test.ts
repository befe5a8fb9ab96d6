/**
 * The Slack endpoint refuses from the headers alone, before reading the body: a missing or stale timestamp
 * (401), a declared body over the limit (413). Driven over a raw socket so the test controls exactly how much
 * of the body has been sent when the answer comes back.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../src/slack/blocks/limits.js';
import { refuseByHeaders } from '../../src/slack/request-guard.js';
import { type Harness, startHarness } from '../support/slack-harness.js';

const FOUR_MB = 4 * 1024 * 1024;
const CHUNK = 16 * 1024;

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await startHarness({ vendors: ['equinix'] });
  port = Number(new URL(h.slack.appUrl).port);
});
afterAll(async () => {
  await h?.stop();
});

interface Exchange {
  status: number;
  head: string;
  /** Body bytes this side had written when the answer arrived. */
  sentWhenAnswered: number;
  /** The server ended the connection after answering. */
  closedByServer: boolean;
}

/**
 * Sends a POST to /slack/events with `headers`, then its body of `bodyBytes` in paced chunks, stopping as soon
 * as an answer arrives (or sending nothing when `sendBody` is false).
 */
function postSlowly(
  headers: Record<string, string>,
  bodyBytes: number,
  options: { chunked?: boolean; sendBody?: boolean } = {},
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let answeredAt: number | undefined;
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s (sent ${sent} body bytes)`));
    }, 10_000);
    const finish = () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
      resolve({
        status,
        head: received.split('\r\n\r\n')[0] ?? '',
        sentWhenAnswered: answeredAt ?? sent,
        closedByServer: closed,
      });
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (answeredAt === undefined && received.includes('\r\n\r\n')) answeredAt = sent;
    });
    socket.on('error', () => {
      // A reset while still sending is the server refusing the rest; the answer is already in.
    });
    socket.on('close', () => {
      closed = answeredAt !== undefined;
      finish();
    });
    const lines = [
      'POST /slack/events HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/x-www-form-urlencoded',
      options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bodyBytes}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (options.sendBody === false) return;
    const piece = Buffer.alloc(CHUNK, 'a');
    const pump = () => {
      if (answeredAt !== undefined || socket.destroyed || sent >= bodyBytes) {
        if (options.chunked && sent >= bodyBytes && !socket.destroyed) socket.write('0\r\n\r\n');
        return;
      }
      const framed = options.chunked
        ? Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
        : piece;
      socket.write(framed);
      sent += CHUNK;
      // Paced, so the answer is seen close to when the server gave it, not after the kernel buffers fill.
      setTimeout(pump, 2);
    };
    pump();
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the Slack endpoint refuses from the headers, before the body', () => {
  it('answers a 4 MB unsigned body with 401 before the client has sent a tenth of it, and hangs up', async () => {
    const exchange = await postSlowly({}, FOUR_MB);
    expect(exchange.status).toBe(401);
    expect(exchange.sentWhenAnswered).toBeLessThan(FOUR_MB / 10);
    expect(exchange.head.toLowerCase()).toContain('connection: close');
    expect(exchange.closedByServer).toBe(true);
  });

  it('answers 401 to a timestamp more than five minutes old without waiting for a body that never comes', async () => {
    const stale = await postSlowly(
      {
        'X-Slack-Request-Timestamp': String(nowSeconds() - 301),
        'X-Slack-Signature': `v0=${'0'.repeat(64)}`,
      },
      100,
      { sendBody: false },
    );
    expect(stale.status).toBe(401);
    const missing = await postSlowly({ 'X-Slack-Signature': `v0=${'0'.repeat(64)}` }, 100, {
      sendBody: false,
    });
    expect(missing.status).toBe(401);
  });

  it('answers 413 to a fresh request that declares 4 MB, before any of it is sent', async () => {
    const exchange = await postSlowly(
      { 'X-Slack-Request-Timestamp': String(nowSeconds()), 'X-Slack-Signature': `v0=${'0'.repeat(64)}` },
      FOUR_MB,
      { sendBody: false },
    );
    expect(exchange.status).toBe(413);
    expect(exchange.closedByServer).toBe(true);
  });

  it('cuts off a chunked body (no length given) at the limit with 413, reading little more than the limit', async () => {
    const exchange = await postSlowly(
      { 'X-Slack-Request-Timestamp': String(nowSeconds()), 'X-Slack-Signature': `v0=${'0'.repeat(64)}` },
      FOUR_MB,
      { chunked: true },
    );
    expect(exchange.status).toBe(413);
    expect(exchange.sentWhenAnswered).toBeGreaterThan(SLACK_LIMITS.request.bodyBytes);
    expect(exchange.sentWhenAnswered).toBeLessThan(FOUR_MB / 4);
    expect(exchange.closedByServer).toBe(true);
  });

  it('still serves a correctly signed command, and other routes need no Slack headers', async () => {
    const sent = await h.slack.command('help');
    expect(sent.status).toBe(200);
    const health = await fetch(`${h.slack.appUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('refuseByHeaders', () => {
  const now = 1_700_000_000;
  const signed = { 'x-slack-signature': 'v0=abc' };

  it('accepts a fresh, signed request within the limit, five minutes either side', () => {
    for (const stamp of [now - 300, now, now + 300]) {
      expect(
        refuseByHeaders(
          { ...signed, 'x-slack-request-timestamp': String(stamp), 'content-length': '10' },
          now,
        ),
      ).toBeUndefined();
    }
  });

  it('names what is wrong', () => {
    expect(refuseByHeaders(signed, now)).toEqual({
      status: 401,
      reason: 'no valid X-Slack-Request-Timestamp',
    });
    expect(refuseByHeaders({ ...signed, 'x-slack-request-timestamp': 'soon' }, now)?.status).toBe(401);
    expect(refuseByHeaders({ ...signed, 'x-slack-request-timestamp': String(now + 301) }, now)?.reason).toBe(
      'X-Slack-Request-Timestamp more than five minutes off',
    );
    expect(refuseByHeaders({ 'x-slack-request-timestamp': String(now) }, now)?.reason).toBe(
      'no X-Slack-Signature',
    );
    expect(
      refuseByHeaders(
        { ...signed, 'x-slack-request-timestamp': String(now), 'content-length': String(256 * 1024 + 1) },
        now,
      ),
    ).toEqual({ status: 413, reason: 'body over 262144 bytes' });
  });
});
