// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/governance';
export * from '@omega/governance/filesystem';
export * from '@omega/governance/front';
export * from '@omega/governance/memory';
export * from '@omega/governance/mock';
