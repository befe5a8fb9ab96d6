import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASEOPS_MALLOC_ENV, CASEOPS_NODE_FLAGS } from '../bench/config.js';

// The benchmark measures caseops started with the V8 options production uses; they must stay the same.
describe('the node options caseops runs with', () => {
  it('are the same in the Dockerfile, in npm start and in the benchmark', () => {
    const dockerCmd = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    const start = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
    expect(dockerCmd).toBe(
      `CMD ${JSON.stringify(['node', ...CASEOPS_NODE_FLAGS, 'dist/main.js'])}`.replace(/","/g, '", "'),
    );
    // npm start builds when the sources are newer, then runs dist/main.js in the same process.
    expect(start).toBe(['node', ...CASEOPS_NODE_FLAGS, 'scripts/start.mjs'].join(' '));
  });
});

// glibc reads its allocator settings only from the environment, so the image sets them as the benchmark does.
describe('the C allocator settings caseops runs with', () => {
  it('are set in the Dockerfile as the benchmark sets them', () => {
    const dockerEnv = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.slice('ENV '.length).trim().split(/\s+/));
    for (const [name, value] of Object.entries(CASEOPS_MALLOC_ENV))
      expect(dockerEnv).toContain(`${name}=${value}`);
  });
});
