// What @omega/providers is made of, derived from the family list (scripts/families.mjs) and the entry lists
// (scripts/entries.mjs): its source files (`export * from ...` lines only) and its dependencies.
// `node scripts/check-exports.mjs` fails when packages/providers differs from this, `--write` rewrites it.
import { ENTRIES } from './entries.mjs';
import { families } from './families.mjs';

const CORE = '@omega/core';
/** The comment that opens every generated source file. */
export const HEADER =
  '// Generated from the family list by `node scripts/check-exports.mjs --write` (scripts/providers.mjs).\n' +
  '// Do not edit: a family package with `"omega": { "entries": "family" }` adds itself.\n';

/** The family entries a family subpath of @omega/providers gathers: those with CommonJS (all but `conformance`). */
const gathered = ENTRIES.family.filter(({ formats }) => formats.includes('cjs')).map(({ name }) => name);

/** The specifier of a package's entry: `index` is the package root. */
export const specifierOf = (packageName, entry) =>
  entry === 'index' ? packageName : `${packageName}/${entry}`;

/**
 * What each entry of @omega/providers re-exports, in the order of ENTRIES.providers:
 * - `index`: `@omega/core`, then every family's entries that have CommonJS (root, memory, filesystem, mock, ...);
 * - `<family>` (e.g. `session`): those entries of that family;
 * - `conformance` (each ESM-only family entry): that entry of every family.
 */
export function providerEntries() {
  const list = families();
  const ofFamily = (family) => gathered.map((entry) => specifierOf(family.name, entry));
  return ENTRIES.providers.map(({ name, formats }) => {
    const family = list.find(({ short }) => short === name);
    const specifiers =
      name === 'index'
        ? [CORE, ...list.flatMap(ofFamily)]
        : family
          ? ofFamily(family)
          : list.map((f) => specifierOf(f.name, name));
    return { name, formats, specifiers };
  });
}

/** The source files of @omega/providers: `{ 'src/index.ts': '...', 'src/session.ts': '...', ... }`. */
export function providerSources() {
  return Object.fromEntries(
    providerEntries().map(({ name, specifiers }) => [
      `src/${name}.ts`,
      // Sorted by specifier, as biome orders exports (the order does not matter: no name is in two of them).
      `${HEADER}${[...specifiers]
        .sort()
        .map((s) => `export * from '${s}';\n`)
        .join('')}`,
    ]),
  );
}

/** The `dependencies` of @omega/providers: `@omega/core` and every family, from the workspace. */
export function providerDependencies() {
  const names = [CORE, ...families().map(({ name }) => name)].sort();
  return Object.fromEntries(names.map((name) => [name, 'workspace:^']));
}
