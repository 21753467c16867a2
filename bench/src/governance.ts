import { MemoryStore } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { FilesystemGovernanceProvider } from '@omega/governance/filesystem';
import { GovernanceFront, RemoteGovernanceProvider } from '@omega/governance/front';
import { LocalGovernanceProvider } from '@omega/governance/memory';
import { compare } from './measure.js';
import type { Row } from './report.js';

// Large enough that the limit is never reached while measuring: a refused consume skips the write.
const profile = { name: 'bench', caps: [], budget: { tokens: 1e15 } };

// The remote client's heartbeat is kept out of the measures: syncs are measured on their own.
const HOUR = 3_600_000;

/**
 * Local `consumeBudget` against a plain counter increment, the filesystem ledger's consume (durable)
 * against a locked read-modify-write of the same file through the store's synchronous document face, the
 * remote client's consume from its lease against the local provider's consume, and its refill round trip
 * (one sync over a durable filesystem store) against a locked read-modify-write through the asynchronous face.
 */
export async function governanceOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const local = new LocalGovernanceProvider({ profile });
  let counter = 0;
  const consumes = await compare(
    () => local.consumeBudget('tokens', 1),
    () => {
      counter += 1;
      return counter;
    },
    9,
    2_000,
  );
  rows.push({
    bench: 'local consumeBudget vs a plain counter increment',
    size: '1 consume',
    ...consumes,
    sense: 'time',
  });
  await local.close();

  const ledger = new FilesystemGovernanceProvider({ root, budget: 'bench', profile });
  const store = new FilesystemStore({ root });
  const documents = store.documentsSync(GovernanceFront.DOCUMENTS);
  try {
    ledger.consumeBudget('tokens', 1);
    const rmw = () =>
      documents.withLock('bench', (fence) => {
        const stored = documents.read('bench')!;
        const body = JSON.parse(stored.body) as { scopes: { root: { used: { tokens: number } } } };
        body.scopes.root.used.tokens += 1;
        documents.write('bench', { updatedAt: Date.now() }, JSON.stringify(body), { fence });
      });
    const durable = await compare(() => ledger.consumeBudget('tokens', 1), rmw, 9, 10);
    rows.push({
      bench: 'filesystem ledger consume vs a locked read-modify-write of the same file (durable)',
      size: '1 consume',
      ...durable,
      target: 1.3,
      sense: 'time',
    });
  } finally {
    await ledger.close();
    await store.close();
  }
  rows.push(...(await remoteOperations(root)));
  return rows;
}

async function remoteOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const memory = new MemoryStore();
  const leased = new RemoteGovernanceProvider({ store: memory, budget: 'bench', profile, heartbeatMs: HOUR });
  const local = new LocalGovernanceProvider({ profile });
  try {
    await leased.ready();
    const consumes = await compare(
      () => leased.consumeBudget('tokens', 1),
      () => local.consumeBudget('tokens', 1),
      9,
      2_000,
    );
    rows.push({
      bench: 'remote consumeBudget from its lease vs local consumeBudget',
      size: '1 consume',
      ...consumes,
      sense: 'time',
    });
  } finally {
    await leased.close();
    await local.close();
    await memory.close();
  }

  const store = new FilesystemStore({ root });
  const remote = new RemoteGovernanceProvider({ store, budget: 'bench-remote', profile, heartbeatMs: HOUR });
  const documents = store.documents(GovernanceFront.DOCUMENTS);
  try {
    await remote.ready();
    const rmw = () =>
      documents.withLock('bench-remote', async (fence) => {
        const stored = (await documents.read('bench-remote'))!;
        const body = JSON.parse(stored.body) as { scopes: { root: { used: { tokens: number } } } };
        body.scopes.root.used.tokens += 0;
        await documents.write('bench-remote', { updatedAt: Date.now() }, JSON.stringify(body), { fence });
      });
    const refills = await compare(
      () => {
        remote.consumeBudget('tokens', 1);
        return remote.sync();
      },
      rmw,
      9,
      10,
    );
    rows.push({
      bench:
        'remote refill round trip (report, renew, resize: one sync) vs a locked async read-modify-write (durable)',
      size: '1 sync',
      ...refills,
      sense: 'time',
    });
  } finally {
    await remote.close();
    await store.close();
  }
  return rows;
}
