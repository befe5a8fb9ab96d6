/**
 * The benchmark's outside world, in a process of its own so its work never counts against the app under test:
 * the four vendor simulators (with simulated latency, seeded with the cases the sweep watches), the fake Slack
 * Web API behind a link with simulated latency, and a sink for response_url posts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { CISCO_TOKEN_PATH, createCiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import { createEquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createJuniperSimulator } from '../../src/vendors/juniper/simulator.js';
import { createMotadataSimulator } from '../../src/vendors/motadata/simulator.js';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import type { VendorSimulator } from '../../src/vendors/simulator.js';
import { announceReady, serveCommands } from '../support/rpc.js';
import { peakInWindow } from '../support/stats.js';

export interface WorldOptions {
  vendorLatencyMs: number;
  casesPerVendor: number;
  /** Cisco's gateway refuses calls beyond this many per rolling second (403 "Over QPS"). */
  ciscoQpsLimit: number;
  slackLatencyMs: number;
}

export interface WorldInfo {
  vendorEnv: Record<string, string>;
  caseIds: Record<VendorId, string[]>;
  /** Give this as SLACK_API_URL: the fake Slack Web API behind the slow link. */
  slackApiUrl: string;
  slackBotToken: string;
  responseSinkUrl: string;
}

export interface WorldMark {
  vendorRequests: Record<VendorId, number>;
  /** chat.postMessage calls seen so far. */
  slackCalls: number;
  responses: number;
}

export interface VendorTraffic {
  apiCalls: number;
  /** Of those, calls for one case's details after a bulk call showed it changed. */
  detailCalls: number;
  tokenCalls: number;
  /** Most API calls that reached the vendor within any one second. */
  peakPerSecond: number;
  /** Epoch ms at which the last API call reached the vendor (its answer left `latency` later). */
  lastArrivalAt: number | null;
}

/** chat.postMessage calls as they reached Slack's edge: [channel, arrival epoch ms, 'ok' | error | http_<status>]. */
export type SlackPost = [string, number, string];

/** Token endpoints (Equinix, Cisco, Motadata); Juniper uses HTTP Basic. */
const TOKEN_PATHS = [CISCO_TOKEN_PATH, '/oauth2/v1/token', '/api/oauth/token'];

/**
 * Detail calls, where a vendor has a bulk call beside them (Cisco: summaries for 30 ids, details for one).
 * The other vendors' per-case lookups are their cheapest refresh, counted as bulk.
 */
const DETAIL_PATHS: Partial<Record<VendorId, RegExp>> = { cisco: /\/cases\/details\// };

function readOptions(): WorldOptions {
  const raw = process.env.BENCH_WORLD;
  if (!raw) throw new Error('BENCH_WORLD is not set');
  return JSON.parse(raw) as WorldOptions;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A proxy that holds each request for `latencyMs` before handing it to the fake Slack API. It also notes when
 * each chat.postMessage reached it and how it ended: that arrival is what Slack's per-channel limit counts.
 */
function slowLink(targetUrl: string, latency: { ms: number }, posts: SlackPost[]): Server {
  const agent = new Agent({ connections: 256 });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const arrivedAt = Date.now();
    void (async () => {
      const body = await readBody(req);
      const post: SlackPost | undefined =
        req.url === '/api/chat.postMessage'
          ? [new URLSearchParams(body.toString('utf8')).get('channel') ?? '', arrivedAt, 'pending']
          : undefined;
      if (post) posts.push(post);
      if (latency.ms > 0) await new Promise((resolve) => setTimeout(resolve, latency.ms));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
      }
      const answer = await request(`${targetUrl}${req.url ?? '/'}`, {
        method: (req.method ?? 'GET') as 'POST',
        headers,
        body: body.length > 0 ? body : undefined,
        dispatcher: agent,
      });
      const text = await answer.body.text();
      if (post) post[2] = answer.statusCode === 200 ? outcomeOf(text) : `http_${answer.statusCode}`;
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (typeof value === 'string' && name !== 'transfer-encoding' && name !== 'connection')
          out[name] = value;
      }
      res.writeHead(answer.statusCode, out).end(text);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(error));
    });
  });
}

