/**
 * The production build (scripts/build.mjs, `npm run build`): what `node dist/main.js` loads before it serves,
 * and that the bundle starts, finds its files, reaches the vendors and stops as the sources do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseops, DIST, ROOT } from '../../scripts/build.mjs';
import type { PlaygroundState } from '../../src/playground/workspace.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';
import { type Spawned, spawnNode } from '../support/spawned.js';

let metafile: Metafile;
beforeAll(async () => {
  const result = await buildCaseops();
  if (!result.metafile) throw new Error('the build produced no metafile');
  metafile = result.metafile;
}, 120_000);

/**
 * Every source file in `entry` and the chunks it imports by the `followed` kinds of import: statically (the
 * default), what a start loads before it runs; with dynamic imports too, what some start may load.
 */
function loadedFrom(
  entry: string,
  followed: readonly string[] = ['import-statement'],
): { inputs: string[]; externals: string[] } {
  const inputs = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  for (let output = pending.pop(); output !== undefined; output = pending.pop()) {
    if (seen.has(output)) continue;
    seen.add(output);
    const file = metafile.outputs[output];
    if (!file) throw new Error(`no output ${output} in the build`);
    for (const input of Object.keys(file.inputs)) inputs.add(input);
    for (const imported of file.imports) {
      if (!followed.includes(imported.kind)) continue;
      if (imported.external) externals.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { inputs: [...inputs], externals: [...externals] };
}

function outputHolding(input: string): string | undefined {
  return Object.entries(metafile.outputs).find(([, file]) => input in file.inputs)?.[0];
}

describe('the production build', () => {
  it('starts from a launcher that holds nothing but the import of the app', () => {
    const launcher = metafile.outputs['dist/main.js'];
    expect(Object.keys(launcher?.inputs ?? {})).toEqual(['src/launch.ts']);
    const bundled = launcher?.imports.filter((imported) => !imported.external);
    expect(bundled).toEqual([{ path: 'dist/app.js', kind: 'dynamic-import' }]);
  });

  it('loads no playground, sandbox, OpenTelemetry SDK or PostgreSQL driver until a start uses them', () => {
    const { inputs, externals } = loadedFrom('dist/app.js');
    expect(inputs).toContain('src/main.ts');
    expect(inputs).toContain('src/compose/app.ts');
    const lazy = inputs.filter(
      (input) =>
        input.startsWith('src/playground/') ||
        input === 'src/vendors/sandbox.ts' ||
        input === 'src/observability/otel.ts' ||
        /node_modules\/@opentelemetry\/(?!api\/)/.test(input),
    );
    expect(lazy).toEqual([]);
    expect(externals).not.toContain('pg');
    // They are in the build all the same, in chunks of their own.
    for (const input of ['src/playground/index.ts', 'src/vendors/sandbox.ts', 'src/observability/otel.ts']) {
      expect(outputHolding(input)).toMatch(/^dist\/chunks\//);
    }
  });

  it('loads no vendor simulator until the sandbox starts them, and the sandbox reaches every one', () => {
    // Each vendor's simulator files and its plugin's side of them, and the simulator plumbing they share.
    const simulatorInput = /^src\/vendors\/(?:[^/]+\/)?(?:[\w-]*simulator[\w-]*|sim-kit)\.ts$/;
    expect(loadedFrom('dist/app.js').inputs.filter((input) => simulatorInput.test(input))).toEqual([]);
    const lazily = loadedFrom('dist/app.js', ['import-statement', 'dynamic-import']).inputs;
    const simulators = lazily.filter((input) => simulatorInput.test(input));
    expect(simulators).toEqual(
      expect.arrayContaining(['src/vendors/sim-kit.ts', 'src/vendors/simulator.ts']),
    );
    for (const vendor of VENDOR_IDS) {
      expect(simulators).toEqual(
        expect.arrayContaining([
          `src/vendors/${vendor}/simulator.ts`,
          `src/vendors/${vendor}/plugin-simulator.ts`,
        ]),
      );
    }
  });

  it('puts the audit export in dist/cli/audit.js for npm run audit', () => {
    const help = execFileSync(process.execPath, [join(DIST, 'cli', 'audit.js'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(help).toContain('Usage: npm run audit');
  });

  describe('node dist/main.js with no Slack credentials', () => {
    const started: Spawned[] = [];
    afterAll(() => {
      for (const app of started) app.child.kill('SIGKILL');
    });

    it('serves the playground page and its assets, then stops cleanly on SIGTERM, leaving compiled code in the cache', async () => {
      const port = await freePort();
      // The compile cache goes under the temporary folder when NODE_COMPILE_CACHE is not set.
      const temporary = mkdtempSync(join(tmpdir(), 'caseops-build-test-'));
      const app = startBuiltApp({ TMPDIR: temporary, LOG_FORMAT: 'json', PORT: String(port) });
      started.push(app);

      const page = await getWhenUp(`http://127.0.0.1:${port}/`, 20_000);
      expect(page, app.output()).toContain('<title>caseops playground</title>');
      const styles = await fetch(`http://127.0.0.1:${port}/playground/assets/style.css`);
      expect(styles.status).toBe(200);
      expect(app.output()).toContain(`caseops playground: open http://localhost:${port}/`);

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(app.output()).toContain('shutdown: stopped');
      const cached = readdirSync(join(temporary, 'node-compile-cache'), { recursive: true });
      expect(cached.length).toBeGreaterThan(1);
      rmSync(temporary, { recursive: true, force: true });
    }, 30_000);

    // The test suite runs from source: only a start of the bundle shows that the bundled adapters and the
    // HTTP client they load on their first call reach a vendor (here each one's simulator, over loopback).
    it('answers /case show with the case each vendor returned', async () => {
      const port = await freePort();
      const temporary = mkdtempSync(join(tmpdir(), 'caseops-build-test-'));
      const app = startBuiltApp({ TMPDIR: temporary, LOG_FORMAT: 'json', PORT: String(port) });
      started.push(app);
      const base = `http://127.0.0.1:${port}`;
      const state = async () => (await (await fetch(`${base}/playground/state`)).json()) as PlaygroundState;

      await getWhenUp(`${base}/playground/state`, 20_000);
      await pollUntil(async () => (await state()).appReady || undefined, 'app ready for commands', 10_000);
      const { simulators, app: bot } = await state();
      const shown = simulators.flatMap(
        ({ cases }) => cases.find((simulated) => simulated.fill.startsWith('/case show')) ?? [],
      );
      expect(shown).toHaveLength(VENDOR_IDS.length);
      const channel = 'C0NOC';
      for (const simulated of shown) {
        const before = (await state()).messages[channel]?.length ?? 0;
        const sent = await fetch(`${base}/playground/command`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ channel, text: simulated.fill }),
        });
        expect(sent.status, await sent.text()).toBe(200);
        const reply = await pollUntil(
          async () =>
            (await state()).messages[channel]
              ?.slice(before)
              .find((message) => message.author === bot.botUserId),
          `answer to ${simulated.fill}`,
          10_000,
        );
        expect(`${reply.text} ${JSON.stringify(reply.blocks ?? [])}`, app.output()).toContain(
          simulated.title,
        );
      }

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      rmSync(temporary, { recursive: true, force: true });
    }, 40_000);
  });
});

/** `node dist/main.js` from the project root, with PATH, HOME and `env` as its whole environment. */
function startBuiltApp(env: Record<string, string>): Spawned {
  return spawnNode([join(DIST, 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The body of the first 200 from `url`, asked every 100 ms until `deadlineMs` passed. */
function getWhenUp(url: string, deadlineMs: number): Promise<string> {
  return pollUntil(
    async () => {
      try {
        const answer = await fetch(url);
        if (answer.status === 200) return await answer.text();
      } catch {
        // Not listening yet.
      }
      return undefined;
    },
    `${url} answering 200`,
    deadlineMs,
  );
}

/** The first thing `probe` finds (not undefined), asked every 100 ms until `deadlineMs` passed. */
async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  deadlineMs: number,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
