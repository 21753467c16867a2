import { join, resolve } from 'node:path';
import { AlreadyExistsError, InvalidArgumentError } from '@omega/core';
import { EffectsFront } from './front.js';
import { type HandlerModule, importModules } from './modules.js';
import { KIND } from './rules.js';

const REGISTRY = 'FilesystemEffectHandlerRegistry';

/** Options of {@link FilesystemEffectHandlerRegistry}. */
export interface FilesystemEffectHandlerRegistryOptions {
  /** The directory of handler modules; a relative one is resolved against the working directory now. */
  dir: string;
}

/** What one {@link FilesystemEffectHandlerRegistry.load} changed, by op (each list sorted). */
export interface HandlerLoadReport {
  /** Ops of files new since the last load (or of every file, the first time). */
  added: string[];
  /** Ops whose file changed: registered again with the new module. */
  replaced: string[];
  /** Ops whose file is gone (or now exports another op): unregistered. */
  removed: string[];
  /** Ops whose file is unchanged. */
  unchanged: string[];
}

/**
 * Effect handlers loaded from a directory of ES modules (`*.mjs`, `*.js`), each exporting `op` (an effect
 * op), `handler` (an `EffectHandler`) and optionally `metadata` (`EffectMetadata`), plus any registered by
 * code. `load()` makes the ops of the directory's files match its current content; Node cannot unload a
 * module, so every version of a file ever loaded stays in memory until the process exits.
 */
export class FilesystemEffectHandlerRegistry extends EffectsFront {
  /** The directory, as an absolute path. */
  readonly dir: string;
  // The ops the last load registered, by file name, with the module each came from.
  #loaded = new Map<string, HandlerModule>();

  constructor(options: FilesystemEffectHandlerRegistryOptions) {
    const dir = checkDir(options);
    super({ registry: REGISTRY });
    this.dir = resolve(dir);
  }

  /**
   * Imports every module of the directory and applies the result as one change: new files' ops are
   * registered, changed files' ops replaced (a changed file is imported again, at a new URL), gone files'
   * ops unregistered; unchanged files keep their handlers. All or nothing: when a file is refused
   * (`CorruptDataError` naming it: a symlink, not a regular file, failing to import, a wrong export), an
   * op is exported by two files or registered by code (`AlreadyExistsError` naming the file), or the
   * directory is missing (`NotFoundError`), nothing changes. Loads are not meant to overlap: await one
   * before starting the next.
   */
  async load(): Promise<HandlerLoadReport> {
    this.lifecycle.assertOpen('load');
    const modules = await importModules(this.dir, REGISTRY);
    this.lifecycle.assertOpen('load');
    const previous = new Map([...this.#loaded.values()].map((module) => [module.op, module]));
    const byOp = new Map<string, HandlerModule>();
    for (const module of modules) {
      const other = byOp.get(module.op);
      if (other !== undefined) throw exportedTwice(module, other, this.dir);
      if (!previous.has(module.op) && this.has(module.op)) throw registeredByCode(module, this.dir);
      byOp.set(module.op, module);
    }
    const report: HandlerLoadReport = { added: [], replaced: [], removed: [], unchanged: [] };
    for (const op of previous.keys()) {
      if (!byOp.has(op)) {
        this.unregister(op);
        report.removed.push(op);
      }
    }
    for (const [op, module] of byOp) {
      const before = previous.get(op);
      if (before?.handler === module.handler) {
        report.unchanged.push(op);
        continue;
      }
      this.register(op, module.handler, { ...module.metadata, replace: true });
      (before === undefined ? report.added : report.replaced).push(op);
    }
    this.#loaded = new Map(modules.map((module) => [module.file, module]));
    for (const list of Object.values(report)) list.sort();
    return report;
  }
}

function checkDir(options: unknown): string {
  const dir = (options as { dir?: unknown } | null | undefined)?.dir;
  if (typeof options !== 'object' || options === null || typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError(`${REGISTRY}: option dir must be a non-empty path`, {
      details: { provider: REGISTRY, kind: KIND, option: 'dir', value: dir },
    });
  }
  return dir;
}

function exportedTwice(module: HandlerModule, other: HandlerModule, dir: string): AlreadyExistsError {
  return new AlreadyExistsError(
    `${REGISTRY}: effect op "${module.op}" is exported by both ${other.file} and ${module.file} in ${dir}`,
    {
      details: {
        provider: REGISTRY,
        kind: KIND,
        name: module.op,
        file: join(dir, module.file),
        other: join(dir, other.file),
      },
    },
  );
}

function registeredByCode(module: HandlerModule, dir: string): AlreadyExistsError {
  return new AlreadyExistsError(
    `${REGISTRY}: effect op "${module.op}" of ${module.file} in ${dir} is registered already, by code`,
    { details: { provider: REGISTRY, kind: KIND, name: module.op, file: join(dir, module.file) } },
  );
}
