// The one list of provider families: every package under packages/ whose package.json says
// `"omega": { "entries": "family" }`. The @omega/providers meta-package (its generated sources, entry
// list, dependencies and test), the package checks and the tarball checks all read it, so a new family is
// covered by each of them as soon as its package.json says it is a family.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every package under packages/ (folder and manifest), sorted by folder name. */
export function workspacePackages() {
  const root = path.join(REPO, 'packages');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((folder) => {
      const dir = path.join(root, folder);
      let text;
      try {
        text = readFileSync(path.join(dir, 'package.json'), 'utf8');
      } catch (error) {
        if (error?.code === 'ENOENT') return []; // a folder left behind by a build, not a package
        throw error;
      }
      return [{ dir, folder, manifest: JSON.parse(text) }];
    });
}

/** The unscoped part of a package name: `@omega/session` is `session`. */
export const shortName = (name) => name.slice(name.indexOf('/') + 1);

/**
 * The provider families, sorted by package name: `{ name: '@omega/session', short: 'session', dir,
 * folder, manifest }`.
 */
export function families() {
  return workspacePackages()
    .filter(({ manifest }) => manifest.omega?.entries === 'family')
    .map((pkg) => ({ ...pkg, name: pkg.manifest.name, short: shortName(pkg.manifest.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
