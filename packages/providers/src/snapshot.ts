// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/snapshot';
export * from '@omega/snapshot/filesystem';
export * from '@omega/snapshot/front';
export * from '@omega/snapshot/memory';
export * from '@omega/snapshot/mock';
