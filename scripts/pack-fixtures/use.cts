// A hand-written scenario (nodenext, CommonJS) over the first three families; scripts/check-tarballs.mjs
// generates all.cts, which type-checks every CommonJS subpath of every family from the family list.
import core = require('@omega/core');
import coreFs = require('@omega/core/fs');
import testing = require('@omega/core/testing');
import session = require('@omega/session');
import sessionFs = require('@omega/session/filesystem');
import sessionMemory = require('@omega/session/memory');
import sessionMock = require('@omega/session/mock');
import snapshot = require('@omega/snapshot');
import snapshotFs = require('@omega/snapshot/filesystem');
import snapshotMemory = require('@omega/snapshot/memory');
import snapshotMock = require('@omega/snapshot/mock');
import state = require('@omega/state');
import stateFs = require('@omega/state/filesystem');
import stateMemory = require('@omega/state/memory');
import stateMock = require('@omega/state/mock');

const providers: Array<session.SessionProvider | snapshot.SnapshotProvider | state.StateProvider> = [
  new sessionFs.FilesystemSessionProvider({ root: '.omega' }),
  new sessionMemory.MemorySessionProvider(),
  new sessionMock.MockSessionProvider(),
  new snapshotFs.FilesystemSnapshotProvider({ root: '.omega' }),
  new snapshotMemory.MemorySnapshotProvider(),
  new snapshotMock.MockSnapshotProvider(),
  new stateFs.FilesystemStateProvider({ root: '.omega' }),
  new stateMemory.MemoryStateProvider(),
  new stateMock.MockStateProvider(),
];

export async function closeAll(): Promise<boolean> {
  for (const provider of providers) await provider.close();
  const s: core.State = core.emptyState();
  return core.isVal(s) && testing.VALID_EDGE_NAMES.length > 0 && Object.keys(coreFs).length > 0;
}
