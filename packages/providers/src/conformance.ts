// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).
// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.
export * from '@omega/artifact/conformance';
export * from '@omega/effects/conformance';
export * from '@omega/expert/conformance';
export * from '@omega/governance/conformance';
export * from '@omega/logic/conformance';
export * from '@omega/provenance/conformance';
export * from '@omega/receipt/conformance';
export * from '@omega/security/conformance';
export * from '@omega/session/conformance';
export * from '@omega/snapshot/conformance';
export * from '@omega/state/conformance';
export * from '@omega/stream/conformance';
export * from '@omega/trace/conformance';
