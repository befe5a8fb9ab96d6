/**
 * Every package that src/ imports is declared in package.json's dependencies: one that only arrives as
 * somebody else's dependency can move or vanish with their next release (and `npm ci --omit=dev` installs
 * only what is declared).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Bare specifiers of static imports, re-exports, side-effect imports and dynamic imports. */
function bareImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtins.has(packageName(specifier));

describe('declared dependencies', () => {
  it('finds bare imports of every form', () => {
    expect(
      bareImports(
        [
          "import { a } from 'alpha';",
          "import type {\n  B,\n} from '@scope/beta/sub';",
          "export { c } from 'gamma';",
          "import 'delta/register';",
          "const e = await import('epsilon');",
          "import { f } from './local.js';",
        ].join('\n'),
      ).map(packageName),
    ).toEqual(['alpha', '@scope/beta', 'gamma', 'delta', 'epsilon']);
  });

  it('declares in dependencies every package src/ imports', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const undeclared = new Map<string, string>();
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const specifier of bareImports(readFileSync(file, 'utf8'))) {
        if (isBuiltin(specifier)) continue;
        const name = packageName(specifier);
        if (!(name in manifest.dependencies)) undeclared.set(name, file.slice(root.length));
      }
    }
    expect(Object.fromEntries(undeclared)).toEqual({});
  });
});
