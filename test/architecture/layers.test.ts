/**
 * The layering the README's architecture section describes, checked on the source itself: the domain imports
 * nothing outside itself, the Slack surface never reaches the store, no import cycle exists in src/, and only
 * the composition root (src/compose) builds use cases, notifiers and the scheduler. The linter enforces the
 * first two on every change; the last test shows that it does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import and re-export of a file: the specifier as written and, for relative ones, the file it names. */
function importsOf(file: string): Array<{ specifier: string; target?: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const found: Array<{ specifier: string; target?: string; typeOnly: boolean }> = [];
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/gms;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[2]!;
    const target = specifier.startsWith('.')
      ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts')
      : undefined;
    found.push({ specifier, target, typeOnly: match[1] !== undefined });
  }
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1]!;
    const target = specifier.startsWith('.')
      ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts')
      : undefined;
    found.push({ specifier, target, typeOnly: false });
  }
  return found;
}

const files = sourceFiles(src);
const inside = (file: string, folder: string) => !relative(join(src, folder), file).startsWith('..');

describe('layers', () => {
  it('src/domain imports nothing outside itself (zod types and node:crypto aside)', () => {
    const outward = files
      .filter((file) => inside(file, 'domain'))
      .flatMap((file) =>
        importsOf(file)
          .filter(({ specifier, target, typeOnly }) =>
            target
              ? !inside(target, 'domain')
              : !(specifier === 'node:crypto' || (specifier === 'zod' && typeOnly)),
          )
          .map(({ specifier }) => `${relative(root, file)} → ${specifier}`),
      );
    expect(outward).toEqual([]);
  });

  it('src/slack never imports the store', () => {
    const toStore = files
      .filter((file) => inside(file, 'slack'))
      .flatMap((file) =>
        importsOf(file)
          .filter(({ target }) => target !== undefined && inside(target, 'store'))
          .map(({ specifier }) => `${relative(root, file)} → ${specifier}`),
      );
    expect(toStore).toEqual([]);
  });

  it('src/ has no import cycle', () => {
    const graph = new Map(
      files.map((file) => [
        file,
        importsOf(file)
          .filter(({ target }) => target !== undefined)
          .map(({ target }) => target!),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) visit(next);
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) visit(file);
    expect(cycles).toEqual([]);
  });

  it('only src/compose constructs use cases, Slack notifiers, the scheduler and the policy gate', () => {
    const constructions =
      /\bnew (CaseService|CaseCards|Home|CaseAuditTrail|DigestSettingsService|SlackNotifier|SlackDigestPublisher|SlackCardUpdater|StatusTracker|DigestRunner|Scheduler|PolicyGate)\(/g;
    const outside = files
      .filter((file) => !inside(file, 'compose'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(constructions)].map(
          (match) => `${relative(root, file)}: new ${match[1]}(`,
        ),
      );
    expect(outside).toEqual([]);
    // And the check itself sees them where they are built.
    const built = files
      .filter((file) => inside(file, 'compose'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(constructions)].map((match) => match[1]));
    expect(new Set(built)).toEqual(
      new Set([
        'CaseService',
        'CaseCards',
        'Home',
        'CaseAuditTrail',
        'DigestSettingsService',
        'SlackNotifier',
        'SlackDigestPublisher',
        'SlackCardUpdater',
        'StatusTracker',
        'DigestRunner',
        'Scheduler',
        'PolicyGate',
      ]),
    );
  });

  it('the Slack app is handed use cases, not the store or the vendor registry', () => {
    const app = readFileSync(join(src, 'slack', 'app.ts'), 'utf8');
    const options = app.slice(app.indexOf('export interface CreateSlackAppOptions'));
    const body = options.slice(0, options.indexOf('\n}\n'));
    expect(body).toContain('useCases: SlackUseCases');
    expect(body).not.toMatch(/\b(store|vendors|digests|authorize)\??:/);
  });

  it('the linter refuses a domain file that imports the store, and a Slack file that does', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'caseops-layers-'));
    try {
      const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
      config.vcs = { enabled: false };
      config.$schema = undefined;
      writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
      for (const folder of ['src/domain', 'src/slack']) {
        mkdirSync(join(scratch, folder), { recursive: true });
        writeFileSync(
          join(scratch, folder, 'probe.ts'),
          "import { createStore } from '../store/index.js';\n\nexport const probe = createStore;\n",
        );
      }
      cpSync(join(root, 'src/store/index.ts'), join(scratch, 'src/store/index.ts'));
      const biome = join(root, 'node_modules/.bin/biome');
      const run = spawnSync(biome, ['lint', 'src/domain/probe.ts', 'src/slack/probe.ts'], {
        cwd: scratch,
        encoding: 'utf8',
      });
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status).not.toBe(0);
      expect(output).toContain('src/domain owns its ports and imports nothing outside itself');
      expect(output).toContain('The Slack surface talks to use cases, never to the store');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
