/**
 * A stand-in for the app behind the playground: it checks each request's signature as Slack's would be
 * checked, records what it was sent, and acks with what the test asks for next. Tests of what the playground
 * sends an app use it instead of the real app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../src/logging/logger.js';
import { type Playground, startPlayground } from '../../src/playground/index.js';
import { verifySlackSignature } from '../../src/slack/signing.js';
import { type Sandbox, startSandbox } from '../../src/vendors/sandbox.js';

export interface Received {
  kind: 'form' | 'json';
  body: Record<string, unknown>;
}

export interface StandInApp {
  sandbox: Sandbox;
  playground: Playground;
  /** Every request the app got, oldest first. */
  received: Received[];
  /** What the next interaction is acked with (undefined: an empty 200). */
  ackNextWith(ack: unknown): void;
  stop(): Promise<void>;
}

export async function startStandInApp(): Promise<StandInApp> {
  const sandbox = await startSandbox({ autoAdvanceMs: 0 });
  const playground = await startPlayground({ sandbox, logger: silentLogger });
  const received: Received[] = [];
  let nextAck: unknown;
  const app: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const refused = verifySlackSignature(
        playground.slack.SLACK_SIGNING_SECRET,
        {
          timestamp: req.headers['x-slack-request-timestamp'] as string | undefined,
          signature: req.headers['x-slack-signature'] as string | undefined,
        },
        raw,
      );
      if (refused) {
        res.writeHead(401).end(refused);
        return;
      }
      if (String(req.headers['content-type']).includes('application/json')) {
        received.push({ kind: 'json', body: JSON.parse(raw) });
      } else {
        const form = Object.fromEntries(new URLSearchParams(raw));
        received.push({ kind: 'form', body: form.payload ? JSON.parse(form.payload) : form });
      }
      const ack = nextAck;
      nextAck = undefined;
      if (ack === undefined) res.writeHead(200).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ack));
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  playground.attach(`http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`, {
    pollNow: async () => undefined,
  });
  return {
    sandbox,
    playground,
    received,
    ackNextWith(ack) {
      nextAck = ack;
    },
    async stop() {
      await playground.stop();
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await sandbox.stop();
    },
  };
}
