export { FAMILY_NAMES, type Families, type FamilyName, isFamilyName } from './families.js';
export { type EffectRecord, JOURNAL } from './journal.js';
export { principalOf, RUNTIME_ERROR_CODES, type RuntimeErrorCode } from './middleware.js';
export { type OpenFamilyOptions, openFamily } from './open-family.js';
export { defaultPolicy, EFFECT_GRANT, type Preset, type RuntimeOptions } from './options.js';
export { costOf, type ModelPrice, ModelPriceSchema, type PriceTable, PriceTableSchema } from './prices.js';
export {
  MAX_RUN_ID_LENGTH,
  type RunOptions,
  type RunResult,
  type StepContext,
  type StepFunction,
  snapshotNameOf,
} from './run.js';
export { type CheckpointInfo, createRuntime, type RestoreInfo, type Runtime } from './runtime.js';
