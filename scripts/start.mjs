// `npm start`: compiles src/ only when a source file or the TypeScript settings changed since dist/ was built,
// then runs the app in this same process, so an up-to-date tree starts about as fast as `node dist/main.js`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'main.js');

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time among everything the build reads. */
function newestInput() {
  let newest = 0;
  for (const file of ['tsconfig.json', 'tsconfig.build.json'])
    newest = Math.max(newest, mtimeOf(join(root, file)) ?? 0);
  for (const item of readdirSync(join(root, 'src'), { withFileTypes: true, recursive: true })) {
    // Folders count too: a deleted or renamed file changes its folder's time.
    newest = Math.max(newest, mtimeOf(join(item.parentPath, item.name)) ?? 0);
  }
  return newest;
}

// tsc rewrites every output, dist/main.js included, on each build: its time is the build's.
const builtAt = mtimeOf(entry);
if (builtAt === undefined || newestInput() > builtAt) {
  process.stderr.write('caseops: compiling src/ (changed since the last build)\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await import(pathToFileURL(entry).href);
