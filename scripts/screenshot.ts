/**
 * `npm run screenshot`: regenerates the README's picture of the playground (docs/playground.png). It starts
 * the playground as `npm start` does (a temporary data folder, a free port on loopback), drives the system
 * Chromium through a short session (an Equinix and a Cisco case watched in #noc, both advanced in the
 * simulators panel, the digest posted) and saves the page.
 *
 * Needs Chromium: `apt-get install chromium`, or CHROMIUM_PATH pointing at one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const ROOT = new URL('..', import.meta.url).pathname;
const OUTPUT = join(ROOT, 'docs', 'playground.png');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const STEP_MS = 15_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The playground exactly as `npm start` runs it, without a build: src/main.ts under tsx. */
function startPlayground(port: number, dataDir: string): { child: ChildProcess; output: () => string } {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
    cwd: ROOT,
    // Only what the playground needs: no Slack or vendor variable from this shell may turn it into a real app.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      DATA_DIR: dataDir,
      PORT: String(port),
      CASEOPS_PLAYGROUND: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: unknown) => {
    output += String(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}

async function ready(url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the playground did not start within 30 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function session(page: Page, base: string): Promise<void> {
  await page.goto(base);
  const messages = page.locator('#messages article.message');
  await messages.filter({ hasText: 'BGP to the Equinix IX in SV5 is flapping' }).waitFor();
  if (await page.locator('#intro').isVisible()) await page.locator('#intro-close').click();

  // Two cases watched in #noc, both moved on by the simulators panel, then the channel's digest.
  const composer = page.getByRole('textbox', { name: 'Message' });
  const watched = [
    ['equinix', 'eqx', '11150929'],
    ['cisco', 'cisco', '690000002'],
  ] as const;
  for (const [, name, id] of watched) {
    await composer.fill(`/case watch ${name} ${id}`);
    await composer.press('Enter');
    await messages
      .filter({ hasText: `case ${id}` })
      .filter({ hasText: 'Watching' })
      .last()
      .waitFor();
  }
  for (const [vendor, , id] of watched) {
    const row = page.locator(`#simulators [data-vendor="${vendor}"] [data-case-id="${id}"]`);
    await row.getByRole('button', { name: 'Advance' }).click();
    // The poll after it is done when the button comes back.
    await row.getByRole('button', { name: 'Advance' }).waitFor();
  }
  await page.getByRole('button', { name: 'Post digest now in #noc' }).click();
  await messages.filter({ hasText: /Posted the digest: \d+ changes?/ }).waitFor();
  await page.mouse.move(0, 0);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-screenshot-'));
  const profile = mkdtempSync(join(tmpdir(), 'caseops-screenshot-chromium-'));
  const port = await freePort();
  const base = `http://localhost:${port}/`;
  const app = startPlayground(port, dataDir);
  try {
    await ready(`http://127.0.0.1:${port}/readyz`, app.output);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1360, height: 860 },
      timezoneId: 'Europe/Amsterdam',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(STEP_MS);
      await session(page, base);
      await page.screenshot({ path: OUTPUT });
    } finally {
      await context.close();
    }
    process.stdout.write(`wrote ${OUTPUT}\n`);
  } finally {
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app.child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
