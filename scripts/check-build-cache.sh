#!/usr/bin/env bash
# A build with no change since the last one must be a full turbo cache hit.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm --silent turbo run build --output-logs=none >/dev/null
summary=$(pnpm --silent turbo run build --output-logs=none 2>&1)
if ! grep -q 'FULL TURBO' <<<"$summary"; then
  echo "check-build-cache: a second build was not a full cache hit:" >&2
  echo "$summary" >&2
  exit 1
fi
echo "check-build-cache: second build is a full turbo cache hit"
