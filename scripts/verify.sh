#!/usr/bin/env bash
# `pnpm verify`, what CI runs (.ci/run): lint, tests, package checks, each announced before it starts.
# Output that is not a terminal (CI logs, a pipe, a file) gets no colour codes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -t 1 ]]; then export NO_COLOR=1 FORCE_COLOR=0; fi
started=$SECONDS
current=''
step() {
  current=${1%%:*}
  printf '\n== verify: %s\n' "$1"
}
trap 'printf "\n== verify: FAILED in %s (the output above says why)\n" "$current" >&2' ERR

step 'lint: biome, exports, then publint and attw on every package (builds them first, ~20 s uncached)'
pnpm --silent lint
step 'test: type checks, fast tests, then the slow kill and multi-process tests (a few minutes)'
pnpm --silent test
step 'check-packages: packed tarballs installed in a fresh project, then a second build must be a cache hit'
pnpm --silent check-packages
step 'check-new-family: `pnpm new-family` on a throwaway copy of the repository, whose skeleton must pass biome, build, type checks, its tests and the package checks (~1 min)'
pnpm --silent check-new-family
step 'no server left: every PostgreSQL server the tests started (data in /tmp/omega-pg-*) has stopped'
if pgrep -f 'omega-pg-[^ ]*/data' >/dev/null; then
  pgrep -af 'omega-pg-[^ ]*/data' >&2
  false
fi
printf '\n== verify: passed in %d s\n' $((SECONDS - started))
