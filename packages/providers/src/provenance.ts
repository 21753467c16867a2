// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/provenance';
export * from '@omega/provenance/filesystem';
export * from '@omega/provenance/front';
export * from '@omega/provenance/memory';
export * from '@omega/provenance/mock';
