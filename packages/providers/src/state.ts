// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/state';
export * from '@omega/state/filesystem';
export * from '@omega/state/front';
export * from '@omega/state/memory';
export * from '@omega/state/mock';
