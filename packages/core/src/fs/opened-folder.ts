import type { LockOptions } from './lock.js';
import { checkFilesystemOptions, type FilesystemOptions } from './options.js';
import { checkStoreDirSync } from './root.js';

/**
 * A family folder both faces of a port open through one object: the first call of either face opens it
 * (creates it, sweeps what killed writers left), later calls of both reuse that result, and a folder
 * deleted under them is opened again before the next write. Subclasses say how a folder is opened.
 */
export abstract class OpenedFolder {
  /** The store root, as an absolute path. */
  readonly root: string;
  /** The family's kind, and its folder under the root. */
  readonly kind: string;
  readonly folder: string;
  readonly durable: boolean;
  readonly lockOptions: LockOptions;
  // The folder once open, and the pending or settled opening.
  #path: string | undefined;
  #dir: Promise<string> | undefined;

  /** Over folder `spec.folder` of the store `options` describe (checked: an `InvalidArgumentError`). */
  constructor(spec: { kind: string; folder: string }, options: Pick<FilesystemOptions, 'root' | 'durable'>) {
    const checked = checkFilesystemOptions(`a filesystem ${spec.kind} store`, spec.kind, options);
    this.root = checked.root;
    this.kind = spec.kind;
    this.folder = spec.folder;
    this.durable = checked.durable;
    this.lockOptions = checked.lock;
  }

  /** The folder's path once open (by either face), else undefined. */
  get path(): string | undefined {
    return this.#path;
  }

  /**
   * The absolute folder path. The first call creates the folder (see `openStoreDir`) and removes temp
   * files that killed writers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    this.#dir ??= this.open().then(
      (dir) => this.adopt(dir),
      (error: unknown) => {
        this.#dir = undefined;
        throw error;
      },
    );
    return this.#dir;
  }

  /** {@link directory}, synchronously: a folder not open yet (by either face) is opened now. */
  directorySync(): string {
    if (this.#path !== undefined) return this.#path;
    const dir = this.openSync();
    this.#dir = Promise.resolve(dir);
    return this.adopt(dir);
  }

  /**
   * The folder before a write or a lock: one lstat, so a folder swapped for a symlink or a file since it
   * was opened is refused (a `CorruptDataError`, as at open), and one deleted meanwhile is created again
   * (it held nothing any more: the write just starts a new folder).
   */
  async liveDirectory(): Promise<string> {
    const dir = await this.directory();
    return this.#stillThere(dir) ? dir : this.directory();
  }

  /** {@link liveDirectory}, synchronously. */
  liveDirectorySync(): string {
    const dir = this.directorySync();
    return this.#stillThere(dir) ? dir : this.directorySync();
  }

  /**
   * The error of the folder, when `error` (of a call below it) is ENOTDIR because the folder is no longer
   * a directory: the `CorruptDataError` of the folder check. Null otherwise (a missing folder reads as
   * missing entries, through ENOENT).
   */
  folderFault(error: unknown): unknown {
    const dir = this.#path;
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR' || dir === undefined) return null;
    try {
      checkStoreDirSync(dir);
    } catch (folderError) {
      return folderError;
    }
    return null;
  }

  /** Opens the folder: creates it when missing and sweeps it; its absolute path. */
  protected abstract open(): Promise<string>;
  /** {@link open}, synchronously. */
  protected abstract openSync(): string;

  /** Takes `dir` as the open folder (a subclass may note more of it); returns it. */
  protected adopt(dir: string): string {
    this.#path = dir;
    return dir;
  }

  /** Forgets the open folder (it was deleted): the next call opens it again. */
  protected forget(): void {
    this.#dir = undefined;
    this.#path = undefined;
  }

  // False, and the folder to be opened again, when it was deleted since it was opened.
  #stillThere(dir: string): boolean {
    if (checkStoreDirSync(dir)) return true;
    this.forget();
    return false;
  }
}
