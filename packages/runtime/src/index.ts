export { FAMILY_NAMES, type Families, type FamilyName, isFamilyName } from './families.js';
export { type OpenFamilyOptions, openFamily } from './open-family.js';
export { defaultPolicy, EFFECT_GRANT, type Preset, type RuntimeOptions } from './options.js';
export { costOf, type ModelPrice, ModelPriceSchema, type PriceTable, PriceTableSchema } from './prices.js';
export { createRuntime, type Runtime } from './runtime.js';
