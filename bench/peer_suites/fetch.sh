#!/bin/sh
# The peer suites bench/peer_suites/run.py reads, at the commits docs/peer-suites.md was measured on.
# Usage: bench/peer_suites/fetch.sh DIR   (e.g. /work/peersuites; keep DIR outside the repository —
# nothing of these repositories is committed here, their test data is only read at run time).
# Each checkout is a plain tree (git archive of the pinned commit) with the commit in .peer-suite-commit.
#
# run.py reads the `pin` lines below: suite, repository, commit (keep the format).
pin() { :; }
pin migra          djrobstep/migra        345038271b9fd76296c89e01c7256d0d38e2ce83  # 2025-08-25
pin pgschema       pgschema/pgschema      51b46a95fc944599236d0a345793df90cb92d1a2  # 2026-02-28
pin pg-schema-diff stripe/pg-schema-diff  6208f8f3ceccae8ca634055dc47907a6a864cb76  # 2026-07-03
pin sqldef         sqldef/sqldef          29164effe8e11e583aec6b439cd3ec7434c8e289  # 2026-08-19
set -eu
DIR=${1:-${MIGRATOR_PEER_SUITES:-}}
[ -n "$DIR" ] || { echo "usage: $0 DIR (or set MIGRATOR_PEER_SUITES)" >&2; exit 2; }
mkdir -p "$DIR"
grep '^pin ' "$0" | while read -r _ suite repo commit _rest; do
    dest="$DIR/$suite"
    if [ -f "$dest/.peer-suite-commit" ] && [ "$(cat "$dest/.peer-suite-commit")" = "$commit" ]; then
        echo "$suite: $commit (already there)"; continue
    fi
    tmp=$(mktemp -d)
    git clone --quiet --filter=blob:none --no-checkout "https://github.com/$repo" "$tmp/repo"
    rm -rf "$dest" && mkdir -p "$dest"
    git -C "$tmp/repo" archive "$commit" | tar -x -C "$dest"
    echo "$commit" > "$dest/.peer-suite-commit"
    rm -rf "$tmp"
    echo "$suite: $commit"
done
