/**
 * The playground's HTTP side, mounted on the app's own server: GET / (the page), its static files under
 * /playground/assets/, the page's JSON API under /playground/, and a server-sent event stream telling the
 * page when something changed. No secret ever reaches the page: requests to the app are signed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Logger } from '../logging/logger.js';
import type { OpsRoute } from '../observability/ops-server.js';
import { AppUnreachableError } from './app-requests.js';
import { PlaygroundInputError, type PlaygroundWorkspace } from './workspace.js';

/** The page's files, at the package root so they are found from src/ (tsx) and dist/ alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../playground/public/', import.meta.url));
export const ASSETS_PATH = '/playground/assets/';
const MAX_BODY_BYTES = 256 * 1024;
/** An event stream ends after this and the browser reconnects, so no connection outlives a shutdown long. */
const STREAM_LIFETIME_MS = 25_000;
const HEARTBEAT_MS = 10_000;
const CLOSING_CHECK_MS = 500;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Everything the page needs comes from this server; nothing may be fetched from anywhere else. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);
const ts = z.string().regex(/^\d+\.\d+$/);
const formValues = z.record(z.string().max(255), z.record(z.string().max(255), z.unknown()));

// Lengths are checked by the workspace, which says the limit in words; the body limit bounds the rest.
const CommandBody = z.object({ channel: slackId, text: z.string().min(1) });
const MessageBody = z.object({ channel: slackId, text: z.string().min(1), threadTs: ts.optional() });
const SurfaceBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), channel: slackId, ts }),
  z.object({ type: z.literal('unfurl'), channel: slackId, ts, url: z.string().url().max(3000) }),
  z.object({ type: z.literal('view'), viewId: slackId }),
  z.object({ type: z.literal('home') }),
]);
const ActionBody = z.object({
  surface: SurfaceBody,
  blockIndex: z.number().int().min(0).max(200),
  element: z.union([z.number().int().min(0).max(100), z.literal('accessory'), z.literal('input')]),
  selected: z.unknown().optional(),
  values: formValues.optional(),
});
const SubmitBody = z.object({ viewId: slackId, values: formValues });
const CloseBody = z.object({ viewId: slackId, all: z.boolean().default(false) });
const ShortcutBody = z.object({ channel: slackId, ts, callbackId: z.string().min(1).max(255) });
const DismissBody = z.object({ channel: slackId, ts });
const AdvanceBody = z.object({
  vendor: z.string().min(1).max(20),
  id: z.string().min(1).max(100),
  status: z.string().min(1).max(100).optional(),
});
const AgeBody = z.object({
  vendor: z.string().min(1).max(20),
  id: z.string().min(1).max(100),
  by: z.string().min(1).max(10),
});
const DigestBody = z.object({ channel: slackId });
const AutoAdvanceBody = z.object({ on: z.boolean() });
const VendorActBody = z.object({
  vendor: z.string().min(1).max(40),
  id: z.string().min(1).max(100),
  kind: z.enum(['note', 'owner', 'severity']),
  value: z.string().min(1).max(4000),
});

/**
 * The names this machine answers to. The page acts as a signed-in person, so a page from anywhere else
 * must not reach it, even through a DNS name rebound to 127.0.0.1: such a request still says its own name
 * in Host (and its own origin in Origin).
 */
