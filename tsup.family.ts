import { defineConfig } from 'tsup';
import { ENTRIES, sources } from './scripts/entries.mjs';

/**
 * The build of every provider family package, from the entry list in scripts/entries.mjs: the interface
 * and backend entries as ESM and CommonJS, the conformance suite as ESM only (vitest is ESM-only).
 * tsup runs the two configs in parallel, and each `dts` is a whole TypeScript pass (~4 s of CPU): so the
 * first config declares every entry, the conformance one included, and the second declares nothing.
 */
const dual = ENTRIES.family.filter(({ formats }) => formats.includes('cjs'));
const esmOnly = ENTRIES.family.filter(({ formats }) => !formats.includes('cjs'));

export default defineConfig([
  {
    entry: sources(dual),
    format: ['esm', 'cjs'],
    dts: { entry: sources(ENTRIES.family) },
    // Everything but what the parallel ESM-only config writes.
    clean: esmOnly.map(({ name }) => `!${name}.js`),
    target: 'node20',
  },
  {
    entry: sources(esmOnly),
    format: ['esm'],
    dts: false,
    target: 'node20',
  },
]);
