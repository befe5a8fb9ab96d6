/**
 * The playground stays on this machine: it answers only requests addressed to localhost, 127.0.0.1 or
 * [::1] (so a page on another site whose DNS name was rebound to 127.0.0.1 cannot read the state or send
 * commands), refuses requests from another site's page, and `npm start` binds loopback whatever HOST says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';

let instance: PlaygroundInstance;

beforeAll(async () => {
  instance = await startPlaygroundInstance();
}, 30_000);

afterAll(async () => {
  await instance?.stop();
});

/** An HTTP request to the playground with exactly these headers (fetch would not let Host be forged). */
function send(
  port: number,
  options: {
    method?: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
    address?: string;
  },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.address ?? '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const command = JSON.stringify({ channel: 'C0NOC', text: '/case help' });

describe('requests addressed to another name', () => {
  it.each(['evil.example', 'evil.example:80', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.5'])(
    'Host: %s reaches neither the state nor the commands (421)',
    async (host) => {
      const state = await send(instance.port, { path: '/playground/state', headers: { host } });
      expect(state.status).toBe(421);
      expect(state.body).not.toContain('C0NOC');
      expect(JSON.parse(state.body).error).toContain('only requests for localhost, 127.0.0.1 or [::1]');
      const before = instance.playground.fake.calls.length;
      const posted = await send(instance.port, {
        method: 'POST',
        path: '/playground/command',
        headers: { host, 'content-type': 'application/json' },
        body: command,
      });
      expect(posted.status).toBe(421);
      expect((await send(instance.port, { path: '/', headers: { host } })).status).toBe(421);
      expect((await send(instance.port, { path: '/playground/events', headers: { host } })).status).toBe(421);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(instance.playground.fake.calls.length).toBe(before);
    },
  );

  it('a missing Host is refused too (Node refuses HTTP/1.1 without one before the playground sees it)', async () => {
    const answer = await send(instance.port, { path: '/playground/state', headers: {} });
    expect([400, 421]).toContain(answer.status);
    expect(answer.body).not.toContain('C0NOC');
  });
});

describe('requests from another site', () => {
  it('a local Host with a foreign Origin is refused (403)', async () => {
    const posted = await send(instance.port, {
      method: 'POST',
      path: '/playground/command',
      headers: {
        host: `127.0.0.1:${instance.port}`,
        origin: 'http://evil.example',
        'content-type': 'application/json',
      },
      body: command,
    });
    expect(posted.status).toBe(403);
    expect(JSON.parse(posted.body).error).toBe('the playground takes requests only from its own page');
  });
});

describe('requests from this machine', () => {
  it.each(['localhost', 'LOCALHOST:3000', '127.0.0.1', '[::1]:8080'])(
    'Host: %s is answered',
    async (host) => {
      const state = await send(instance.port, { path: '/playground/state', headers: { host } });
      expect(state.status).toBe(200);
      expect(JSON.parse(state.body).channels.map((c: { name: string }) => c.name)).toContain('noc');
    },
  );

  it("the page's own POST (Origin the same local address) is answered", async () => {
    const posted = await send(instance.port, {
      method: 'POST',
      path: '/playground/message',
      headers: {
        host: `localhost:${instance.port}`,
        origin: `http://localhost:${instance.port}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ channel: 'C0NOC', text: 'from the page' }),
    });
    expect(posted.status).toBe(200);
  });

  it("leaves the app's own endpoints alone (Slack and the load balancer call them by other names)", async () => {
    expect(
      (await send(instance.port, { path: '/healthz', headers: { host: 'caseops.internal' } })).status,
    ).toBe(200);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('npm start in playground mode', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback only, even with HOST=0.0.0.0', async () => {
    const root = new URL('../..', import.meta.url).pathname;
    dataDir = mkdtempSync(join(tmpdir(), 'caseops-local-only-'));
    const port = await freePort();
    let output = '';
    child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_FORMAT: 'json',
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '0.0.0.0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    const deadline = Date.now() + 30_000;
    while (!output.includes('caseops playground: open')) {
      if (Date.now() > deadline) throw new Error(`the playground did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(output).toContain('HOST=0.0.0.0 ignored: the playground listens on 127.0.0.1 only');
    const local = await send(port, { path: '/playground/state', headers: { host: `localhost:${port}` } });
    expect(local.status).toBe(200);
    // Every other address of this machine: nothing listens there.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address as string);
    for (const address of others) {
      await expect(
        send(port, { address, path: '/playground/state', headers: { host: `localhost:${port}` } }),
      ).rejects.toThrow(/ECONNREFUSED/);
    }
  }, 45_000);
});
