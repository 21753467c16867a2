import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemReceiptProvider } from '../src/filesystem.js';
import { InMemoryReceiptProvider } from '../src/memory.js';
import { MockReceiptProvider } from '../src/mock.js';

// The option checks every family shares; the family's own options (signer, origin, redact) are tested in
// signer.test.ts.
describeOptionChecks(vitest, {
  kind: 'receipt',
  clock: true,
  filesystem: (options) => new FilesystemReceiptProvider(options),
  memory: (options) => new InMemoryReceiptProvider(options),
  mock: (options) => new MockReceiptProvider(options),
});
