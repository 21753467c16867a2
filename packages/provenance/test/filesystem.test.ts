import { tempDir } from '@omega/test-kit';
import { describeProvenanceProvider } from '../src/conformance.js';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';

describeProvenanceProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-provenance-');
    return { provider: new FilesystemProvenanceProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemProvenanceProvider({ root: provider.root }) },
);
