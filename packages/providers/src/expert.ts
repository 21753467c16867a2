// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/expert';
export * from '@omega/expert/filesystem';
export * from '@omega/expert/front';
export * from '@omega/expert/memory';
export * from '@omega/expert/mock';
