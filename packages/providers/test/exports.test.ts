/**
 * Everything a family publishes is reachable from @omega/providers, as the same binding, and nothing is
 * lost to `export *`: it drops (ESM) or shadows (CommonJS, TypeScript) a name two re-exported modules
 * export differently. The families come from the family list (scripts/families.mjs) and each family's
 * public entries from its package.json `exports`, so a new family is covered without editing this file.
 * Values are compared in a plain Node process (ESM and CommonJS), types with the TypeScript compiler over
 * the built declarations (.d.ts and .d.cts). The family list holds the thirteen families @omega/runtime
 * composes, and no name @omega/runtime exports means something else in @omega/providers, so a program may
 * import from both.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILY_NAMES } from '@omega/runtime';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type Family, families, type Manifest, workspacePackages } from '../../../scripts/families.mjs';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDERS = '@omega/providers';
const CORE = '@omega/core';
const RUNTIME = '@omega/runtime';

const FAMILIES = families();
const corePackage = workspacePackages().find(({ manifest }) => manifest.name === CORE);
if (!corePackage) throw new Error(`${CORE} is not in packages/`);
const runtimePackage = workspacePackages().find(({ manifest }) => manifest.name === RUNTIME);
if (!runtimePackage) throw new Error(`${RUNTIME} is not in packages/`);
const self: Manifest = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));

type Mode = 'esm' | 'cjs';

/** Fails listing every problem, one a line. */
function expectNone(problems: string[]): void {
  expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
}
const MODES: Mode[] = ['esm', 'cjs'];

/** A public entry of a package, from its `exports`: CommonJS too when it has a `require` condition. */
interface Entry {
  specifier: string;
  /** `index` for the root, else the subpath without `./`. */
  subpath: string;
  cjs: boolean;
  /** The family it belongs to; none for @omega/core's entries. */
  family?: Family;
}

function entriesOf(manifest: Manifest, family?: Family): Entry[] {
  return Object.entries(manifest.exports ?? {})
    .filter(([key]) => key !== './package.json')
    .map(([key, value]) => ({
      specifier: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
      subpath: key === '.' ? 'index' : key.slice(2),
      cjs: typeof value === 'object' && value !== null && 'require' in value,
      ...(family ? { family } : {}),
    }));
}

const coreEntries = entriesOf(corePackage.manifest);
const familyEntries = FAMILIES.flatMap((family) => entriesOf(family.manifest, family));
const providerEntries = entriesOf(self);
const runtimeEntries = entriesOf(runtimePackage.manifest);

/**
 * Which entries of @omega/providers re-export an entry: a family's CommonJS-and-ESM entries (root, memory,
 * filesystem, mock) are in the root and in the family's own subpath; an ESM-only one (conformance) is in
 * `@omega/providers/<entry>`, with the same entry of every other family; @omega/core's root is in the root.
 */
function targetsOf(entry: Entry): string[] {
  if (!entry.family) return entry.subpath === 'index' ? [PROVIDERS] : [];
  if (entry.cjs) return [PROVIDERS, `${PROVIDERS}/${entry.family.short}`];
  return [`${PROVIDERS}/${entry.subpath}`];
}

/** Per mode and module specifier: each export name and what it is bound to (a value id or a TS symbol). */
type Table<K> = Record<Mode, Map<string, Map<string, K>>>;

/** Names of `entry` that a target of @omega/providers lacks or binds to something else. */
function unreachable<K>(table: Table<K>, mode: Mode, entry: Entry): string[] {
  const names = table[mode].get(entry.specifier);
  if (!names) return [`${entry.specifier} did not load (${mode})`];
  return targetsOf(entry).flatMap((target) => {
    const reexported = table[mode].get(target);
    if (!reexported) return [`${target} did not load (${mode}), so ${entry.specifier} is unreachable`];
    return [...names].flatMap(([name, bound]) => {
      if (!reexported.has(name)) return [`${name} of ${entry.specifier} is missing from ${target} (${mode})`];
      if (reexported.get(name) !== bound) {
        return [`${name} of ${entry.specifier} is another binding in ${target} (${mode})`];
      }
      return [];
    });
  });
}

/**
 * Names exported by more than one family. Two families may both re-export a binding of @omega/core (the
 * same object, the same declaration: `export *` keeps one name for it); anything else drops or shadows
 * one of them in @omega/providers, so each is named with both families and their entries.
 */
