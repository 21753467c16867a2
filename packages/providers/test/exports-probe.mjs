// Loads modules in a plain Node process (vitest's module runner resolves `export *` its own way, first
// name wins, where Node drops a name two modules export differently) and prints, for each module, its
// export names with an id per value: the same object gets the same id wherever it is exported, so
// `export *` re-exports can be compared with their source across processes. Run by exports.test.ts:
//   node exports-probe.mjs '[{"specifier":"@omega/session","cjs":true}, ...]'
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const modules = JSON.parse(process.argv[2] ?? '[]');
const ids = new Map();
/** Objects and functions by identity; a primitive by its type and value (the type check tells bindings apart). */
const idOf = (value) => {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return `${typeof value}:${String(value)}`;
  }
  if (!ids.has(value)) ids.set(value, `object:${ids.size}`);
  return ids.get(value);
};
const namesOf = (namespace) =>
  Object.fromEntries(
    Object.keys(namespace)
      .sort()
      .map((name) => [name, idOf(namespace[name])]),
  );
const result = { esm: {}, cjs: {} };
for (const { specifier, cjs } of modules) {
  try {
    result.esm[specifier] = namesOf(await import(specifier));
  } catch (error) {
    result.esm[specifier] = { error: String(error?.stack ?? error) };
  }
  if (!cjs) continue;
  try {
    result.cjs[specifier] = namesOf(require(specifier));
  } catch (error) {
    result.cjs[specifier] = { error: String(error?.stack ?? error) };
  }
}
process.stdout.write(JSON.stringify(result));
