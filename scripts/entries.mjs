// The one list of entry points: tsup builds them and scripts/check-exports.mjs derives each package's
// `exports`, `main`, `module` and `types` from them. A package names its list in package.json
// (`"omega": { "entries": "family" }`). Entry `index` is the package root `.`, any other is `./<name>`.

/** ESM and CommonJS, each with its own declarations (.d.ts / .d.cts). */
const dual = (name) => ({ name, formats: ['esm', 'cjs'] });
/** ESM only: the conformance suites import vitest, which is ESM-only (Node ≥ 20.19 can require() them). */
const esmOnly = (name) => ({ name, formats: ['esm'] });

export const ENTRIES = {
  core: [dual('index'), dual('fs'), dual('testing')],
  family: [dual('index'), dual('memory'), dual('filesystem'), dual('mock'), esmOnly('conformance')],
};

/** `src/<name>.ts` of each entry, as tsup wants them. */
export const sources = (entries) => entries.map(({ name }) => `src/${name}.ts`);
