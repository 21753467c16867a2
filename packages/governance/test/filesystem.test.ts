import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { editFramedFile, readFramedText, thrownBy } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeGovernanceProvider } from '../src/conformance.js';
import { FilesystemGovernanceProvider, type FilesystemGovernanceProviderOptions } from '../src/filesystem.js';
import type { Profile } from '../src/index.js';

describeGovernanceProvider('filesystem', async (options) => {
  const { dir, remove } = await tempDir('omega-governance-');
  return {
    provider: new FilesystemGovernanceProvider({ root: dir, budget: 'conformance', ...options }),
    cleanup: remove,
  };
});

const profile = (budget: Profile['budget']): Profile => ({ name: 'test', caps: ['eval'], budget });

describe('FilesystemGovernanceProvider', () => {
  let root = '';
  let remove: () => Promise<void> = async () => undefined;
  const opened: FilesystemGovernanceProvider[] = [];
  const open = (options: Partial<FilesystemGovernanceProviderOptions> = {}) => {
    const provider = new FilesystemGovernanceProvider({
      root,
      budget: 'run',
      profile: profile({ tokens: 100 }),
      ...options,
    });
    opened.push(provider);
    return provider;
  };
  const ledgerFile = () => join(root, 'governance', 'run.jsonl');

  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir('omega-governance-'));
  });

  afterEach(async () => {
    for (const provider of opened.splice(0)) await provider.close();
    await remove();
  });

  it('touches nothing before first use, then keeps one ledger file per budget', async () => {
    const provider = open({ now: () => 7_000 });
    await expect(readFramedText(ledgerFile())).rejects.toThrow();
    provider.consumeBudget('tokens', 5);
    const { header, body } = await readFramedText(ledgerFile());
    expect(header).toMatchObject({ format: 'omega.budget', version: 1, name: 'run', updatedAt: 7_000 });
    expect(JSON.parse(body)).toMatchObject({
      scopes: { root: { used: { tokens: 5 }, limits: { tokens: 100 } } },
    });
  });

  it('keeps the budget across a reopen, and shares it between providers of one name', async () => {
    const first = open();
    expect(first.consumeBudget('tokens', 30)).toBe(true);
    const held = first.reserve('tokens', 20)!;
    await first.close();
    const second = open();
    const third = open();
    expect(second.report()).toMatchObject({ consumed: { tokens: 30 }, reserved: { tokens: 20 } });
    expect(third.consumeBudget('tokens', 50)).toBe(true);
    expect(second.consumeBudget('tokens', 1)).toBe(false);
    expect(open({ budget: 'other' }).remaining('tokens')).toBe(100);
    // A handle outlives the provider that made it only as long as that provider is open.
    thrownBy(() => held.commit(1), 'CLOSED');
  });

  it('remembers keyed commits across a reopen and between providers of one root', async () => {
    const first = open();
    expect(first.reserve('tokens', 10)!.commit(10, { key: 'run-1:0:0' }).duplicate).toBe(false);
    await first.close();
    const second = open();
    const third = open();
    expect(second.reserve('tokens', 10)!.commit(10, { key: 'run-1:0:0' })).toEqual({
      consumed: 0,
      overrun: 0,
      expired: false,
      duplicate: true,
    });
    expect(third.reserve('tokens', 10)!.commit(7, { key: 'run-1:1:0' }).duplicate).toBe(false);
    expect(second.reserve('tokens', 10)!.commit(7, { key: 'run-1:1:0' }).duplicate).toBe(true);
    expect(open({ budget: 'other' }).reserve('tokens', 10)!.commit(7, { key: 'run-1:1:0' }).duplicate).toBe(
      false,
    );
    expect(third.report()).toMatchObject({ consumed: { tokens: 17 }, reserved: { tokens: 0 } });
    const { body } = await readFramedText(ledgerFile());
    expect(JSON.parse(body).settledKeys).toEqual([
      { type: 'tokens', key: 'run-1:0:0' },
      { type: 'tokens', key: 'run-1:1:0' },
    ]);
  });

  it('opens a ledger written before keyed commits, and refuses damaged keys as corrupt', async () => {
    open().consumeBudget('tokens', 10);
    await editFramedFile(ledgerFile(), ({ header, body }) => {
      const ledger = JSON.parse(body);
      delete ledger.settledKeys;
      return { header, body: JSON.stringify(ledger) };
    });
    const older = open();
    expect(older.reserve('tokens', 5)!.commit(5, { key: 'k' }).duplicate).toBe(false);
    expect(older.reserve('tokens', 5)!.commit(5, { key: 'k' }).duplicate).toBe(true);
    expect(older.report().consumed.tokens).toBe(15);
    for (const damaged of [{ type: 'tokens', key: '' }, { type: 'money', key: 'k' }, { key: 'k' }, 'k']) {
      await editFramedFile(ledgerFile(), ({ header, body }) => ({
        header,
        body: JSON.stringify({ ...JSON.parse(body), settledKeys: [damaged] }),
      }));
      const error = thrownBy(() => open().report(), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ kind: 'budget', name: 'run', file: ledgerFile() });
      expect(String(error.details.path)).toContain('settledKeys');
    }
  });

  it("refuses to open a ledger with other limits unless the caller adopts the ledger's", async () => {
    open().consumeBudget('tokens', 10);
    const other = open({ profile: profile({ tokens: 200, cost: 1 }) });
    const error = thrownBy(() => other.consumeBudget('tokens', 1), 'CONFLICT');
    expect(error.details).toMatchObject({
      kind: 'budget',
      name: 'run',
      file: ledgerFile(),
      differs: ['limits.tokens', 'limits.cost'],
    });
    thrownBy(() => open({ period: 'day' }).report(), 'CONFLICT');
    const adopting = open({ profile: profile({ tokens: 200, cost: 1 }), adoptLimits: true });
    expect(adopting.getProfile().budget).toEqual({ tokens: 100, cost: null, time: null, iterations: null });
    expect(adopting.remaining('tokens')).toBe(90);
    expect(adopting.remaining('cost')).toBeNull();
    expect(open().report().consumed.tokens).toBe(10);
  });

  it('reports a ledger whose content is damaged as a CorruptDataError naming the file and the path', async () => {
    open().consumeBudget('tokens', 10);
    await editFramedFile(ledgerFile(), ({ header, body }) => ({
      header,
      body: body.replace('"used":{"tokens":10', '"used":{"tokens":-10'),
    }));
    const error = thrownBy(() => open().consumeBudget('tokens', 1), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: 'budget', name: 'run', file: ledgerFile() });
    expect(String(error.details.path)).toContain('used');
    await editFramedFile(ledgerFile(), ({ header, body }) => ({
      header,
      body: body.replace('"scopes":{', '"scopes":{"__proto__":{"parent":null},'),
    }));
    expect(String(thrownBy(() => open().report(), 'CORRUPT_DATA').details.path)).toContain('scopes');
    await editFramedFile(ledgerFile(), ({ header }) => ({ header, body: '{"scopes":{}}' }));
    thrownBy(() => open().report(), 'CORRUPT_DATA');
    await editFramedFile(ledgerFile(), ({ header }) => ({ header, body: 'not json' }));
    thrownBy(() => open().remaining('tokens'), 'CORRUPT_DATA');
  });

  it('starts a ledger deleted under a running provider over, with its limits', async () => {
    const provider = open();
    provider.consumeBudget('tokens', 40);
    await rm(ledgerFile());
    expect(provider.remaining('tokens')).toBe(100);
  });

  it('reports a root that is a file, a folder swapped for a file or a symlink, or a directory for the ledger as typed errors naming them', async () => {
    const file = join(root, 'plain');
    await writeFile(file, 'not a directory');
    const error = thrownBy(() => open({ root: file }).report(), 'INVALID_ARGUMENT');
    expect(error.details.root).toBe(file);

    const provider = open();
    provider.consumeBudget('tokens', 1);
    const folder = join(root, 'governance');
    await rm(ledgerFile());
    await mkdir(ledgerFile());
    expect(thrownBy(() => provider.report(), 'CORRUPT_DATA').details.file).toBe(ledgerFile());
    await rm(folder, { recursive: true });
    await writeFile(folder, 'not a directory');
    expect(thrownBy(() => provider.consumeBudget('tokens', 1), 'CORRUPT_DATA').details.file).toBe(folder);
    await rm(folder);
    open().consumeBudget('tokens', 1);
    const elsewhere = join(root, 'elsewhere');
    await rename(folder, elsewhere);
    await symlink(elsewhere, folder);
    expect(thrownBy(() => provider.consumeBudget('tokens', 1), 'CORRUPT_DATA').details.file).toBe(folder);
  });
});
