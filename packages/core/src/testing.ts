/**
 * The conformance kit, published for every family and for third-party backends: the scaffold every
 * family's suite is declared with, the mock generator, and the fixtures and checks the suites share.
 * No test framework is imported here (a suite passes its own in), so failures are plain `Error`s and the
 * generated mocks work in any runtime.
 */
export {
  assertOptionsRefused,
  assertSameValue,
  BAD_CLOCK_OPTIONS,
  BAD_FILESYSTEM_OPTIONS,
  BAD_MOCK_OPTIONS,
  check,
  describeOutcome,
  iterationRejectionOf,
  rejectionOf,
  thrownBy,
  valueDifference,
} from './testing/assertions.js';
export {
  BLOB_CONTRACT_SPEC,
  describeBlobBackend,
} from './testing/blob-contract.js';
export {
  ACCEPTED_RESOURCES,
  CAPABILITY_CASES,
  type CapabilityCase,
  MALFORMED_CAPABILITY_PATTERNS,
  REFUSED_RESOURCES,
} from './testing/capability-cases.js';
export {
  type ContractHeader,
  DOCUMENT_CONTRACT_SPEC,
  describeDocumentBackend,
} from './testing/document-contract.js';
export { describeFilesystemFaults, type FilesystemFaultsOptions } from './testing/filesystem-groups.js';
export {
  exoticValues,
  INVALID_NAMES,
  mulberry32,
  mutateDeeply,
  OBJECT_KEY_NAMES,
  unstorableValues,
  VALID_EDGE_NAMES,
} from './testing/fixtures.js';
export { editFramedFile, type FramedText, readFramedText, writeFramedText } from './testing/framed-text.js';
export {
  describeInjectedFaults,
  type InjectedFaultsOptions,
  type WritePath,
} from './testing/io-fault-groups.js';
export {
  causedBy,
  type FaultPlan,
  type FaultRun,
  INJECTED_FAULTS,
  type InjectedFault,
  runWithFault,
} from './testing/io-faults.js';
export {
  ContractEntryHeader,
  describeLogBackend,
  LOG_CONTRACT_SPEC,
} from './testing/log-contract.js';
export {
  encodeLine,
  formatLog,
  parseLog,
  readLog,
  renumbered,
  type StoredLine,
  writeLog,
} from './testing/log-file-text.js';
export {
  type MockCall,
  type MockConstructor,
  type MockControls,
  MockFailureError,
  type MockMethod,
  type MockOptions,
  mockProvider,
  recordedCopy,
} from './testing/mock.js';
export { describeOptionChecks, type FamilyConstructors } from './testing/option-groups.js';
export { gate, type PortFixture, type PortSuiteOptions, type PortTest } from './testing/port-suite.js';
export { describeConformance } from './testing/scaffold.js';
export type {
  ConformanceOptions,
  FamilySuite,
  LogRecords,
  NamedRecords,
  ProviderFixture,
  SuiteContext,
  TestFramework,
} from './testing/suite.js';
export { asyncBlobs, asyncDocuments, asyncLog } from './testing/sync-face.js';
