import { tempDir } from '@omega/test-kit';
import { describeTraceProvider } from '../src/conformance.js';
import { StreamingTraceProvider } from '../src/filesystem.js';

describeTraceProvider(
  'streaming',
  async () => {
    const { dir, remove } = await tempDir('omega-trace-');
    return { provider: new StreamingTraceProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new StreamingTraceProvider({ root: provider.root }) },
);
