#!/bin/sh
# Make the accuracy harness's checkouts from bare git mirrors:
#   MIGRATOR_REALWORLD=/path/to/realworld bench/realworld/checkout.sh DIR
# DIR holds one bare git directory per repository of manifest.toml, at DIR/owner+name/repo,
# DIR/owner+name or DIR/owner/name.git. Each entry is cloned (no work tree) into
# $MIGRATOR_REALWORLD/<entry name> and its pinned commit checked out; run.py does the work.
set -eu
if [ $# -ne 1 ]; then echo "usage: MIGRATOR_REALWORLD=DIR $0 MIRRORS_DIR" >&2; exit 2; fi
here=$(dirname "$0")
py=${PYTHON:-$here/../../.venv/bin/python}
[ -x "$py" ] || py=python3
exec "$py" "$here/run.py" --checkout-from-mirrors "$1"
