// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/security';
export * from '@omega/security/filesystem';
export * from '@omega/security/front';
export * from '@omega/security/memory';
export * from '@omega/security/mock';
