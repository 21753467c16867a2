// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/session';
export * from '@omega/session/filesystem';
export * from '@omega/session/front';
export * from '@omega/session/memory';
export * from '@omega/session/mock';
