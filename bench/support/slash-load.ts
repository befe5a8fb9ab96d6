/**
 * Signed slash commands, as Slack sends them, fired at an app's HTTP receiver by `concurrency` workers over
 * keep-alive connections on loopback. Each worker sends its next request as soon as the previous one is
 * answered; the time of each request is from just before it is sent to the end of the app's answer.
 *
 * Every connection is opened before the clock starts: Node takes hundreds of milliseconds to set up a burst
 * of 200 new connections, even to a server that does nothing (measured here: a plain node:http server's
 * first answers on 200 fresh connections took 0.2–2.5 s), and that is the load generator's cost, not the
 * app's.
 */
import { Pool } from 'undici';
import { computeSlackSignature } from '../../src/slack/signing.js';

/** Not a /case subcommand: caseops answers it in the ack itself, so opening connections starts no work. */
const CONNECTION_OPENER_TEXT = 'bench-connection-opener';

export interface SlashLoad {
  url: string;
  signingSecret: string;
  /** The `text` of each command, used round-robin (e.g. "show eqx 11150929"). */
  texts: readonly string[];
  responseUrl: string;
  concurrency: number;
  requests: number;
  /** A request not answered within this is counted as failed. */
  timeoutMs: number;
}

export interface SlashLoadResult {
  /** Milliseconds per answered request, in completion order. */
  latenciesMs: number[];
  failures: number;
  /** First few failure descriptions, for the log. */
  failureSamples: string[];
  wallMs: number;
}

let sequence = 0;

function commandBody(text: string, responseUrl: string): string {
  const n = ++sequence;
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0CASEOPS',
    team_domain: 'caseops-bench',
    channel_id: `CBENCH${String(n % 500).padStart(4, '0')}`,
    channel_name: 'noc-bench',
    user_id: `UBENCH${n % 50}`,
    user_name: 'bench',
    command: '/case',
    text,
    api_app_id: 'ABENCH',
    is_enterprise_install: 'false',
    response_url: `${responseUrl}/${n}`,
    trigger_id: `${n}.bench.${Date.now()}`,
  }).toString();
}

export async function runSlashLoad(load: SlashLoad): Promise<SlashLoadResult> {
  const target = new URL(load.url);
  const pool = new Pool(target.origin, { connections: load.concurrency, pipelining: 1 });
  const latenciesMs: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  let issued = 0;

  const send = async (text: string): Promise<number | string> => {
    const body = commandBody(text, load.responseUrl);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': computeSlackSignature(load.signingSecret, timestamp, body),
    };
    const started = performance.now();
    try {
      const answer = await pool.request({
        path: target.pathname,
        method: 'POST',
        headers,
        body,
        headersTimeout: load.timeoutMs,
        bodyTimeout: load.timeoutMs,
      });
      await answer.body.dump();
      const elapsed = performance.now() - started;
      return answer.statusCode === 200 ? elapsed : `HTTP ${answer.statusCode}`;
    } catch (error) {
      return String(error);
    }
  };

  const worker = async () => {
    while (issued < load.requests) {
      const index = issued++;
      const outcome = await send(load.texts[index % load.texts.length] ?? 'help');
      if (typeof outcome === 'number') latenciesMs.push(outcome);
      else {
        failures++;
        if (failureSamples.length < 5) failureSamples.push(outcome);
      }
    }
  };

  const openers = await Promise.all(
    Array.from({ length: load.concurrency }, () => send(CONNECTION_OPENER_TEXT)),
  );
  const notOpened = openers.filter((outcome) => typeof outcome !== 'number');
  if (notOpened.length > 0)
    throw new Error(`could not open connections: ${notOpened.slice(0, 3).join('; ')}`);

  const started = performance.now();
  await Promise.all(Array.from({ length: load.concurrency }, worker));
  const wallMs = performance.now() - started;
  await pool.close();
  return { latenciesMs, failures, failureSamples, wallMs };
}
