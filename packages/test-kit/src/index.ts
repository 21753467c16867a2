export {
  machineSnapshotArbitrary,
  sessionDataArbitrary,
  stateArbitrary,
  valArbitrary,
  wideValArbitrary,
} from './arbitraries.js';
export { createTempDir, removeTempDir, type TempDir, tempDir, testWithTempDir } from './temp.js';
