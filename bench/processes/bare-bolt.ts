/**
 * The framework's floor: a Bolt app on the same HTTP receiver caseops uses, with a /healthz route and one
 * `/case` listener that only acknowledges. Whatever caseops adds on top is measured against this.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { loopDelayCommands } from '../support/loop-delay.js';
import { announceReady, serveCommands } from '../support/rpc.js';

async function main(): Promise<void> {
  // Milliseconds since the process began (performance's time origin), at each step of start-up.
  const phases: Record<string, number> = { modulesLoaded: performance.now() };
  let ready = false;
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    endpoints: '/slack/events',
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET', 'HEAD'],
        handler: (_req, res) => {
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: ready }));
        },
      },
    ],
  });
  const app = new App({
    receiver,
    // No bot ids given: Bolt checks the token with auth.test at start, as caseops does.
    token: process.env.SLACK_BOT_TOKEN,
    logLevel: LogLevel.INFO,
    clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {},
  });
  app.command('/case', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })) as Server;
  ready = true;
  phases.listening = performance.now();
  serveCommands({ ...loopDelayCommands, memory: () => process.memoryUsage(), cpu: () => process.cpuUsage() });
  process.once('SIGTERM', () => {
    void app.stop().finally(() => process.exit(0));
  });
  announceReady({ port: (server.address() as AddressInfo).port, phases });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
