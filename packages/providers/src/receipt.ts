// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/receipt';
export * from '@omega/receipt/filesystem';
export * from '@omega/receipt/front';
export * from '@omega/receipt/memory';
export * from '@omega/receipt/mock';
