/**
 * A throwaway PostgreSQL cluster of the test's own (initdb and pg_ctl from the installed server packages, its
 * own port and data directory in a temp folder), so a test can stop and start the server itself. The machine's
 * own server is never touched. initdb refuses to run as root, so under root the cluster belongs to the
 * `postgres` account (runuser).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const SERVER_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin folder with initdb and pg_ctl, or why there is none. */
export function findPostgresBin(): { bin: string } | { missing: string } {
  if (!existsSync(SERVER_ROOT)) return { missing: `${SERVER_ROOT} does not exist` };
  const versions = readdirSync(SERVER_ROOT)
    .filter((v) => existsSync(join(SERVER_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (!newest) return { missing: `no ${SERVER_ROOT}/*/bin/initdb` };
  return { bin: join(SERVER_ROOT, newest, 'bin') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class OwnPostgres {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly asPostgres: boolean,
  ) {}

  static async create(bin: string): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'caseops-own-pg-'));
    const asPostgres = process.getuid?.() === 0;
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
    const cluster = new OwnPostgres(bin, dir, await freePort(), asPostgres);
    await cluster.run('initdb', [
      '-D',
      join(dir, 'data'),
      '--auth=trust',
      '--username=postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return this.asPostgres ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }

  /** Runs a server tool without blocking the test's own servers (the fake Slack, the simulators). */
  private async run(tool: string, args: string[]): Promise<void> {
    const [command, argv] = this.command(tool, args);
    await execFileAsync(command, argv, { cwd: this.dir });
  }

  start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    return this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      'start',
    ]);
  }

  /** A fast shutdown, as an operator's restart or a failover does: sessions are ended, work rolled back. */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined); // already stopped
    rmSync(this.dir, { recursive: true, force: true });
  }
}
