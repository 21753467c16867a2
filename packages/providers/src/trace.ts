// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/trace';
export * from '@omega/trace/filesystem';
export * from '@omega/trace/front';
export * from '@omega/trace/memory';
export * from '@omega/trace/mock';
