// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/artifact';
export * from '@omega/artifact/filesystem';
export * from '@omega/artifact/front';
export * from '@omega/artifact/memory';
export * from '@omega/artifact/mock';
