import { MemoryStore, type Store } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { tempDir } from '@omega/test-kit';
import { describeGovernanceProvider, type GovernanceFixtureOptions } from '../src/conformance.js';
import { RemoteGovernanceProvider } from '../src/remote.js';

// A single client holding the whole pool (leaseSize 1) behaves as the contract says, every group included;
// what differs with many clients and small leases is tested in remote-leases.test.ts.

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

describeGovernanceProvider('remote over a memory store', async (options) => {
  const store = new MemoryStore();
  return opened(store, options, () => store.close());
});

describeGovernanceProvider('remote over a filesystem store', async (options) => {
  const { dir, remove } = await tempDir('omega-governance-remote-');
  const store = new FilesystemStore({ root: dir, durable: false });
  return opened(store, options, async () => {
    await store.close();
    await remove();
  });
});
