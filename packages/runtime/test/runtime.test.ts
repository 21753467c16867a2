import { readdir } from 'node:fs/promises';
import { ArtifactFront } from '@omega/artifact/front';
import {
  ClosedError,
  emptyState,
  InvalidArgumentError,
  isOmegaError,
  MemoryStore,
  type Store,
} from '@omega/core';
import { EffectsFront } from '@omega/effects/front';
import { ExpertFront } from '@omega/expert/front';
import { GovernanceFront, RemoteGovernanceProvider } from '@omega/governance/front';
import { LogicFront } from '@omega/logic/front';
import { ProvenanceFront } from '@omega/provenance/front';
import { ReceiptFront } from '@omega/receipt/front';
import { SecurityFront } from '@omega/security/front';
import { SessionFront } from '@omega/session/front';
import { MockSessionProvider } from '@omega/session/mock';
import { SnapshotFront } from '@omega/snapshot/front';
import { StateFront } from '@omega/state/front';
import { StreamFront } from '@omega/stream/front';
import { testWithTempDir } from '@omega/test-kit';
import { TraceFront } from '@omega/trace/front';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createRuntime, FAMILY_NAMES, type FamilyName, openFamily } from '../src/index.js';

const withDir = testWithTempDir('omega-runtime-');

afterEach(() => {
  vi.restoreAllMocks();
});

// The class each family's provider extends in the memory preset, to watch their close() calls.
const FRONTS: Record<FamilyName, { prototype: { close(): Promise<void> } }> = {
  state: StateFront,
  session: SessionFront,
  snapshot: SnapshotFront,
  receipt: ReceiptFront,
  trace: TraceFront,
  effects: EffectsFront,
  governance: GovernanceFront,
  artifact: ArtifactFront,
  logic: LogicFront,
  stream: StreamFront,
  security: SecurityFront,
  provenance: ProvenanceFront,
  expert: ExpertFront,
};

/** Records which family each close() call belongs to; `failing` reject after closing. */
function watchCloses(failing: readonly FamilyName[] = []): FamilyName[] {
  const order: FamilyName[] = [];
  for (const name of FAMILY_NAMES) {
    const original = FRONTS[name].prototype.close;
    vi.spyOn(FRONTS[name].prototype, 'close').mockImplementation(async function (this: unknown) {
      order.push(name);
      await original.call(this);
      if (failing.includes(name)) throw new Error(`${name} failed to close`);
    });
  }
  return order;
}

/** `inner` with its asynchronous faces only, as a network store has them. */
const asyncFacesOf = (inner: Store): Store => ({
  documents: (spec) => inner.documents(spec),
  log: (spec) => inner.log(spec),
  blobs: (spec) => inner.blobs(spec),
  close: () => inner.close(),
});

