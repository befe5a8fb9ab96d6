/**
 * `.env` in the working directory, read once at start when present. The environment wins: a variable already
 * set (by the shell, a process manager, a container) keeps its value, except an empty one, which caseops treats
 * as unset everywhere, so the file may fill it.
 *
 * Node's own `process.loadEnvFile` keeps every variable already present, empty ones included, so a copied
 * .env.example exported as empty variables would hide the file. We parse with Node's same parser
 * (`util.parseEnv`) and apply that one rule ourselves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './env.js';

export const DOTENV_FILE = '.env';

export interface DotEnvResult {
  path: string;
  /** Names taken from the file. */
  applied: string[];
  /** Names the file sets that the environment already had: the environment's value was kept. */
  keptFromEnvironment: string[];
}

/** Applies `<cwd>/.env` to `env` (process.env by default). Returns undefined when there is no such file. */
export function loadDotEnv(
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): DotEnvResult | undefined {
  const path = join(options.cwd ?? process.cwd(), DOTENV_FILE);
  const env = options.env ?? process.env;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError([
      `${DOTENV_FILE}: cannot read ${path} (${code ?? 'unreadable'}); make it a readable file or remove it`,
    ]);
  }
  const applied: string[] = [];
  const keptFromEnvironment: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined || env[name] === '') {
      env[name] = value;
      applied.push(name);
    } else {
      keptFromEnvironment.push(name);
    }
  }
  return { path, applied, keptFromEnvironment };
}
