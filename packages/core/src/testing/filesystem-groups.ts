import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OmegaErrorCode } from '../errors.js';
import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, rejectionOf } from './assertions.js';
import type { TestFramework } from './suite.js';

/** How {@link describeFilesystemFaults} drives one family's filesystem provider. */
export interface FilesystemFaultsOptions<P extends Closable> {
  /** Family kind, for test titles. */
  kind: string;
  /** The family folder under the store root (`state`, `sessions`, ...). */
  folder: string;
  /** A provider over store root `root`. */
  open(root: string): P;
  /** Stores a record under `name`. */
  save(provider: P, name: string): Promise<void>;
  /** The record under `name`, or null. */
  load(provider: P, name: string): Promise<unknown>;
  /** The stored names. */
  list(provider: P): Promise<string[]>;
  /** Deletes the record under `name`. */
  remove(provider: P, name: string): Promise<void>;
}

async function expectTyped(
  pending: () => Promise<unknown>,
  code: OmegaErrorCode,
  key: 'file' | 'root',
  path: string,
): Promise<void> {
  const error = await rejectionOf(pending, code);
  check(error.details[key] === path, `details.${key} must be ${path}, got ${String(error.details[key])}`);
}

/**
 * Filesystem faults every family must report the same way: a root that is a file, the family folder
 * deleted, replaced by a file or by a symlink under a running provider, and a directory where a data
 * file should be. Each is a typed `OmegaError` naming the path (`details.file` or `details.root`), never
 * a raw Node error; a deleted folder is recreated by the next write. A temp directory per test.
 */
export function describeFilesystemFaults<P extends Closable>(
  { describe, it, beforeEach, afterEach }: TestFramework,
  options: FilesystemFaultsOptions<P>,
): void {
  const { save, load, list, remove } = options;
  let dir = '';
  let root = '';
  let folder = '';
  const opened: P[] = [];
  const open = (at = root): P => {
    const provider = options.open(at);
    opened.push(provider);
    return provider;
  };

  describe(`${options.kind} filesystem faults`, {}, () => {
    beforeEach(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'omega-faults-')));
      root = join(dir, 'root');
      folder = join(root, options.folder);
    });

    afterEach(async () => {
      for (const provider of opened.splice(0)) await provider.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses a root that is a file with an InvalidArgumentError naming the root', async () => {
      await writeFile(root, 'not a directory');
      const provider = open();
      await expectTyped(() => save(provider, 'a'), 'INVALID_ARGUMENT', 'root', root);
      await expectTyped(() => load(provider, 'a'), 'INVALID_ARGUMENT', 'root', root);
      await expectTyped(() => list(provider), 'INVALID_ARGUMENT', 'root', root);
    });

    it('refuses a root under a file with an InvalidArgumentError naming the root', async () => {
      await writeFile(join(dir, 'file'), 'not a directory');
      const under = join(dir, 'file', 'root');
      await expectTyped(() => save(open(under), 'a'), 'INVALID_ARGUMENT', 'root', under);
    });

    it('reads nothing from a folder deleted under a running provider and recreates it on the next write', async () => {
      const provider = open();
      await save(provider, 'a');
      await rm(folder, { recursive: true });
      check((await load(provider, 'a')) === null, 'a record in a deleted folder must read as null');
      assertSameValue(await list(provider), []);
      await save(provider, 'b');
      check(
        (await load(provider, 'b')) !== null,
        'a record saved after the folder was deleted must read back',
      );
      assertSameValue(await list(provider), ['b']);
    });

    it('reports a folder replaced by a file under a running provider as a CorruptDataError naming it', async () => {
      const provider = open();
      await save(provider, 'a');
      await rm(folder, { recursive: true });
      await writeFile(folder, 'not a directory');
      await expectTyped(() => save(provider, 'a'), 'CORRUPT_DATA', 'file', folder);
      await expectTyped(() => load(provider, 'a'), 'CORRUPT_DATA', 'file', folder);
      await expectTyped(() => list(provider), 'CORRUPT_DATA', 'file', folder);
      await expectTyped(() => remove(provider, 'a'), 'CORRUPT_DATA', 'file', folder);
    });

    it('reports a directory where a data file should be as a CorruptDataError naming the file', async () => {
      const provider = open();
      await save(provider, 'a');
      const file = join(folder, 'a.jsonl');
      await rm(file);
      await mkdir(file);
      await expectTyped(() => load(provider, 'a'), 'CORRUPT_DATA', 'file', file);
      await expectTyped(() => save(provider, 'a'), 'CORRUPT_DATA', 'file', file);
      await expectTyped(() => remove(provider, 'a'), 'CORRUPT_DATA', 'file', file);
    });

    it('refuses to save through a folder swapped for a symlink after open', async () => {
      const provider = open();
      await save(provider, 'a');
      const elsewhere = join(dir, 'elsewhere');
      await rename(folder, elsewhere);
      await symlink(elsewhere, folder);
      await expectTyped(() => save(provider, 'b'), 'CORRUPT_DATA', 'file', folder);
      // The same error as a symlinked folder met at open.
      await expectTyped(() => save(open(), 'b'), 'CORRUPT_DATA', 'file', folder);
    });
  });
}
