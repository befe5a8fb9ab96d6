// Types of build.mjs for the TypeScript that imports it (the benchmark, the fault suites).
import type { BuildOptions, BuildResult } from 'esbuild';

export const ROOT: string;
export const DIST: string;
export const ENTRY_POINTS: Record<string, string>;
export const EXTERNAL_PACKAGES: string[];
export function buildOptions(outdir?: string): BuildOptions;
export function buildCaseops(outdir?: string): Promise<BuildResult>;