const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/** Why a request may not reach the playground (421 or 403), or undefined when it comes from this machine. */
export function refuseNonLocal(req: IncomingMessage): { status: number; error: string } | undefined {
  const host = req.headers.host ?? '';
  if (!LOCAL_HOST.test(host)) {
    return {
      status: 421,
      error: 'the playground answers only requests for localhost, 127.0.0.1 or [::1]',
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost = '';
    try {
      originHost = new URL(origin).host;
    } catch {
      // not a URL: refused below
    }
    if (!LOCAL_HOST.test(originHost)) {
      return { status: 403, error: 'the playground takes requests only from its own page' };
    }
  }
  return undefined;
}

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  // JSON only: another site's page cannot send that without a CORS preflight, which is never granted here.
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new BadRequest('the body must be application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new BadRequest('the body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function staticFiles(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    const type = CONTENT_TYPES[extname(name)];
    // Only files the page loads are served (not the renderer's type declarations, nor anything else).
    if (!type || !/^[a-z0-9][a-z0-9.-]*$/.test(name)) continue;
    files.set(name, { body: readFileSync(join(PUBLIC_DIR, name)), type });
  }
  if (!files.has('index.html'))
    throw new Error(`the playground page is missing: no index.html in ${PUBLIC_DIR}`);
  return files;
}

export interface PlaygroundRoutes {
  routes: OpsRoute[];
  /** Ends every open event stream (shutdown). */
  closeStreams(): void;
}

export function createPlaygroundRoutes(workspace: PlaygroundWorkspace, logger: Logger): PlaygroundRoutes {
  const files = staticFiles();
  const streams = new Set<ServerResponse>();

  const serveFile =
    (name: string) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const file = files.get(name);
      if (!file) {
        sendJson(res, 404, { ok: false, error: 'not found' });
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': file.type,
        'content-length': file.body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    };

  /** A POST handler: validated body in, JSON out; the person's mistakes are 400s, the app's silence 502. */
  const post =
    <T>(schema: z.ZodType<T>, handle: (body: T) => Promise<unknown> | unknown) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      (async () => {
        const parsed = schema.safeParse(await readJson(req));
        if (!parsed.success)
          throw new BadRequest(
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        const result = await handle(parsed.data);
        sendJson(res, 200, { ok: true, ...(result && typeof result === 'object' ? result : {}) });
      })().catch((error: unknown) => {
        if (res.headersSent) return;
        if (error instanceof BadRequest || error instanceof PlaygroundInputError) {
          sendJson(res, 400, { ok: false, error: error.message });
        } else if (error instanceof AppUnreachableError) {
          sendJson(res, 502, { ok: false, error: `${error.message} (${error.slackError})` });
        } else {
          logger.error({ err: error }, 'playground request failed');
          sendJson(res, 500, { ok: false, error: 'the playground failed; see the server log' });
        }
      });
    };

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    let pending: NodeJS.Timeout | undefined;
    // Bursts of calls (a card and its notice) become one refresh of the page.
    const notify = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        res.write(`event: change\ndata: ${JSON.stringify({ version: workspace.currentVersion })}\n\n`);
      }, 30);
    };
    const unsubscribe = workspace.onChange(notify);
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => res.end(), STREAM_LIFETIME_MS);
    // A server that is closing waits for open connections: once it stops listening, the stream ends and
    // its connection too (it would otherwise linger as keep-alive until its timeout).
    const server = (req.socket as Socket & { server?: Server }).server;
    const closing = setInterval(() => {
      if (server && !server.listening) res.end(() => req.socket.destroy());
    }, CLOSING_CHECK_MS);
    streams.add(res);
    const cleanUp = () => {
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(closing);
      clearTimeout(lifetime);
      if (pending) clearTimeout(pending);
      streams.delete(res);
    };
    res.on('close', cleanUp);
    req.on('close', cleanUp);
  };

  const routes: OpsRoute[] = [
    { path: '/', method: ['GET', 'HEAD'], handler: serveFile('index.html') },
    ...[...files.keys()].map((name) => ({
      path: `${ASSETS_PATH}${name}`,
      method: ['GET', 'HEAD'],
      handler: serveFile(name),
    })),
    {
      path: '/playground/state',
      method: ['GET'],
      handler: (_req, res) => sendJson(res, 200, workspace.state()),
    },
    { path: '/playground/events', method: ['GET'], handler: events },
    {
      path: '/playground/command',
      method: ['POST'],
      handler: post(CommandBody, (b) => workspace.runCommand(b.channel, b.text)),
    },
    {
      path: '/playground/message',
      method: ['POST'],
      handler: post(MessageBody, (b) => workspace.sendMessage(b.channel, b.text, b.threadTs)),
    },
    { path: '/playground/action', method: ['POST'], handler: post(ActionBody, (b) => workspace.press(b)) },
    {
      path: '/playground/submit',
      method: ['POST'],
      handler: post(SubmitBody, (b) => workspace.submit(b.viewId, b.values)),
    },
    {
      path: '/playground/close',
      method: ['POST'],
      handler: post(CloseBody, (b) => workspace.closeView(b.viewId, b.all)),
    },
    {
      path: '/playground/shortcut',
      method: ['POST'],
      handler: post(ShortcutBody, (b) => workspace.runShortcut(b.channel, b.ts, b.callbackId)),
    },
    {
      path: '/playground/dismiss',
      method: ['POST'],
      handler: post(DismissBody, (b) => workspace.dismiss(b.channel, b.ts)),
    },
    { path: '/playground/home', method: ['POST'], handler: post(z.object({}), () => workspace.openHome()) },
    {
      path: '/playground/simulators/advance',
      method: ['POST'],
      handler: post(AdvanceBody, async (b) => ({ case: await workspace.advance(b.vendor, b.id, b.status) })),
    },
    {
      path: '/playground/simulators/act',
      method: ['POST'],
      handler: post(VendorActBody, async (b) => ({
        case: await workspace.vendorAct(b.vendor, b.id, { kind: b.kind, value: b.value }),
      })),
    },
    {
      path: '/playground/simulators/age',
      method: ['POST'],
      handler: post(AgeBody, (b) => workspace.age(b.vendor, b.id, b.by)),
    },
    {
      path: '/playground/simulators/auto-advance',
      method: ['POST'],
      handler: post(AutoAdvanceBody, (b) => workspace.setAutoAdvance(b.on)),
    },
    {
      path: '/playground/simulators/digest',
      method: ['POST'],
      handler: post(DigestBody, (b) => workspace.digestNow(b.channel)),
    },
  ];

  return {
    routes: routes.map((route) => ({
      ...route,
      handler: (req: IncomingMessage, res: ServerResponse) => {
        const refused = refuseNonLocal(req);
        if (refused) {
          sendJson(res, refused.status, { ok: false, error: refused.error });
          req.resume();
          return;
        }
        route.handler(req, res);
      },
    })),
    closeStreams() {
      for (const res of streams) res.end(() => res.socket?.destroy());
      streams.clear();
    },
  };
}
