// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/stream';
export * from '@omega/stream/filesystem';
export * from '@omega/stream/front';
export * from '@omega/stream/memory';
export * from '@omega/stream/mock';