function collisions<K>(table: Table<K>, mode: Mode, fromCore: (name: string, bound: K) => boolean): string[] {
  const owners = new Map<string, { entry: Entry; bound: K }[]>();
  for (const entry of familyEntries) {
    if (mode === 'cjs' && !entry.cjs) continue;
    for (const [name, bound] of table[mode].get(entry.specifier) ?? []) {
      owners.set(name, [...(owners.get(name) ?? []), { entry, bound }]);
    }
  }
  const problems: string[] = [];
  for (const [name, list] of owners) {
    const [first, ...rest] = list;
    if (!first) continue;
    for (const other of rest) {
      const sameFamily = other.entry.family === first.entry.family;
      if (other.bound !== first.bound) {
        problems.push(
          `"${name}" is exported by ${first.entry.specifier} and ${other.entry.specifier} as different bindings ` +
            `(${sameFamily ? `family ${first.entry.family?.name}` : `families ${first.entry.family?.name} and ${other.entry.family?.name}`}, ${mode})`,
        );
      } else if (!sameFamily && !fromCore(name, first.bound)) {
        problems.push(
          `"${name}" is exported by both families ${first.entry.family?.name} (${first.entry.specifier}) and ` +
            `${other.entry.family?.name} (${other.entry.specifier}), and is not a re-export of ${CORE} (${mode})`,
        );
      }
    }
  }
  return problems;
}

/**
 * Names of @omega/runtime that @omega/providers also exports as another binding: a program importing from
 * both packages would then have two meanings for one name.
 */
function runtimeClashes<K>(table: Table<K>, mode: Mode): string[] {
  const reexported = table[mode].get(PROVIDERS);
  if (!reexported) return [`${PROVIDERS} did not load (${mode})`];
  return runtimeEntries
    .filter((entry) => mode === 'esm' || entry.cjs)
    .flatMap((entry) => {
      const names = table[mode].get(entry.specifier);
      if (!names) return [`${entry.specifier} did not load (${mode})`];
      return [...names]
        .filter(([name, bound]) => reexported.has(name) && reexported.get(name) !== bound)
        .map(([name]) => `"${name}" of ${entry.specifier} is another binding in ${PROVIDERS} (${mode})`);
    });
}

describe('the family list', () => {
  it('finds the families in packages/*/package.json', () => {
    expect(FAMILIES.length).toBeGreaterThan(0);
    for (const family of FAMILIES) expect(family.manifest.omega?.entries).toBe('family');
  });

  // A family just written by `pnpm new-family` is here before the runtime composes it, so the list may
  // hold more than the runtime's.
  it('holds the thirteen families the runtime composes', () => {
    expect(FAMILY_NAMES).toHaveLength(13);
    expect(FAMILIES.map(({ short }) => short)).toEqual(expect.arrayContaining([...FAMILY_NAMES]));
  });

  it('gives @omega/providers a subpath per family', () => {
    const subpaths = providerEntries.map(({ subpath }) => subpath);
    for (const family of FAMILIES) expect(subpaths).toContain(family.short);
  });
});

