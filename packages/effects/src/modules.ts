import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CorruptDataError, NotFoundError } from '@omega/core';
import { asStorageFailure, io } from '@omega/core/fs';
import { type EffectHandler, type EffectMetadata, EffectMetadataSchema } from './index.js';
import { isValidOp, KIND, OP_RULE } from './rules.js';

/** What one handler module of a directory gives: its op, handler and metadata. */
export interface HandlerModule {
  /** The file's name in the directory. */
  file: string;
  op: string;
  handler: EffectHandler;
  metadata: EffectMetadata;
}

/** The files of a directory that are handler modules: `*.mjs` and `*.js`, not hidden. */
const MODULE_FILE = /^[^.].*\.m?js$/;

/**
 * Imports every handler module of `dir` (the directory itself may be a symlink: it is resolved once).
 * A symlink or anything but a regular file under a module's name is refused, so no module comes from
 * outside the directory; each file is opened without following links, hashed, and imported at a URL
 * carrying its hash, so a changed file is a new module and an unchanged one comes from Node's cache.
 * Throws `NotFoundError` for a missing directory, `CorruptDataError` (details `{ file, reason }`, and
 * `path` for a wrong export) for a refused file, a module that fails to import or exports the wrong
 * shape, `StorageFailureError` for a failing read.
 */
export async function importModules(dir: string, registry: string): Promise<HandlerModule[]> {
  const real = resolveDir(dir, registry);
  const modules: HandlerModule[] = [];
  for (const file of filesOf(real, registry)) {
    const path = join(real, file);
    const digest = digestOf(path, registry);
    const url = `${pathToFileURL(path).href}?v=${digest}`;
    let exports: Record<string, unknown>;
    try {
      exports = await import(/* @vite-ignore */ url);
    } catch (error) {
      throw new CorruptDataError(`${registry}: handler module ${path} failed to import`, {
        cause: error,
        details: { provider: registry, kind: KIND, file: path, reason: 'import failed' },
      });
    }
    modules.push(shapeOf(exports, file, path, registry));
  }
  return modules;
}

function resolveDir(dir: string, registry: string): string {
  try {
    const real = io.realpathSync(dir);
    if (!io.statSync(real).isDirectory()) {
      throw new CorruptDataError(`${registry}: ${dir} is not a directory`, {
        details: { provider: registry, kind: KIND, file: dir, reason: 'not a directory' },
      });
    }
    return real;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${registry}: the handler directory ${dir} does not exist`, {
        details: { provider: registry, kind: KIND, file: dir },
      });
    }
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file: dir });
  }
}

/** The module files of `dir`, sorted; a symlink or a non-file under a module's name is refused. */
function filesOf(dir: string, registry: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = io.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file: dir });
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!MODULE_FILE.test(entry.name)) continue;
    const file = join(dir, entry.name);
    if (entry.isSymbolicLink()) throw refused(registry, file, 'symlink');
    if (!entry.isFile()) throw refused(registry, file, 'not a regular file');
    files.push(entry.name);
  }
  return files.sort();
}

// Read through a descriptor opened without following links: a file swapped for a symlink since the
// listing is refused here rather than read from wherever it points.
function digestOf(file: string, registry: string): string {
  let fd: number | undefined;
  try {
    fd = io.openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    if (!io.fstatSync(fd).isFile()) throw refused(registry, file, 'not a regular file');
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (let read = io.readSync(fd, chunk); read > 0; read = io.readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, read));
    }
    const opened = fd;
    fd = undefined;
    io.closeSync(opened);
    return hash.digest('hex').slice(0, 32);
  } catch (error) {
    if (fd !== undefined) closeAfterFailure(fd);
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw refused(registry, file, 'symlink');
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file });
  }
}

// The failure being reported is the one that matters; a descriptor that also fails to close has nothing
// more to say.
function closeAfterFailure(fd: number): void {
  try {
    io.closeSync(fd);
  } catch {}
}

function refused(registry: string, file: string, reason: string): CorruptDataError {
  return new CorruptDataError(`${registry}: ${file} is refused as a handler module: ${reason}`, {
    details: { provider: registry, kind: KIND, file, reason },
  });
}

/** The module's `op`, `handler` and optional `metadata`, checked. */
function shapeOf(
  exports: Record<string, unknown>,
  file: string,
  path: string,
  registry: string,
): HandlerModule {
  const wrong = (what: string, reason: string) =>
    new CorruptDataError(`${registry}: handler module ${path}: ${what} ${reason}`, {
      details: { provider: registry, kind: KIND, file: path, path: what, reason },
    });
  const { op, handler, metadata } = exports;
  if (!isValidOp(op)) throw wrong('op', `is not an effect op (${OP_RULE})`);
  if (typeof handler !== 'function') throw wrong('handler', 'is not a function');
  const parsed = EffectMetadataSchema.safeParse(metadata ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw wrong(['metadata', ...(issue?.path ?? [])].join('.'), issue?.message ?? 'is not effect metadata');
  }
  return { file, op, handler: handler as EffectHandler, metadata: parsed.data };
}
