/**
 * A simulator is a second, independent reading of its vendor's document. If it imported the adapter's schemas,
 * paths or constants, a mistake in them would be agreed with instead of caught. These tests read each
 * simulator's imports and allow only the shared simulator plumbing, its own simulator files, zod and Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vendorsDir = join(root, 'src', 'vendors');
const PLUMBING = ['sim-kit.ts', 'simulator.ts'].map((name) => join(vendorsDir, name));

/** Static imports (type-only ones too), re-exports and dynamic imports of a source text. */
function importsIn(text: string): Array<{ specifier: string }> {
  const found: Array<{ specifier: string }> = [];
  const staticImport = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/gms;
  for (const match of text.matchAll(staticImport)) found.push({ specifier: match[1]! });
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ specifier: match[1]! });
  return found;
}

function resolveImport(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts') : undefined;
}

/** A simulator's own part: a `simulator*.ts` file in the same vendor folder (checked by the same rule). */
function isOwnSimulatorPart(file: string, target: string): boolean {
  return dirname(target) === dirname(file) && /^simulator[\w-]*\.ts$/.test(basename(target));
}

/**
 * What a vendor's simulator may import: Node, zod, the shared simulator plumbing and its own simulator
 * files. Nothing else.
 */
function forbiddenSimulatorImports(file: string, text: string): string[] {
  return importsIn(text)
    .filter(({ specifier }) => {
      const target = resolveImport(file, specifier);
      if (target) return !PLUMBING.includes(target) && !isOwnSimulatorPart(file, target);
      return !(specifier.startsWith('node:') || specifier === 'zod');
    })
    .map(({ specifier }) => specifier);
}

/** What the shared plumbing may import: Node and itself. Never a vendor folder, the HTTP client or the domain. */
function forbiddenPlumbingImports(file: string, text: string): string[] {
  return importsIn(text)
    .filter(({ specifier }) => {
      const target = resolveImport(file, specifier);
      return target ? !PLUMBING.includes(target) : !specifier.startsWith('node:');
    })
    .map(({ specifier }) => specifier);
}

const vendorSimulators = readdirSync(vendorsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(join(vendorsDir, entry.name))
      .filter((name) => /^simulator[\w-]*\.ts$/.test(name))
      .map((name) => join(vendorsDir, entry.name, name)),
  );

describe('simulators are independent witnesses of their vendor documents', () => {
  it('finds a simulator for each of the four vendors', () => {
    const folders = vendorSimulators
      .filter((file) => basename(file) === 'simulator.ts')
      .map((file) => relative(vendorsDir, dirname(file)));
    expect(folders.sort()).toEqual(['cisco', 'equinix', 'juniper', 'motadata']);
  });

  it.each(vendorSimulators.map((file) => [relative(root, file), file] as const))(
    '%s imports nothing from its adapter, mapper, schemas, index or the domain',
    (_name, file) => {
      expect(forbiddenSimulatorImports(file, readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it.each(PLUMBING.map((file) => [relative(root, file), file] as const))(
    '%s (shared plumbing) imports no vendor code and nothing from the domain',
    (_name, file) => {
      expect(forbiddenPlumbingImports(file, readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('the check refuses what a coupled simulator would import, however it is written', () => {
    const file = join(vendorsDir, 'equinix', 'simulator.ts');
    const coupled = [
      "import { EquinixCreateRequest } from './schemas.js';",
      "import type { EquinixTicket } from './schemas.js';",
      "import {\n  CISCO_STATUSES,\n} from '../cisco/mapper.js';",
      "export { mapEquinixError } from './adapter.js';",
      "import { JUNIPER_PRIORITIES } from '../../domain/open-request.js';",
      "import type { Case } from '../../domain/case.js';",
      "import { encodePath } from '../http/path.js';",
      "const index = await import('./index.js');",
      "import { request } from 'undici';",
      "import { randomUUID } from 'node:crypto';",
      "import { z } from 'zod';",
      "import { SimulatorServer } from '../sim-kit.js';",
    ].join('\n');
    expect(forbiddenSimulatorImports(file, coupled)).toEqual([
      './schemas.js',
      './schemas.js',
      '../cisco/mapper.js',
      './adapter.js',
      '../../domain/open-request.js',
      '../../domain/case.js',
      '../http/path.js',
      'undici',
      './index.js',
    ]);
  });

  it('the plumbing check refuses the domain, vendor folders and the HTTP client', () => {
    const file = join(vendorsDir, 'simulator.ts');
    const text = [
      "import type { VendorId } from '../domain/case.js';",
      "import type { VendorAdapter } from '../domain/ports/vendor.js';",
      "import { EquinixSimulator } from './equinix/simulator.js';",
      "import { VendorHttpClient } from './http/client.js';",
      "import type { FaultRule } from './sim-kit.js';",
      "import { createServer } from 'node:http';",
    ].join('\n');
    expect(forbiddenPlumbingImports(file, text)).toEqual([
      '../domain/case.js',
      '../domain/ports/vendor.js',
      './equinix/simulator.js',
      './http/client.js',
    ]);
  });
});
