import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from '../../src/config/dotenv.js';
import { ConfigError } from '../../src/config/env.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folderWith(dotenv?: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'caseops-dotenv-'));
  folders.push(folder);
  if (dotenv !== undefined) writeFileSync(join(folder, '.env'), dotenv);
  return folder;
}

describe('.env at start', () => {
  it('fills variables the environment does not set, and the environment wins where both do', () => {
    const cwd = folderWith('PORT=4000\nLOG_LEVEL=debug\n# a comment\nDIGEST_TZ="Europe/Berlin"\nHOST=\n');
    const env: NodeJS.ProcessEnv = { PORT: '5000', LOG_LEVEL: '' };
    const result = loadDotEnv({ cwd, env });
    expect(env).toEqual({ PORT: '5000', LOG_LEVEL: 'debug', DIGEST_TZ: 'Europe/Berlin', HOST: '' });
    expect(result?.keptFromEnvironment).toEqual(['PORT']);
    expect(result?.applied.sort()).toEqual(['DIGEST_TZ', 'HOST', 'LOG_LEVEL']);
    expect(result?.path).toBe(join(cwd, '.env'));
  });

  it('does nothing without a .env file', () => {
    const env: NodeJS.ProcessEnv = { PORT: '5000' };
    expect(loadDotEnv({ cwd: folderWith(), env })).toBeUndefined();
    expect(env).toEqual({ PORT: '5000' });
  });

  it('names an unreadable .env as a configuration problem', () => {
    const cwd = folderWith();
    mkdirSync(join(cwd, '.env'));
    expect(() => loadDotEnv({ cwd, env: {} })).toThrow(ConfigError);
    expect(() => loadDotEnv({ cwd, env: {} })).toThrow(/\.env: cannot read .* \(EISDIR\)/);
  });
});
