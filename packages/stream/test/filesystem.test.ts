import { FilesystemStore, io } from '@omega/core/fs';
import { rejectionOf } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { collectChunks, describeStreamProvider } from '../src/conformance.js';
import { FilesystemStreamProvider } from '../src/filesystem.js';
import { StreamFront } from '../src/front.js';

describeStreamProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-stream-');
    return { provider: new FilesystemStreamProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemStreamProvider({ root: provider.root }) },
);

/** A temp root, removed when the test ends, and providers over it, closed before. */
async function root(): Promise<{ open(): FilesystemStreamProvider; dir: string }> {
  const { dir, remove } = await tempDir('omega-stream-');
  const opened: FilesystemStreamProvider[] = [];
  onTestFinished(async () => {
    for (const provider of opened) await provider.close();
    await remove();
  });
  return {
    dir,
    open: () => {
      const provider = new FilesystemStreamProvider({ root: dir });
      opened.push(provider);
      return provider;
    },
  };
}

describe('FilesystemStreamProvider: two providers over one root', () => {
  it('wakes a follower of one provider on the appends of another, until the other ends the stream', async () => {
    const { open } = await root();
    const [writer, reader] = [open(), open()];
    await writer.create('s');
    const followed = collectChunks(reader, 's', { follow: true });
    for (let i = 0; i < 5; i++) await writer.append('s', i);
    await writer.end('s');
    expect((await followed).map(({ chunk }) => chunk)).toEqual([0, 1, 2, 3, 4]);
  });

  it("stops the writer of one provider with a StreamCancelledError on the other's cancel", async () => {
    const { open } = await root();
    const [writer, client] = [open(), open()];
    await writer.create('s');
    await writer.append('s', 'a');
    await client.cancel('s', 'client gone');
    const error = await rejectionOf(writer.append('s', 'b'), 'CONFLICT');
    expect(error.details).toMatchObject({ status: 'cancelled', reason: 'client gone' });
    expect(await writer.info('s')).toMatchObject({ status: 'cancelled', chunks: 1 });
  });

  it("refuses a resumed writer's duplicate: the expected index is checked against the log, not a cache", async () => {
    const { open } = await root();
    const [first, second] = [open(), open()];
    await first.create('s');
    await first.append('s', 'a', { expectedIndex: 0 });
    await second.append('s', 'b', { expectedIndex: 1 });
    // `first` last saw the log at one chunk; its expectation of index 2 is right, its cache is not.
    expect(await first.append('s', 'c', { expectedIndex: 2 })).toBe(2);
    await rejectionOf(first.append('s', 'c again', { expectedIndex: 2 }), 'CONFLICT');
    expect((await collectChunks(second, 's')).map(({ chunk }) => chunk)).toEqual(['a', 'b', 'c']);
  });
});

describe('FilesystemStreamProvider: what it reads back', () => {
  it('stores one log per stream, <root>/streams/<id>.log', async () => {
    const { open, dir } = await root();
    const provider = open();
    await provider.create('layout');
    expect(provider.root).toBe(dir);
    const store = new FilesystemStore({ root: dir });
    onTestFinished(() => store.close());
    expect(await store.log(StreamFront.LOG).logs()).toEqual(['layout']);
  });

  it('reports a stored chunk that is not a value as a CorruptDataError naming the stream and position', async () => {
    const { open, dir } = await root();
    const provider = open();
    await provider.create('s');
    const store = new FilesystemStore({ root: dir });
    onTestFinished(() => store.close());
    await store
      .log(StreamFront.LOG)
      .append('s', [{ header: { type: 'chunk', at: 1, bytes: 1 }, body: '{"a":' }]);
    const error = await rejectionOf(collectChunks(provider, 's'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: 'stream', name: 's@1' });
  });

  it('reports a log that does not start with its create entry as a CorruptDataError', async () => {
    const { open, dir } = await root();
    const store = new FilesystemStore({ root: dir });
    onTestFinished(() => store.close());
    await store.log(StreamFront.LOG).append('s', [{ header: { type: 'chunk', at: 1, bytes: 1 }, body: '1' }]);
    const error = await rejectionOf(open().info('s'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: 'stream', name: 's', position: 0 });
  });
});

describe('FilesystemStreamProvider: list', () => {
  it('lists 300 streams, reading a bounded number of them at once', async () => {
    const { open } = await root();
    const provider = open();
    const ids = Array.from({ length: 300 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const id of ids) await provider.create(id);
    await provider.append('s123', 'x');
    const { openSync, closeSync } = io;
    let openNow = 0;
    let most = 0;
    io.openSync = ((...args: Parameters<typeof openSync>) => {
      const fd = openSync(...args);
      most = Math.max(most, ++openNow);
      return fd;
    }) as typeof openSync;
    io.closeSync = ((fd: number) => {
      openNow--;
      closeSync(fd);
    }) as typeof closeSync;
    onTestFinished(() => {
      io.openSync = openSync;
      io.closeSync = closeSync;
    });
    const listed = await provider.list();
    expect(listed.map((info) => info.id)).toEqual(ids);
    expect(listed.find((info) => info.id === 's123')).toMatchObject({ chunks: 1, status: 'open' });
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2 * 64);
  });
});
