import { FilesystemStore } from '@omega/core/fs';
import { FilesystemGovernanceProvider } from '@omega/governance/filesystem';
import { GovernanceFront } from '@omega/governance/front';
import { LocalGovernanceProvider } from '@omega/governance/memory';
import { compare } from './measure.js';
import type { Row } from './report.js';

// Large enough that the limit is never reached while measuring: a refused consume skips the write.
const profile = { name: 'bench', caps: [], budget: { tokens: 1e15 } };

/**
 * Local `consumeBudget` against a plain counter increment, and the filesystem ledger's consume (durable)
 * against a locked read-modify-write of the same file through the store's synchronous document face.
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
  return rows;
}
