/** The machine a run happened on, for the results and the README. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryTotalGiB: number;
  /** `free -h` as printed on the machine, when available. */
  free?: string;
  node: string;
  platform: string;
  /** 1, 5 and 15-minute load averages when the run began and ended: other work on the machine skews figures. */
  loadAverage: { atStart: number[]; atEnd: number[] };
}

/** Load averages rounded to two decimals. */
export function loadAverageNow(): number[] {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

export function describeMachine(loadAtStart: number[]): MachineInfo {
  let free: string | undefined;
  try {
    free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
  } catch {
    free = undefined;
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryTotalGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    free,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: { atStart: loadAtStart, atEnd: loadAverageNow() },
  };
}
