import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { FilesystemExpertProvider } from '../src/filesystem.js';
import { writeExpertFile } from './files.js';

const test = testWithTempDir('omega-expert-watch-');

/**
 * A provider watching `dir`, and `settled(done)`: a promise resolved by the first reload after which
 * `done(error)` holds. Tests wait on the reload itself, never on time.
 */
function watching(dir: string) {
  const waiters: Array<{ done: (error: Error | undefined) => boolean; resolve: () => void }> = [];
  const provider = new FilesystemExpertProvider({
    dir,
    watch: true,
    onReload: (error) => {
      for (const waiter of waiters.splice(0)) {
        if (waiter.done(error)) waiter.resolve();
        else waiters.push(waiter);
      }
    },
  });
  const settled = (done: (error: Error | undefined) => boolean) =>
    new Promise<void>((resolve) => waiters.push({ done, resolve }));
  return { provider, settled };
}

describe('FilesystemExpertProvider: watch', () => {
  test('reloads when a file is added or changed', async ({ dir }) => {
    await writeExpertFile(dir, 'first.md', ['description: before']);
    const { provider, settled } = watching(dir);
    await using _ = provider;
    const added = settled(() => provider.get('second') !== undefined);
    await writeExpertFile(dir, 'second.md', ['description: new']);
    await added;
    const changed = settled(() => provider.get('first')?.description === 'after');
    await writeExpertFile(dir, 'first.md', ['description: after']);
    await changed;
    expect(provider.list().map((expert) => expert.name)).toStrictEqual(['first', 'second']);
  });

  test('reports a failed reload to onReload and keeps the experts loaded before', async ({ dir }) => {
    await writeExpertFile(dir, 'good.md', ['description: good']);
    const { provider, settled } = watching(dir);
    await using _ = provider;
    let reported: Error | undefined;
    const failed = settled((error) => {
      reported = error;
      return error !== undefined;
    });
    await writeExpertFile(dir, 'bad.md', ['description: Bad: colon']);
    await failed;
    expect(reported).toMatchObject({ code: 'CORRUPT_DATA', details: { line: 2 } });
    expect(provider.list().map((expert) => expert.name)).toStrictEqual(['good']);
  });

  test('reports a watched directory removed as a failed reload, keeping the experts', async ({ dir }) => {
    const agents = join(dir, 'agents');
    await mkdir(agents);
    await writeExpertFile(agents, 'kept.md', ['description: kept']);
    const { provider, settled } = watching(agents);
    await using _ = provider;
    let reported: Error | undefined;
    const failed = settled((error) => {
      reported = error;
      return (error as { code?: string } | undefined)?.code === 'NOT_FOUND';
    });
    await rm(agents, { recursive: true });
    await failed;
    expect(reported).toMatchObject({ code: 'NOT_FOUND', details: { file: agents } });
    expect(provider.get('kept')?.description).toBe('kept');
  });
});
