// The tsup build of a package from its entry list (scripts/entries.mjs): the dual entries as ESM and
// CommonJS, the ESM-only ones (conformance suites: vitest is ESM-only) as ESM. tsup runs the two configs in
// parallel, and each `dts` is a whole TypeScript pass: so the first config declares every entry, the
// ESM-only ones included, and the second declares nothing. (tsup.family.ts is the same build for families.)
import { sources } from './entries.mjs';

/** The tsup configs that build `entries` (one list of scripts/entries.mjs). */
export function tsupConfig(entries) {
  const dual = entries.filter(({ formats }) => formats.includes('cjs'));
  const esmOnly = entries.filter(({ formats }) => !formats.includes('cjs'));
  const configs = [
    {
      entry: sources(dual),
      format: ['esm', 'cjs'],
      dts: { entry: sources(entries) },
      // Everything but what the parallel ESM-only config writes.
      clean: esmOnly.map(({ name }) => `!${name}.js`),
      target: 'node20',
    },
  ];
  if (esmOnly.length > 0) {
    configs.push({ entry: sources(esmOnly), format: ['esm'], dts: false, target: 'node20' });
  }
  return configs;
}
