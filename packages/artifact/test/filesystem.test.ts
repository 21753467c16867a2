import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '@omega/core';
import { editFramedFile, readFramedText, thrownBy } from '@omega/core/testing';
import { fakeClock, tempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeArtifactProvider } from '../src/conformance.js';
import { FilesystemArtifactProvider, type FilesystemArtifactProviderOptions } from '../src/filesystem.js';
import { describeBounds } from './bounds.js';
import { key } from './helpers.js';

describeArtifactProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-artifact-');
    return { provider: new FilesystemArtifactProvider({ root: dir, durable: false }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemArtifactProvider({ root: provider.root, durable: false }) },
);

describeBounds('filesystem', async (options) => {
  const { dir, remove } = await tempDir('omega-artifact-');
  return {
    provider: new FilesystemArtifactProvider({ root: dir, durable: false, ...options }),
    cleanup: remove,
  };
});

describe('FilesystemArtifactProvider', () => {
  let root = '';
  let remove: () => Promise<void> = async () => undefined;
  const opened: FilesystemArtifactProvider[] = [];
  const open = (options: Partial<FilesystemArtifactProviderOptions> = {}) => {
    const provider = new FilesystemArtifactProvider({ root, durable: false, ...options });
    opened.push(provider);
    return provider;
  };
  const indexFile = (exprKey: string) => join(root, 'artifacts', `x.${sha256Hex(exprKey)}.jsonl`);
  const blobFile = (text: string) => {
    const digest = sha256Hex(text);
    return join(root, 'artifact-values', digest.slice(0, 2), digest);
  };

  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir('omega-artifact-'));
  });

  afterEach(async () => {
    for (const provider of opened.splice(0)) await provider.close();
    await remove();
  });

  it('keeps the value once as a blob of its serde text, and an index document per expression', async () => {
    const cache = open({ now: fakeClock(5_000, 1) });
    cache.put(key('e', 'd1'), { shared: true }, { computeTimeMs: 7, deps: [{ ref: 'a', fingerprint: '1' }] });
    cache.put(key('e', 'd2'), { shared: true }, {});
    expect(await readFile(blobFile('{"shared":true}'), 'utf8')).toBe('{"shared":true}');
    const { header, body } = await readFramedText(indexFile('e'));
    expect(body).toBe('');
    expect(header).toMatchObject({ format: 'omega.artifact', version: 1, exprKey: 'e' });
    const variants = (header as { variants: Array<Record<string, unknown>> }).variants;
    expect(variants.map((variant) => variant.depsFingerprint)).toStrictEqual(['d2', 'd1']);
    expect(variants[1]).toMatchObject({
      digest: sha256Hex('{"shared":true}'),
      bytes: 15,
      computeTimeMs: 7,
      createdAt: 5_000,
      deps: [{ ref: 'a', fingerprint: '1' }],
    });
    expect(cache.stats()).toMatchObject({ count: 2, bytes: 30 });
  });

  it('misses on a blob whose bytes were altered, drops the entry and removes the blob', async () => {
    const cache = open();
    cache.put(key('e'), 'the value', {});
    cache.put(key('f'), 'the value', {});
    const file = blobFile('"the value"');
    const bytes = await readFile(file);
    bytes[3] = bytes[3]! ^ 0x20;
    await writeFile(file, bytes);
    expect(cache.get(key('e'))).toBeUndefined();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(open().get(key('f'))).toBeUndefined();
    expect(cache.stats()).toMatchObject({ count: 0, missCount: 1 });
    cache.put(key('e'), 'the value', {});
    expect(open().get(key('e'))).toBe('the value');
  });

  it('misses on a deleted blob, and getByExpr falls back to another fresh variant', async () => {
    const cache = open({ now: fakeClock(1_000, 1) });
    const deps = { deps: [{ ref: 'a', fingerprint: '1' }] };
    cache.put(key('e', 'old'), 'older', deps);
    cache.put(key('e', 'new'), 'newer', deps);
    await rm(blobFile('"newer"'));
    expect(cache.getByExpr('e', new Map([['a', '1']]))).toBe('older');
    expect(cache.stats()).toMatchObject({ count: 1, hitCount: 1, missCount: 0 });
  });

  it('drops entries whose blob is gone and removes blobs nobody points to at prune', async () => {
    const cache = open();
    cache.put(key('a'), 'kept', {});
    cache.put(key('b'), 'lost', {});
    cache.put(key('c'), 'first', {});
    cache.put(key('c'), 'replaced', {});
    await rm(blobFile('"lost"'));
    expect(cache.prune()).toStrictEqual({ evicted: 1, blobsRemoved: 1 });
    expect(cache.stats().count).toBe(2);
    await expect(readFile(blobFile('"first"'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prunes to the bounds of a provider a cache that another one filled past them', () => {
    const unbounded = open({ now: fakeClock(1_000, 1) });
    for (let i = 0; i < 5; i++) unbounded.put(key(`e${i}`), i, {});
    const bounded = open({ capacity: 3 });
    expect(bounded.prune()).toStrictEqual({ evicted: 2, blobsRemoved: 2 });
    expect(bounded.get(key('e1'))).toBeUndefined();
    expect(bounded.get(key('e2'))).toBe(2);
  });

  it('reports an index document that does not parse as a CorruptDataError naming the file and path', async () => {
    const cache = open();
    cache.put(key('e'), 1, {});
    await editFramedFile(indexFile('e'), ({ header, body }) => ({
      header: { ...header, variants: [{ key: 1 }] },
      body,
    }));
    const error = thrownBy(() => open().get(key('e')), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: indexFile('e') });
    expect(String(error.details.path)).toContain('variants');
  });

  it('shares entries and hits between providers over one root, and clear empties both folders', () => {
    const first = open();
    const second = open();
    first.put(key('e'), [1, 2, 3], {});
    expect(second.get(key('e'))).toStrictEqual([1, 2, 3]);
    second.clear();
    expect(first.get(key('e'))).toBeUndefined();
    expect(first.stats().count).toBe(0);
    expect(first.signature()).toBe(open().signature());
  });

  it('refuses a value that is not a Val with an InvalidArgumentError, writing no file', async () => {
    const cache = open();
    const error = thrownBy(() => cache.put(key('e'), { f: () => 1 } as never, {}), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ kind: 'artifact', path: '$.f' });
    await expect(readFile(indexFile('e'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
