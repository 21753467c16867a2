// The one list of entry points: tsup builds them and scripts/check-exports.mjs derives each package's
// `exports`, `main`, `module` and `types` from them. A package names its list in package.json
// (`"omega": { "entries": "family" }`). Entry `index` is the package root `.`, any other is `./<name>`.
import { families } from './families.mjs';

/** ESM and CommonJS, each with its own declarations (.d.ts / .d.cts). */
const dual = (name) => ({ name, formats: ['esm', 'cjs'] });
/** ESM only: the conformance suites import vitest, which is ESM-only (Node ≥ 20.19 can require() them). */
const esmOnly = (name) => ({ name, formats: ['esm'] });

const family = [
  dual('index'),
  dual('front'),
  dual('memory'),
  dual('filesystem'),
  dual('mock'),
  esmOnly('conformance'),
];

/**
 * @omega/providers: the root, one entry per family (from the family list in scripts/families.mjs, so a
 * new family adds itself), and each ESM-only family entry (`conformance`) once for every family.
 */
function providers() {
  const names = families().map(({ short }) => short);
  const esm = family.filter(({ formats }) => !formats.includes('cjs')).map(({ name }) => name);
  const clash = names.find((name) => name === 'index' || esm.includes(name));
  if (clash) throw new Error(`a family named "${clash}" would clash with an entry of @omega/providers`);
  return [dual('index'), ...names.map(dual), ...esm.map(esmOnly)];
}

export const ENTRIES = {
  core: [dual('index'), dual('fs'), dual('testing')],
  postgres: [dual('index')],
  // @omega/runtime: its root; the `omega` bin (src/cli.ts) is built beside it and is not an export.
  runtime: [dual('index')],
  family,
  providers: providers(),
};

/** `src/<name>.ts` of each entry, as tsup wants them. */
export const sources = (entries) => entries.map(({ name }) => `src/${name}.ts`);