function outcomeOf(text: string): string {
  try {
    const answer = JSON.parse(text) as { ok?: boolean; error?: string };
    return answer.ok ? 'ok' : (answer.error ?? 'error');
  } catch {
    return 'unreadable';
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const latencyMs = options.vendorLatencyMs;
  const simulators = {
    equinix: createEquinixSimulator({ latencyMs }),
    cisco: createCiscoSimulator({ latencyMs, qpsLimit: options.ciscoQpsLimit }),
    juniper: createJuniperSimulator({ latencyMs, seedIncidents: 0 }),
    motadata: createMotadataSimulator({ latencyMs, seedIncidents: 0 }),
  } satisfies Record<VendorId, VendorSimulator>;
  for (const simulator of Object.values(simulators)) await simulator.start();

  const n = options.casesPerVendor;
  const caseIds: Record<VendorId, string[]> = {
    cisco: simulators.cisco.seedMany(n, { titlePrefix: 'bench' }),
    equinix: [],
    juniper: [],
    motadata: [],
  };
  for (let i = 0; i < n; i++) {
    caseIds.equinix.push(simulators.equinix.seed({ description: `Bench cross-connect ${i}` }));
    simulators.juniper.seed({ customerTrackingNumber: `BENCH-${i}`, status: 'Created' });
    caseIds.juniper.push(`BENCH-${i}`);
    caseIds.motadata.push(simulators.motadata.seed({ subject: `Bench incident ${i}` }));
  }

  const slack = new FakeSlackApi();
  const slackUrl = await slack.start();
  const slackLatency = { ms: options.slackLatencyMs };
  const slackPosts: SlackPost[] = [];
  const link = slowLink(slackUrl, slackLatency, slackPosts);
  const linkUrl = await listen(link);

  let responses = 0;
  const sink = createServer((req, res) => {
    void readBody(req).then(() => {
      responses++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const sinkUrl = await listen(sink);

  // Where the next advance starts, per vendor, so successive rounds move different cases.
  const advanceFrom: Record<VendorId, number> = { equinix: 0, cisco: 0, juniper: 0, motadata: 0 };

  serveCommands({
    cpu: () => process.cpuUsage(),
    mark: (): WorldMark => ({
      vendorRequests: {
        equinix: simulators.equinix.requests.length,
        cisco: simulators.cisco.requests.length,
        juniper: simulators.juniper.requests.length,
        motadata: simulators.motadata.requests.length,
      },
      slackCalls: slackPosts.length,
      responses,
    }),
    /** Moves `fraction` of each vendor's cases to another status; returns how many moved per vendor. */
    advance: (args: { fraction: number }): Record<VendorId, number> => {
      const moved: Record<VendorId, number> = { equinix: 0, cisco: 0, juniper: 0, motadata: 0 };
      for (const vendor of Object.keys(simulators) as VendorId[]) {
        const simulator: VendorSimulator = simulators[vendor];
        const ids = caseIds[vendor];
        const count = Math.round(ids.length * args.fraction);
        const current = new Map(simulator.cases().map((c) => [c.id, c.status]));
        for (let k = 0; k < count; k++) {
          const id = ids[(advanceFrom[vendor] + k) % ids.length] ?? '';
          const statuses = simulator.statuses;
          const next = statuses[(statuses.indexOf(current.get(id) ?? '') + 1) % statuses.length] ?? '';
          simulator.advance(id, next);
          moved[vendor]++;
        }
        advanceFrom[vendor] = (advanceFrom[vendor] + count) % ids.length;
      }
      return moved;
    },
    vendorTraffic: (args: { since: WorldMark }): Record<VendorId, VendorTraffic> => {
      const out = {} as Record<VendorId, VendorTraffic>;
      for (const vendor of Object.keys(simulators) as VendorId[]) {
        const requests = simulators[vendor].requests.slice(args.since.vendorRequests[vendor]);
        const api = requests.filter((r) => !TOKEN_PATHS.some((path) => r.path.endsWith(path)));
        out[vendor] = {
          apiCalls: api.length,
          detailCalls: api.filter((r) => DETAIL_PATHS[vendor]?.test(r.path) ?? false).length,
          tokenCalls: requests.length - api.length,
          peakPerSecond: peakInWindow(
            api.map((r) => r.at),
            1000,
          ),
          lastArrivalAt: api.length > 0 ? (api[api.length - 1]?.at ?? null) : null,
        };
      }
      return out;
    },
    slackPosts: (args: { since: WorldMark }): SlackPost[] => slackPosts.slice(args.since.slackCalls),
    responses: (): number => responses,
    /** The Cisco gateway's per-second limit: off (null) while acks are measured, the budget's for sweeps. */
    ciscoQpsLimit: (args: { limit: number | null }): void => {
      simulators.cisco.qpsLimit = args.limit ?? undefined;
    },
    /** Frees what the fake Slack and the simulators remember between scenarios. */
    forget: (): void => {
      slack.calls.length = 0;
      slack.messages.length = 0;
      slackPosts.length = 0;
      for (const simulator of Object.values(simulators)) {
        (simulator.requests as unknown[]).length = 0;
      }
    },
  });

  announceReady({
    vendorEnv: Object.assign({}, ...Object.values(simulators).map((s) => s.env())) as Record<string, string>,
    caseIds,
    slackApiUrl: `${linkUrl}/api/`,
    slackBotToken: slack.botToken,
    responseSinkUrl: `${sinkUrl}/respond`,
  } satisfies WorldInfo);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
