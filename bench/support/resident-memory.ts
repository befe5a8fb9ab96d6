/**
 * Where the resident memory of the process it runs in lies, from Linux's /proc/self/smaps: V8's heap as V8
 * counts it, and the rest split into the C allocator's memory (the `[heap]` segment and anonymous mappings
 * not V8's), the mapped program and libraries, and stacks. Resident memory far above V8's heap total is
 * memory V8 does not see: native allocations (SQLite, HTTP parsers, buffers) or freed memory the C
 * allocator kept.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface ResidentMemory {
  rssBytes: number;
  /** Memory V8 has committed for its heap (its heapTotal), and what it reports for each space. */
  v8HeapTotalBytes: number;
  v8Spaces: Record<string, number>;
  /** Resident in anonymous mappings and the `[heap]` segment, V8's heap included. */
  anonymousBytes: number;
  /** Resident in mappings of files: node's binary, native add-ons, shared libraries. */
  fileBackedBytes: number;
  /** anonymousBytes less V8's heap: mostly the C allocator's. */
  outsideV8Bytes: number;
  /** Of that, the `[heap]` segment: the C allocator's main arena (memory it frees mid-segment stays resident). */
  mainArenaBytes: number;
}

/** null where /proc is not there (not Linux). */
export function residentMemory(): ResidentMemory | null {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
  let anonymous = 0;
  let fileBacked = 0;
  let mainArena = 0;
  let currentIsFile = false;
  let currentIsMainArena = false;
  for (const line of smaps.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (header) {
      const inode = header[1];
      const name = header[2] ?? '';
      currentIsFile = inode !== '0' && name.startsWith('/');
      currentIsMainArena = name === '[heap]';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const bytes = Number(rss[1]) * 1024;
    if (currentIsMainArena) mainArena += bytes;
    if (currentIsFile) fileBacked += bytes;
    else anonymous += bytes;
  }
  const memory = process.memoryUsage();
  const v8Spaces: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) v8Spaces[space.space_name] = space.space_size;
  return {
    rssBytes: memory.rss,
    v8HeapTotalBytes: memory.heapTotal,
    v8Spaces,
    anonymousBytes: anonymous,
    fileBackedBytes: fileBacked,
    outsideV8Bytes: anonymous - memory.heapTotal,
    mainArenaBytes: mainArena,
  };
}
