import type { FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@omega/core';
import { asStorageFailure, io } from '@omega/core/fs';
import { readExpertFiles, resolveDir } from './files.js';
import { ExpertFront } from './front.js';
import type { Expert } from './index.js';
import { KIND } from './rules.js';

const PROVIDER = 'FilesystemExpertProvider';

/**
 * How long a watched directory must stay quiet before it is reloaded: an editor saves in several steps
 * (write a temp file, rename, touch), and one reload after the last of them sees the file whole.
 */
const SETTLE_MS = 25;

/** Options of {@link FilesystemExpertProvider}. */
export interface FilesystemExpertProviderOptions {
  /**
   * The directory of expert files, or several: an expert named in more than one comes from the earliest.
   * Relative ones are resolved against the working directory at construction.
   */
  dir: string | readonly string[];
  /** Reload when a file of a directory changes (`fs.watch`; the watch never keeps the process alive). */
  watch?: boolean;
  /**
   * Called after each reload the watch starts: with `undefined` when it succeeded, with the error when
   * it failed (the experts loaded before are kept).
   */
  onReload?: (error: Error | undefined) => void;
}

/**
 * Experts loaded from directories of Markdown files with YAML front matter (`name`, `description`,
 * `model`, `tools`, `caps`, `tags`, `domain`, `examples`, `temperature`; any other key kept in `meta`) whose
 * body is the expert's `instructions`: the format of coding agents' sub-agent files, so an agents folder
 * (`.claude/agents`) loads as it is. The constructor loads them; `reload()` (or `watch: true`) loads them
 * again, all or nothing.
 *
 * `register` and `unregister` change this registry in memory only, never the files: an expert registered
 * by code shadows a file's of the same name (registering one without `replace` is an
 * `AlreadyExistsError` like any other), and one unregistered comes back at the next reload if its file is
 * still there.
 */
export class FilesystemExpertProvider extends ExpertFront {
  /** The directories, as absolute paths, earliest first. */
  readonly dirs: readonly string[];
  readonly #watchers: FSWatcher[] = [];
  readonly #onReload: ((error: Error | undefined) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: FilesystemExpertProviderOptions) {
    const checked = checkOptions(options);
    super({ provider: PROVIDER });
    this.dirs = Object.freeze(checked.dirs.map((dir) => resolve(dir)));
    this.#onReload = checked.onReload;
    this.reload();
    if (checked.watch) this.#watch();
  }

  /**
   * Reads every directory again and replaces the experts loaded from files with what they hold now. All
   * or nothing: when a file is refused (`CorruptDataError` naming the file and the line: bad YAML, a bad
   * field, a symlink), two files of one directory name one expert (`AlreadyExistsError` naming both), or
   * a directory is missing (`NotFoundError`), the experts loaded before are kept and the error thrown.
   */
  reload(): void {
    this.lifecycle.assertOpen('reload');
    const experts = new Map<string, Expert>();
    for (const dir of this.dirs) {
      for (const { expert } of readExpertFiles(PROVIDER, resolveDir(PROVIDER, dir))) {
        if (!experts.has(expert.name)) experts.set(expert.name, expert);
      }
    }
    this.replaceLoaded(experts);
  }

  /** Stops watching; later calls throw `ClosedError`. Idempotent. */
  override async close(): Promise<void> {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    await super.close();
  }

  #watch(): void {
    for (const dir of this.dirs) {
      let watcher: FSWatcher;
      try {
        watcher = io.watch(resolveDir(PROVIDER, dir), () => this.#changed());
      } catch (error) {
        for (const started of this.#watchers.splice(0)) started.close();
        throw asStorageFailure(error, { kind: KIND, operation: 'watch', file: dir });
      }
      // A directory removed while watched: reported once, as a failed reload; its watch ends.
      watcher.on('error', (error) => {
        watcher.close();
        this.#onReload?.(asStorageFailure(error, { kind: KIND, operation: 'watch', file: dir }) as Error);
      });
      watcher.unref();
      this.#watchers.push(watcher);
    }
  }

  #changed(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#reloadWatched(), SETTLE_MS);
    this.#timer.unref();
  }

  #reloadWatched(): void {
    if (this.lifecycle.closed) return;
    let failure: Error | undefined;
    try {
      this.reload();
    } catch (error) {
      failure = error as Error;
    }
    this.#onReload?.(failure);
  }
}

function checkOptions(options: unknown): {
  dirs: readonly string[];
  watch: boolean;
  onReload: ((error: Error | undefined) => void) | undefined;
} {
  const wrong = (option: string, reason: string, value: unknown) =>
    new InvalidArgumentError(`${PROVIDER}: option ${option} ${reason}`, {
      details: { provider: PROVIDER, kind: KIND, option, value },
    });
  if (typeof options !== 'object' || options === null) {
    throw wrong('dir', 'must be a non-empty path or a non-empty list of them', undefined);
  }
  const { dir, watch, onReload } = options as Record<string, unknown>;
  const dirs = typeof dir === 'string' ? [dir] : dir;
  const isPath = (path: unknown) => typeof path === 'string' && path.length > 0;
  if (!Array.isArray(dirs) || dirs.length === 0 || !dirs.every(isPath)) {
    throw wrong('dir', 'must be a non-empty path or a non-empty list of them', dir);
  }
  if (watch !== undefined && typeof watch !== 'boolean') throw wrong('watch', 'must be a boolean', watch);
  if (onReload !== undefined && typeof onReload !== 'function') {
    throw wrong('onReload', 'must be a function', onReload);
  }
  return {
    dirs: dirs as string[],
    watch: watch === true,
    onReload: onReload as ((error: Error | undefined) => void) | undefined,
  };
}