describe('dependencies', () => {
  it('@omega/providers depends on @omega/core and every family, from the workspace', () => {
    const expected = Object.fromEntries(
      [CORE, ...FAMILIES.map(({ name }) => name)].sort().map((name) => [name, 'workspace:^']),
    );
    expect(self.dependencies).toEqual(expected);
  });

  it('a family brings only itself and @omega/core', () => {
    for (const { manifest } of [corePackage, ...FAMILIES]) {
      const omega = [manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies]
        .flatMap((field) => Object.keys(field ?? {}))
        .filter((name) => name.startsWith('@omega/'));
      const allowed = manifest.name === CORE ? [] : [CORE];
      expect({ [manifest.name]: omega }).toEqual({
        [manifest.name]: omega.filter((n) => allowed.includes(n)),
      });
    }
  });

  it('@omega/providers has no code of its own: its sources are `export * from` lines', () => {
    const src = path.join(PACKAGE, 'src');
    for (const file of readdirSync(src)) {
      const code = readFileSync(path.join(src, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('//'));
      for (const line of code)
        expect(`${file}: ${line}`).toMatch(/^[\w.-]+: export \* from '@omega\/[\w/-]+';$/);
    }
  });
});

describe('values (ESM and CommonJS, in a plain Node process)', () => {
  const probed = [...coreEntries, ...familyEntries, ...providerEntries, ...runtimeEntries].map(
    ({ specifier, cjs }) => ({
      specifier,
      cjs,
    }),
  );
  const output = execFileSync(
    process.execPath,
    [path.join(PACKAGE, 'test', 'exports-probe.mjs'), JSON.stringify(probed)],
    { cwd: PACKAGE, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const raw: Record<Mode, Record<string, Record<string, string>>> = JSON.parse(output);
  const errors = MODES.flatMap((mode) =>
    Object.entries(raw[mode])
      .filter(([, names]) => typeof names.error === 'string' && Object.keys(names).length === 1)
      .map(([specifier, names]) => `${specifier} (${mode}): ${names.error}`),
  );
  const table: Table<string> = {
    esm: new Map(Object.entries(raw.esm).map(([s, names]) => [s, new Map(Object.entries(names))])),
    cjs: new Map(Object.entries(raw.cjs).map(([s, names]) => [s, new Map(Object.entries(names))])),
  };
  const fromCore = (mode: Mode) => (name: string, bound: string) =>
    coreEntries.some(({ specifier }) => table[mode].get(specifier)?.get(name) === bound);

  it('every entry loads', () => {
    expectNone(errors);
  });

  for (const mode of MODES) {
    it(`every value of every family entry is reachable from @omega/providers (${mode})`, () => {
      const entries = [...coreEntries, ...familyEntries].filter((entry) => mode === 'esm' || entry.cjs);
      expectNone(entries.flatMap((entry) => unreachable(table, mode, entry)));
    });

    it(`no value name is exported by two families (${mode})`, () => {
      expectNone(collisions(table, mode, fromCore(mode)));
    });

    it(`every value of @omega/runtime loads, and none is another binding in @omega/providers (${mode})`, () => {
      expect(table[mode].get(RUNTIME)?.has('createRuntime')).toBe(true);
      expectNone(runtimeClashes(table, mode));
    });
  }
});

describe('types (the built .d.ts and .d.cts, with the TypeScript compiler)', () => {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const coreDir = `${realpathSync(corePackage.dir)}${path.sep}`;
  const table: Table<ts.Symbol> = { esm: new Map(), cjs: new Map() };
  const unresolved: string[] = [];
  for (const mode of MODES) {
    const entries = [...coreEntries, ...familyEntries, ...providerEntries, ...runtimeEntries].filter(
      (e) => mode === 'esm' || e.cjs,
    );
    // A module imported from a .mts file resolves through `import`, from a .cts file through `require`.
    const importer = path.join(PACKAGE, 'test', mode === 'esm' ? 'types.mts' : 'types.cts');
    const resolutionMode = mode === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
    const files = new Map<string, string>();
    for (const { specifier } of entries) {
      const resolved = ts.resolveModuleName(
        specifier,
        importer,
        options,
        ts.sys,
        undefined,
        undefined,
        resolutionMode,
      ).resolvedModule?.resolvedFileName;
      if (resolved) files.set(specifier, resolved);
      else unresolved.push(`${specifier} (${mode})`);
    }
    const program = ts.createProgram([...files.values()], options);
    const checker = program.getTypeChecker();
    for (const [specifier, file] of files) {
      const source = program.getSourceFile(file);
      const module = source && checker.getSymbolAtLocation(source);
      if (!module) {
        unresolved.push(`${specifier} (${mode}): ${file} is not a module`);
        continue;
      }
      const names = new Map<string, ts.Symbol>();
      for (const symbol of checker.getExportsOfModule(module)) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        names.set(symbol.name, target);
      }
      table[mode].set(specifier, names);
    }
  }
  const fromCore = (_name: string, bound: ts.Symbol) =>
    (bound.declarations ?? []).some((d) => realpathSync(d.getSourceFile().fileName).startsWith(coreDir));

  it('every entry resolves to its declarations', () => {
    expectNone(unresolved);
  });

  for (const mode of MODES) {
    it(`every type and value of every family entry is reachable from @omega/providers (${mode})`, () => {
      const entries = [...coreEntries, ...familyEntries].filter((entry) => mode === 'esm' || entry.cjs);
      expectNone(entries.flatMap((entry) => unreachable(table, mode, entry)));
    });

    it(`no type or value name is exported by two families (${mode})`, () => {
      expectNone(collisions(table, mode, fromCore));
    });

    it(`every type and value of @omega/runtime resolves, and none is another binding in @omega/providers (${mode})`, () => {
      expect(table[mode].get(RUNTIME)?.has('Runtime')).toBe(true);
      expectNone(runtimeClashes(table, mode));
    });
  }
});
