// `npm start`: builds dist/ (scripts/build.mjs) only when a source file, the lock file or the build settings
// changed since the last build, then runs the app in this same process, so an up-to-date tree starts about as
// fast as `node dist/main.js`. esbuild (a development dependency) is loaded only when a build is needed.
import { readdirSync, statSync } from 'node:fs';
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
  // The bundle holds the installed packages too: a changed lock file means other packages.
  for (const file of ['tsconfig.json', 'package-lock.json', 'scripts/build.mjs'])
    newest = Math.max(newest, mtimeOf(join(root, file)) ?? 0);
  for (const item of readdirSync(join(root, 'src'), { withFileTypes: true, recursive: true })) {
    // Folders count too: a deleted or renamed file changes its folder's time.
    newest = Math.max(newest, mtimeOf(join(item.parentPath, item.name)) ?? 0);
  }
  return newest;
}

// Every build empties dist/ and writes dist/main.js again: its time is the build's.
const builtAt = mtimeOf(entry);
if (builtAt === undefined || newestInput() > builtAt) {
  process.stderr.write('caseops: building dist/ (the sources changed since the last build)\n');
  const { buildCaseops } = await import('./build.mjs');
  await buildCaseops();
}

await import(pathToFileURL(entry).href);
