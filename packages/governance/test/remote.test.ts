import { MemoryStore, type Store } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { tempDir } from '@omega/test-kit';
import { describeGovernanceProvider, type GovernanceFixtureOptions } from '../src/conformance.js';
import { RemoteGovernanceProvider } from '../src/remote.js';

// A single client holding the whole pool (leaseSize 1) behaves as the contract says; what a leased client
// cannot do synchronously is skipped with its reason, and tested where it differs in remote-leases.test.ts.
const SKIP = {
  'scoped budgets': 'a leased client has no child(): it would change the shared ledger synchronously',
  'dead owners':
    "a client's reservations are carved from its lease: if their owner dies, the whole lease is forfeited at its TTL",
};

/** A ready client over `store`, whose cleanup runs also when the options are refused. */
async function opened(
  store: Store,
  options: GovernanceFixtureOptions | undefined,
  cleanup: () => Promise<void>,
) {
  try {
    const provider = new RemoteGovernanceProvider({ store, budget: 'conformance', leaseSize: 1, ...options });
    await provider.ready();
    return { provider, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

describeGovernanceProvider(
  'remote over a memory store',
  async (options) => {
    const store = new MemoryStore();
    return opened(store, options, () => store.close());
  },
  { skip: SKIP },
);

describeGovernanceProvider(
  'remote over a filesystem store',
  async (options) => {
    const { dir, remove } = await tempDir('omega-governance-remote-');
    const store = new FilesystemStore({ root: dir, durable: false });
    return opened(store, options, async () => {
      await store.close();
      await remove();
    });
  },
  { skip: SKIP },
);
