// The production build (`npm run build`, `npm start`, the Dockerfile, the benchmark, the fault suites): src/
// bundled by esbuild into dist/. One bundle starts much faster than hundreds of separate modules: most of a
// start was Node resolving, reading and compiling files one by one. Type checking is `npm run typecheck`.
//
// Code split: whatever main.ts or the store imports dynamically (the playground, the vendor simulators,
// OpenTelemetry) lands in its own chunk under dist/chunks/, loaded only by a start that uses it.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');

/**
 * The programs dist/ holds: `node dist/main.js` (src/launch.ts: the compile cache on, then dist/app.js, the app
 * itself) and `node dist/cli/audit.js` (`npm run audit`). The app is an entry point of its own so the launcher's
 * import of it stays a separate file at the top of dist/, where its modules' relative paths hold.
 */
export const ENTRY_POINTS = { main: 'src/launch.ts', app: 'src/main.ts', 'cli/audit': 'src/cli/audit.ts' };

/**
 * Packages left to node_modules: the native SQLite binding; pino and pino-pretty, whose log transport runs
 * in a worker thread that loads them by name; pg, loaded by name only when DATABASE_URL is set; undici,
 * loaded on the first vendor call (src/http/undici.ts): Node's own loader gives a dynamically imported
 * CommonJS package its named exports, a bundled copy would give only `default`.
 */
export const EXTERNAL_PACKAGES = ['better-sqlite3', 'pg', 'pino', 'pino-pretty', 'undici'];

/**
 * Options for esbuild's build(). Chunks sit one folder below dist/, as deep as src/<folder>/<module>.ts: a
 * module that finds files relative to its own URL (the playground's page and the Slack manifests,
 * `../../<folder>/`) finds them from its chunk as it does from its source.
 */
export function buildOptions(outdir = DIST) {
  return {
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.19',
    external: EXTERNAL_PACKAGES,
    // Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __caseopsCreateRequire } from 'node:module'; const require = __caseopsCreateRequire(import.meta.url);",
    },
    sourcemap: true,
    logLevel: 'warning',
    // What went into which file: the build's test checks what a start loads.
    metafile: true,
  };
}

/** Builds into `outdir` (emptied first, so no chunk of an older build stays behind); returns esbuild's result. */
export async function buildCaseops(outdir = DIST) {
  const { build } = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build(buildOptions(outdir));
  // An outdir outside the project's package scope still holds ES modules.
  writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildCaseops();
  process.stderr.write(`caseops: built dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
