export {
  type ArbitraryOptions,
  arbitraryOf,
  stateArbitrary,
  valArbitrary,
  wideValArbitrary,
} from './arbitraries.js';
export { assertBuilt, type ChildProcessLines, type SpawnOptions, spawnChild } from './children.js';
export { fakeClock } from './clock.js';
export {
  POSTGRES_DIR_PREFIX,
  type PostgresServer,
  type StartPostgresOptions,
  startPostgres,
} from './postgres.js';
export { createTempDir, removeTempDir, type TempDir, tempDir, testWithTempDir } from './temp.js';
