/**
 * A self-hosted vendor server's error page never reaches a person: they read the HTTP status, the vendor's
 * error code and a plain sentence, in the reply and in `/case vendors`; the page's text goes to the log,
 * redacted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { vendorStatus } from '../../src/domain/vendor-status.js';
import { createLogger } from '../../src/logging/logger.js';
import { describeError } from '../../src/slack/words.js';
import { VendorHttpClient } from '../../src/vendors/http/client.js';
import { RateBudget } from '../../src/vendors/http/rate-budget.js';

const ERROR_PAGE =
  '<html><body>java.lang.IllegalStateException at /opt/serviceops/tomcat/webapps/api ' +
  'db=jdbc:postgresql://10.20.0.7:5432/flotomate Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.sig</body></html>';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function failingServer(status: number, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), output: () => lines.join('') };
}

async function failedCall(status: number) {
  const { logger, output } = capturingLogger();
  const client = new VendorHttpClient({
    vendor: 'motadata',
    baseUrl: await failingServer(status, ERROR_PAGE),
    timeoutMs: 2000,
    budget: new RateBudget({ ratePerSecond: 1000, maxConcurrent: 2 }),
    retry: { attempts: 1 },
    logger,
  });
  const error = await client
    .request({ operation: 'lookup', method: 'GET', path: '/api/v1/incident/42', idempotent: true })
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  return { client, error, logger, output };
}

describe("a vendor server's error text", () => {
  it('a server error: the person reads the status, the log holds the page without its credential', async () => {
    const { error, logger, output } = await failedCall(502);
    const text = describeError(error, logger).text;
    expect(text).toBe(
      'Motadata ServiceOps is not answering properly (HTTP 502). Nothing was changed; try again in a minute.',
    );
    const log = output();
    expect(log).toContain('/opt/serviceops/tomcat/webapps/api');
    expect(log).not.toContain('eyJhbGciOi.JIUzI1NiJ9.sig');
  });

  it('a refusal: the status and a sentence, not the text', async () => {
    const { error, logger, output } = await failedCall(400);
    const text = describeError(error, logger).text;
    expect(text).toBe(
      "Motadata ServiceOps refused the request (HTTP 400), so nothing was changed. Check what was entered and try again; the vendor's full answer is in caseops' log.",
    );
    expect(text).not.toContain('tomcat');
    expect(output()).toContain('jdbc:postgresql://10.20.0.7');
  });

  it("/case vendors shows the last error's code and status, not what the server said", async () => {
    const { client } = await failedCall(503);
    const status = vendorStatus(
      { vendor: 'motadata', capabilities: new Set(['lookup']), health: () => client.health() },
      Date.now(),
      'Motadata ServiceOps',
    );
    expect(status.state).toBe('failing');
    expect(status.currentError).toBe('unavailable, HTTP 503: not answering properly');
  });
});
