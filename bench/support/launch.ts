/**
 * Building and starting the benchmark's child processes, all run with plain `node` from a folder inside
 * node_modules (packages resolve from the project's node_modules). caseops' own entry point is the production
 * build itself (scripts/build.mjs, what `node dist/main.js` runs), so start-up measures what operators run.
 * The benchmark's own processes, which import single modules of src/, are transpiled one file per module,
 * except caseops' tracking twin: the sweep's resident memory is caseops' memory figure, so the twin is
 * bundled as production is (one module instead of hundreds, zod cut to what caseops uses).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { request } from 'undici';
import { buildCaseops, buildOptions } from '../../scripts/build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'caseops-bench');
/** The production build of caseops, as `npm run build` makes it in dist/. */
const PRODUCTION_DIR = path.join(BUILD_DIR, 'dist');
/** The tracking twin, bundled with the production build's options. */
const TRACKING_DIR = path.join(BUILD_DIR, 'tracking');
const TRACKING_SOURCE = 'bench/processes/caseops-tracking.ts';

/** The processes the benchmark starts besides caseops itself (`main`, the production build of src/main.ts). */
const BENCH_CHILDREN = {
  probe: 'bench/processes/probe.ts',
  world: 'bench/processes/world.ts',
  'caseops-tracking': TRACKING_SOURCE,
  'bare-bolt': 'bench/processes/bare-bolt.ts',
} as const;
export type ChildName = 'main' | keyof typeof BENCH_CHILDREN;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

export async function buildChildren(): Promise<Record<ChildName, string>> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({
    entryPoints: [...typeScriptFiles(path.join(ROOT, 'src')), ...typeScriptFiles(path.join(ROOT, 'bench'))],
    outdir: BUILD_DIR,
    outbase: ROOT,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  // The output sits inside node_modules, outside the project's package scope: say it is ESM.
  writeFileSync(path.join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  await buildCaseops(PRODUCTION_DIR);
  await build({ ...buildOptions(TRACKING_DIR), entryPoints: { 'caseops-tracking': TRACKING_SOURCE } });
  writeFileSync(path.join(TRACKING_DIR, 'package.json'), '{ "type": "module" }\n');
  const benchChildren = Object.fromEntries(
    Object.entries(BENCH_CHILDREN).map(([name, source]) => [
      name,
      path.join(BUILD_DIR, source.replace(/\.ts$/, '.js')),
    ]),
  ) as Record<keyof typeof BENCH_CHILDREN, string>;
  return {
    ...benchChildren,
    'caseops-tracking': path.join(TRACKING_DIR, 'caseops-tracking.js'),
    main: path.join(PRODUCTION_DIR, 'main.js'),
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls GET url every `everyMs` until it answers 200; resolves with performance.now() at that answer. */
export async function waitFor200(url: string, timeoutMs: number, everyMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const answer = await request(url, { method: 'GET', headersTimeout: 1000, bodyTimeout: 1000 });
      await answer.body.dump();
      if (answer.statusCode === 200) return performance.now();
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export class ScratchSpace {
  readonly root = mkdtempSync(path.join(tmpdir(), 'caseops-bench-'));
  private counter = 0;

  /** A new empty folder (a data dir for one app instance). */
  folder(label: string): string {
    const dir = path.join(this.root, `${label}-${++this.counter}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  log(label: string): string {
    return path.join(this.root, `${label}.log`);
  }

  /** Removes the data folders, keeps the logs for a look after the run. */
  removeData(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }
}
