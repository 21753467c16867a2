import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isOmegaError } from '@omega/core';
import { rejectionOf } from '@omega/core/testing';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { describeEffectHandlerRegistry } from '../src/conformance.js';
import { FilesystemEffectHandlerRegistry } from '../src/filesystem.js';
import type { EffectContext } from '../src/index.js';

describeEffectHandlerRegistry('filesystem', async () => {
  const { dir, remove } = await tempDir('omega-effects-');
  return { provider: new FilesystemEffectHandlerRegistry({ dir }), cleanup: remove };
});

const test = testWithTempDir('omega-effects-');
const context = (op: string): EffectContext => ({
  runId: 'r',
  step: 0,
  op,
  signal: new AbortController().signal,
});

/** A handler module exporting `op` and a handler resolving to `value`. */
function moduleOf(op: string, value: string, extra = ''): string {
  return `export const op = ${JSON.stringify(op)};\nexport async function handler(context, ...args) {\n  return { ok: true, value: [${JSON.stringify(value)}, context.op, ...args] };\n}\n${extra}`;
}

async function dispatched(registry: FilesystemEffectHandlerRegistry, op: string, ...args: string[]) {
  const result = await registry.dispatch(op, context(op), ...args);
  if (!result.ok) throw new Error(`${op}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

describe('FilesystemEffectHandlerRegistry: loading', () => {
  test('registers the op, handler and metadata of every module, ignoring other and hidden files', async ({
    dir,
  }) => {
    await writeFile(
      join(dir, 'read.mjs'),
      moduleOf(
        'file.read',
        'read',
        'export const metadata = { description: "Reads", costEstimate: { costUsd: 0.01 } };',
      ),
    );
    await writeFile(
      join(dir, 'search.js'),
      'export const op = "web.search";\nexport const handler = async () => ({ ok: true, value: 1 });\n',
    );
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, 'README.md'), 'not a module');
    await writeFile(join(dir, '.hidden.mjs'), 'throw new Error("never imported")');
    const registry = new FilesystemEffectHandlerRegistry({ dir });
    expect(await registry.load()).toStrictEqual({
      added: ['file.read', 'web.search'],
      replaced: [],
      removed: [],
      unchanged: [],
    });
    expect(registry.list()).toStrictEqual(['file.read', 'web.search']);
    expect(await dispatched(registry, 'file.read', 'a')).toStrictEqual(['read', 'file.read', 'a']);
    expect(registry.describe('file.read')).toStrictEqual({
      op: 'file.read',
      toolName: 'file__read',
      description: 'Reads',
      costEstimate: { costUsd: 0.01 },
    });
    await registry.close();
  });

  test('keeps ops registered by code beside those of the directory', async ({ dir }) => {
    await writeFile(join(dir, 'read.mjs'), moduleOf('file.read', 'read'));
    const registry = new FilesystemEffectHandlerRegistry({ dir });
    registry.register('code.op', async () => ({ ok: true, value: 'code' }));
    await registry.load();
    expect(registry.list()).toStrictEqual(['code.op', 'file.read']);
    await registry.close();
  });

  test('resolves a relative dir at construction, and follows a symlinked directory', async ({ dir }) => {
    const registry = new FilesystemEffectHandlerRegistry({ dir: 'relative/handlers' });
    expect(registry.dir).toBe(resolve('relative/handlers'));
    await registry.close();
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'read.mjs'), moduleOf('file.read', 'read'));
    await symlink(join(dir, 'real'), join(dir, 'link'));
    const linked = new FilesystemEffectHandlerRegistry({ dir: join(dir, 'link') });
    expect((await linked.load()).added).toStrictEqual(['file.read']);
    await linked.close();
  });

  test('rejects with NotFoundError for a missing directory, ClosedError after close', async ({ dir }) => {
    const missing = new FilesystemEffectHandlerRegistry({ dir: join(dir, 'missing') });
    expect((await rejectionOf(missing.load(), 'NOT_FOUND')).details.file).toBe(join(dir, 'missing'));
    await missing.close();
    await rejectionOf(missing.load(), 'CLOSED');
  });
});

describe('FilesystemEffectHandlerRegistry: refused modules, all or nothing', () => {
  const refusals: Array<[string, string, { path?: string; reason: string }]> = [
    ['a syntax error', 'export const op = ;', { reason: 'import failed' }],
    ['a module that throws', 'throw new Error("top-level failure");', { reason: 'import failed' }],
    [
      'no op',
      'export const handler = async () => ({ ok: true, value: 1 });',
      { path: 'op', reason: expect.any(String) },
    ],
    ['an invalid op', moduleOf('bad..op', 'x'), { path: 'op', reason: expect.any(String) }],
    ['no handler', 'export const op = "x.y";', { path: 'handler', reason: 'is not a function' }],
    [
      'a handler that is not a function',
      'export const op = "x.y"; export const handler = 42;',
      { path: 'handler', reason: 'is not a function' },
    ],
    [
      'bad metadata',
      moduleOf('x.y', 'x', 'export const metadata = { description: 42 };'),
      { path: 'metadata.description', reason: expect.any(String) },
    ],
  ];
  for (const [label, text, details] of refusals) {
    test(`refuses ${label} with CorruptDataError naming the file, loading nothing`, async ({ dir }) => {
      await writeFile(join(dir, 'good.mjs'), moduleOf('good.op', 'good'));
      await writeFile(join(dir, 'bad.mjs'), text);
      const registry = new FilesystemEffectHandlerRegistry({ dir });
      const error = await rejectionOf(registry.load(), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: join(dir, 'bad.mjs'), ...details });
      expect(registry.list()).toStrictEqual([]);
      await registry.close();
    });
  }

  test('refuses a symlink, to a file inside or outside the directory, and a directory named as a module', async ({
    dir,
  }) => {
    const handlers = join(dir, 'handlers');
    await mkdir(handlers);
    await writeFile(join(dir, 'outside.mjs'), moduleOf('outside.op', 'outside'));
    await writeFile(join(handlers, 'inside.mjs'), moduleOf('inside.op', 'inside'));
    const cases: Array<[string, () => Promise<void>, string]> = [
      [
        'outside-link.mjs',
        () => symlink(join(dir, 'outside.mjs'), join(handlers, 'outside-link.mjs')),
        'symlink',
      ],
      [
        'inside-link.mjs',
        () => symlink(join(handlers, 'inside.mjs'), join(handlers, 'inside-link.mjs')),
        'symlink',
      ],
      ['folder.mjs', () => mkdir(join(handlers, 'folder.mjs')), 'not a regular file'],
    ];
    for (const [name, make, reason] of cases) {
      await make();
      const registry = new FilesystemEffectHandlerRegistry({ dir: handlers });
      const error = await rejectionOf(registry.load(), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: join(handlers, name), reason });
      expect(registry.list()).toStrictEqual([]);
      await registry.close();
      await rm(join(handlers, name), { recursive: true });
    }
  });

  test('refuses an op exported by two files, or registered by code, with AlreadyExistsError naming the file', async ({
    dir,
  }) => {
    await writeFile(join(dir, 'a.mjs'), moduleOf('same.op', 'a'));
    await writeFile(join(dir, 'b.mjs'), moduleOf('same.op', 'b'));
    const twice = new FilesystemEffectHandlerRegistry({ dir });
    const error = await rejectionOf(twice.load(), 'ALREADY_EXISTS');
    expect(error.details).toMatchObject({
      name: 'same.op',
      file: join(dir, 'b.mjs'),
      other: join(dir, 'a.mjs'),
    });
    expect(twice.list()).toStrictEqual([]);
    await twice.close();

    await rm(join(dir, 'b.mjs'));
    const byCode = new FilesystemEffectHandlerRegistry({ dir });
    const mine = async () => ({ ok: true as const, value: 'mine' });
    byCode.register('same.op', mine);
    const clash = await rejectionOf(byCode.load(), 'ALREADY_EXISTS');
    expect(clash.details).toMatchObject({ name: 'same.op', file: join(dir, 'a.mjs') });
    expect(byCode.get('same.op')).toBe(mine);
    await byCode.close();
  });
});

describe('FilesystemEffectHandlerRegistry: load again', () => {
  test('adds new files, replaces changed ones, keeps unchanged ones, removes gone ones', async ({ dir }) => {
    await writeFile(join(dir, 'keep.mjs'), moduleOf('keep.op', 'keep'));
    await writeFile(join(dir, 'change.mjs'), moduleOf('change.op', 'v1'));
    await writeFile(join(dir, 'gone.mjs'), moduleOf('gone.op', 'gone'));
    await writeFile(join(dir, 'rename.mjs'), moduleOf('old.name', 'renamed'));
    const registry = new FilesystemEffectHandlerRegistry({ dir });
    await registry.load();
    const kept = registry.get('keep.op');

    await writeFile(join(dir, 'change.mjs'), moduleOf('change.op', 'v2'));
    await rm(join(dir, 'gone.mjs'));
    await writeFile(join(dir, 'rename.mjs'), moduleOf('new.name', 'renamed'));
    await writeFile(join(dir, 'new.mjs'), moduleOf('new.op', 'new'));
    expect(await registry.load()).toStrictEqual({
      added: ['new.name', 'new.op'],
      replaced: ['change.op'],
      removed: ['gone.op', 'old.name'],
      unchanged: ['keep.op'],
    });
    expect(registry.list()).toStrictEqual(['change.op', 'keep.op', 'new.name', 'new.op']);
    expect(registry.get('keep.op')).toBe(kept);
    expect(await dispatched(registry, 'change.op')).toStrictEqual(['v2', 'change.op']);

    // A changed file changed back is its first version again: Node kept that module.
    await writeFile(join(dir, 'change.mjs'), moduleOf('change.op', 'v1'));
    expect((await registry.load()).replaced).toStrictEqual(['change.op']);
    expect(await dispatched(registry, 'change.op')).toStrictEqual(['v1', 'change.op']);
    await registry.close();
  });

  test('leaves the registry as it was when a reload is refused', async ({ dir }) => {
    await writeFile(join(dir, 'a.mjs'), moduleOf('a.op', 'v1'));
    const registry = new FilesystemEffectHandlerRegistry({ dir });
    await registry.load();
    await writeFile(join(dir, 'a.mjs'), moduleOf('a.op', 'v2'));
    await writeFile(join(dir, 'broken.mjs'), 'export const op = ;');
    const error = await rejectionOf(registry.load(), 'CORRUPT_DATA');
    expect(isOmegaError(error)).toBe(true);
    expect(await dispatched(registry, 'a.op')).toStrictEqual(['v1', 'a.op']);
    await registry.close();
  });
});
