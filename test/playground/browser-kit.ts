/**
 * What the playground's browser tests share: where Chromium is, how it is started (headless, its own profile,
 * nothing fetched from elsewhere), where screenshots go, and the rule for a machine without it: skipped with
 * how to install it, except under CI=true, where that is a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = process.env.CI === 'true';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'playground');
/** How long one step in the page may take. */
export const STEP_MS = 15_000;

/**
 * The describe for a browser suite: it runs with Chromium; without, it is skipped with a warning saying how
 * to install it, and under CI=true a failing test takes its place.
 */
export function browserSuite(what: string): typeof describe | typeof describe.skip {
  if (!HAVE_CHROMIUM && !IN_CI) {
    console.warn(
      `${what} skipped: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  describe.runIf(!HAVE_CHROMIUM && IN_CI)(`${what}, under CI`, () => {
    it('has Chromium to run in', () => {
      throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it with apt-get install chromium`);
    });
  });
  return HAVE_CHROMIUM ? describe : describe.skip;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors (uncaught exceptions in the page), oldest first. */
  pageErrors: string[];
  /** Saves the page as test-artifacts/playground/<name>.png. */
  shot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Chromium on a fresh profile, one page, 1400×900 in the playground person's time zone. */
export async function openBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'caseops-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    timezoneId: 'Europe/Amsterdam',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    shot: (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) }),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until `locator` (narrowed to ones containing `text`) is on the page; returns the last such. */
export async function shown(locator: Locator, text: string | RegExp): Promise<Locator> {
  const match = locator.filter({ hasText: text }).last();
  await match.waitFor({ state: 'visible' });
  return match;
}