describe('createRuntime', () => {
  test('holds one provider per family under its name', async () => {
    await using runtime = await createRuntime({ preset: 'memory' });
    for (const name of FAMILY_NAMES) expect(runtime[name], name).toBeTypeOf('object');
    expect(runtime.root).toBeUndefined();
    await runtime.session.save('s1', { state: emptyState(), meta: { a: 1 } });
    expect((await runtime.session.load('s1'))?.meta).toEqual({ a: 1 });
    expect(runtime.governance.checkCap('effect:tool.search')).toBe(true);
    expect(runtime.expert.list().length).toBeGreaterThan(0);
  });

  withDir('the filesystem preset keeps every family under one root, across reopening', async ({ dir }) => {
    const root = `${dir}/store`;
    {
      await using runtime = await createRuntime({ root });
      expect(runtime.root).toBe(root);
      await runtime.session.save('s1', { state: emptyState(), meta: {} });
      await runtime.receipt.append({
        runId: 'r1',
        kind: 'effect',
        request: { q: 1 },
        response: { a: 2 },
        startedAt: 1,
        finishedAt: 2,
      });
      runtime.logic.assertFact('(likes ada tea)');
      runtime.trace.record({ runId: 'r1', kind: 'step' });
    }
    const folders = await readdir(root);
    expect(folders).toEqual(expect.arrayContaining(['sessions', 'receipt-log', 'logic', 'traces']));
    await using again = await createRuntime({ root });
    expect(await again.session.exists('s1')).toBe(true);
    expect(await again.receipt.count()).toBe(1);
    expect((await again.receipt.verify()).ok).toBe(true);
  });

  test('uses the providers it is given and leaves them open', async () => {
    const session = new MockSessionProvider();
    const runtime = await createRuntime({ preset: 'memory', providers: { session } });
    expect(runtime.session).toBe(session);
    await runtime.session.save('s1', { state: emptyState(), meta: {} });
    expect(session.callsOf('save')).toHaveLength(1);
    await runtime.close();
    expect(await session.exists('s1')).toBe(true);
    await session.close();
  });

  test('a given store serves every asynchronous family and stays open after close', async () => {
    const store = new MemoryStore();
    {
      await using runtime = await createRuntime({ store });
      expect(runtime.root).toBeUndefined();
      await runtime.session.save('s1', { state: emptyState(), meta: { n: 2 } });
      runtime.logic.assertFact('(likes ada tea)');
    }
    await using sessions = new SessionFront(store);
    expect((await sessions.load('s1'))?.meta).toEqual({ n: 2 });
    await using runtime = await createRuntime({ store });
    expect(runtime.logic.ask('(likes ada tea)')).toBe(true);
    await store.close();
  });

  test('over a store without synchronous faces, governance is a remote client and logic is in memory', async () => {
    const inner = new MemoryStore();
    const store = asyncFacesOf(inner);
    await using runtime = await createRuntime({ store, budget: { tokens: 1000 } });
    expect(runtime.governance).toBeInstanceOf(RemoteGovernanceProvider);
    expect(runtime.governance.consumeBudget('tokens', 30)).toBe(true);
    expect(runtime.governance.remaining('tokens')).toBeLessThanOrEqual(970);
    runtime.logic.assertFact('(likes ada tea)');
    expect(runtime.logic.ask('(likes ada tea)')).toBe(true);
    await inner.close();
  });

  test('a remote governance client holds a reservation larger than its default lease when leaseSize allows', async () => {
    const inner = new MemoryStore();
    const store = asyncFacesOf(inner);
    {
      await using narrow = await createRuntime({ store, budget: { tokens: 1000 }, ledger: 'narrow' });
      expect(narrow.governance.reserve('tokens', 300)).toBeNull();
    }
    {
      await using wide = await createRuntime({
        store,
        budget: { tokens: 1000 },
        ledger: 'wide',
        leaseSize: 0.5,
      });
      const reservation = wide.governance.reserve('tokens', 300);
      expect(reservation?.commit(300).consumed).toBe(300);
    }
    await inner.close();
  });

  test('closes the families it made in reverse order of creation, once', async () => {
    const order = watchCloses();
    const runtime = await createRuntime({ preset: 'memory' });
    await runtime.close();
    await runtime[Symbol.asyncDispose]();
    expect(order).toEqual([...FAMILY_NAMES].reverse());
    await expect(runtime.session.list()).rejects.toBeInstanceOf(ClosedError);
    expect(() => runtime.logic.assertFact('(a b)')).toThrow(ClosedError);
  });

  test('closes every family even when some fail, and gathers the failures', async () => {
    const order = watchCloses(['receipt', 'logic']);
    const runtime = await createRuntime({ preset: 'memory' });
    const failure = await runtime.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AggregateError);
    const { errors } = failure as AggregateError;
    expect(errors.map((error: Error) => error.message)).toEqual([
      'logic failed to close',
      'receipt failed to close',
    ]);
    expect(order).toEqual([...FAMILY_NAMES].reverse());
    await expect(runtime.state.listStates()).rejects.toBeInstanceOf(ClosedError);
  });

  test('refuses bad options with an InvalidArgumentError naming the option', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ preset: 'disk' }, 'preset'],
      [{ profile: 'lenient' }, 'profile'],
      [{ budget: { tokens: -1 } }, 'budget'],
      [{ providers: { sessions: {} } }, 'providers'],
      [{ prices: { m: { inputPerMillion: 'x' } } }, 'prices'],
      [{ policy: [{ id: 'a' }] }, 'policy'],
      [{ leaseSize: 0 }, 'leaseSize'],
      [{ leaseSize: 1.5 }, 'leaseSize'],
    ];
    for (const [options, option] of cases) {
      const error = await createRuntime({ preset: 'memory', ...options }).catch((e: unknown) => e);
      expect(error, option).toBeInstanceOf(InvalidArgumentError);
      expect(isOmegaError(error) && error.details.option).toBe(option);
    }
  });

  test('the postgres preset without a connection string names what it needs', async () => {
    vi.stubEnv('OMEGA_POSTGRES_URL', '');
    const error = await createRuntime({ preset: 'postgres' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/OMEGA_POSTGRES_URL/);
    vi.unstubAllEnvs();
  });

  test('a given profile and budget replace the defaults', async () => {
    await using runtime = await createRuntime({
      preset: 'memory',
      profile: 'strict',
      budget: { tokens: 10 },
    });
    expect(runtime.governance.getProfile().name).toBe('strict');
    expect(runtime.governance.remaining('tokens')).toBe(10);
    expect(runtime.governance.checkCap('effect:tool.search')).toBe(false);
  });
});

describe('openFamily', () => {
  withDir('opens one family of a filesystem runtime on its own, over the same files', async ({ dir }) => {
    {
      await using runtime = await createRuntime({ root: dir });
      await runtime.session.save('s1', { state: emptyState(), meta: { n: 1 } });
      runtime.governance.consumeBudget('tokens', 7);
    }
    for (const name of FAMILY_NAMES) {
      const provider = openFamily(name, { root: dir });
      await provider.close();
    }
    await using session = openFamily('session', { root: dir });
    expect((await session.load('s1'))?.meta).toEqual({ n: 1 });
    await using governance = openFamily('governance', { root: dir });
    expect(governance.getBudget().consumed.tokens).toBe(7);
  });
});
