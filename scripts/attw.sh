#!/usr/bin/env bash
# attw over this package (run from its folder by `check-package`), quiet when it passes: one line, since its
# tables show resolutions the profile ignores (node10) as red "Resolution failed". When it finds a problem,
# it runs again with the full report. Arguments go to attw (--profile, --entrypoints, ...).
set -uo pipefail
attw=$(command -v attw || echo "$(dirname "$0")/../node_modules/.bin/attw")
if "$attw" --pack . --quiet "$@"; then
  echo "attw $*: no problems"
else
  "$attw" --pack . "$@"
  exit 1
fi
