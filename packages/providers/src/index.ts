// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/core';
export * from '@omega/governance';
export * from '@omega/governance/filesystem';
export * from '@omega/governance/front';
export * from '@omega/governance/memory';
export * from '@omega/governance/mock';
export * from '@omega/receipt';
export * from '@omega/receipt/filesystem';
export * from '@omega/receipt/front';
export * from '@omega/receipt/memory';
export * from '@omega/receipt/mock';
export * from '@omega/session';
export * from '@omega/session/filesystem';
export * from '@omega/session/front';
export * from '@omega/session/memory';
export * from '@omega/session/mock';
export * from '@omega/snapshot';
export * from '@omega/snapshot/filesystem';
export * from '@omega/snapshot/front';
export * from '@omega/snapshot/memory';
export * from '@omega/snapshot/mock';
export * from '@omega/state';
export * from '@omega/state/filesystem';
export * from '@omega/state/front';
export * from '@omega/state/memory';
export * from '@omega/state/mock';
