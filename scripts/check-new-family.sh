#!/usr/bin/env bash
# `pnpm check-new-family`, a step of `pnpm verify`: what `pnpm new-family <kind>` writes passes the
# pipeline as written. On a throwaway copy of the repository (the files git tracks or would track, as the
# work tree has them; removed at exit, so the work tree is left as it was) it checks that kinds that cannot
# be families are refused with nothing written, then runs `pnpm new-family probe-family` and `pnpm install
# --offline` (nothing new to download: the family needs only workspace packages), and on the new package:
# a TODO(seed) in every file it wrote, biome, `check-exports`, build, `tsc --noEmit`, its tests, publint and
# attw; and the same of @omega/providers (the new family re-exported, no name clashing, its exports test).
# turbo's cache is copied in, so packages the new family leaves unchanged are cache hits, as they would be
# in the repository (~70 s on 2 cores after the other steps of `pnpm verify`, ~2 min with a cold cache);
# the new family and @omega/providers are built and run for real.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
kind=probe-family
package="@omega/$kind"
work=$(mktemp -d "${TMPDIR:-/tmp}/omega-new-family.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { printf 'check-new-family: %s\n' "$*"; }
fail() {
  printf 'check-new-family: %s\n' "$*" >&2
  exit 1
}

git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do if [[ -e $file ]]; then printf '%s\0' "$file"; fi; done |
  tar -cf - --null -T - | tar -xf - -C "$work"
if [[ -d .turbo/cache ]]; then
  mkdir -p "$work/.turbo" && cp -R .turbo/cache "$work/.turbo/cache"
fi
# The repository's store, named: pnpm would otherwise pick a store of its own on another disk than home's.
store=$(pnpm store path)
cd "$work"
pnpm install --offline --frozen-lockfile --store-dir "$store" --reporter=silent

# Kinds that cannot be families: not the kind syntax, an existing package, an entry of @omega/providers,
# a name @omega/core exports (`document` would declare DocumentFront). Each refused, nothing written.
before=$(ls -A packages .changeset)
for bad in Receipt receipt_log -receipt receipt- two--hyphens 9lives session core conformance index document; do
  if node scripts/new-family.mjs "$bad" >/dev/null 2>&1; then fail "\`pnpm new-family $bad\` was not refused"; fi
done
[[ $(ls -A packages .changeset) == "$before" ]] || fail 'a refused kind left files behind'
say "refused bad kinds, writing nothing ($((SECONDS - started)) s)"

pnpm --silent new-family "$kind" >new-family.log 2>&1 || {
  cat new-family.log >&2
  fail "\`pnpm new-family $kind\` failed"
}
# The new package's ranges (vitest's, say) are resolved anew, which needs the registry's metadata: a
# fresh machine's frozen install never fetched it, so only prefer the offline copy (the packages
# themselves are in the store already).
pnpm install --prefer-offline --no-frozen-lockfile --store-dir "$store" --reporter=silent
say "generated packages/$kind and installed it ($((SECONDS - started)) s)"

missing=$(grep -L 'TODO(seed)' -r "packages/$kind/src" "packages/$kind/test" "packages/$kind/README.md" \
  "packages/$kind/package.json" ".changeset/$kind-family.md" || true)
[[ -z $missing ]] || fail "no TODO(seed) comment in: $missing"
grep -qx "'$package': patch" ".changeset/$kind-family.md" || fail "the changeset does not bump $package"

pnpm exec biome check "packages/$kind" packages/providers
node scripts/check-exports.mjs
# One run, so turbo overlaps the new package's checks with the builds @omega/providers waits for.
pnpm --silent turbo run build typecheck test check-package --filter="$package" --filter=@omega/providers \
  --output-logs=errors-only
say "$package and @omega/providers (which re-exports it) pass biome, check-exports, build, typecheck, test" \
  "and check-package: passed in $((SECONDS - started)) s"
