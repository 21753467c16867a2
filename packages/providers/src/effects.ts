// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/effects';
export * from '@omega/effects/filesystem';
export * from '@omega/effects/front';
export * from '@omega/effects/memory';
export * from '@omega/effects/mock';
