// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/logic';
export * from '@omega/logic/filesystem';
export * from '@omega/logic/front';
export * from '@omega/logic/memory';
export * from '@omega/logic/mock';
