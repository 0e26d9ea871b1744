"""sqldef/sqldef psqldef: cmd/psqldef/tests*.yml, each top-level key a case with `current`/`desired` SQL.

Every second case in file order (files sorted by name, cases in each file's order; the 1st,
3rd, 5th, ...), as issue 12 measured. Skipped, with the reason: min_version/max_version that
exclude PostgreSQL 15, an expected `error`, `offline` cases (Aurora DSQL syntax, never run on
a server by sqldef either), and `flavor: pgvector` when the vector extension is not installed.
`user:` cases run as a role whose search_path is `foo, public` with a schema foo in sqldef's
harness; here both sides start with `CREATE SCHEMA foo; SET search_path = foo, public;`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from model import Case

NAME = "sqldef"
SUBDIR = "sqldef"
SERVER_VERSION = (15, 0)
# cmd/psqldef/psqldef_test.go creates these roles once before all tests (testRoles);
# read from there when the file has them, this list otherwise.
FALLBACK_ROLES = ("readonly_user", "app_user", "admin_role", "psqldef_user")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in str(text).split("."))


def _quote(role: str) -> str:
    return role if re.fullmatch(r"[a-z_][a-z0-9_]*", role) else '"' + role.replace('"', '""') + '"'


def _test_roles(psqldef: Path) -> tuple[str, ...]:
    go = psqldef / "psqldef_test.go"
    names: list[str] = []
    if go.is_file():
        m = re.search(r"var testRoles = \[\]string\{(.*?)\}", go.read_text(), re.S)
        if m:
            names = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    return tuple(_quote(r) for r in dict.fromkeys([*(names or FALLBACK_ROLES), "psqldef_user"]))


def _vector_installed() -> bool:
    import glob

    return bool(glob.glob("/usr/share/postgresql/*/extension/vector.control") or glob.glob("/usr/local/share/postgresql/extension/vector.control"))


def cases(root: Path) -> Iterable[Case]:
    psqldef = Path(root) / SUBDIR / "cmd" / "psqldef"
    if not psqldef.is_dir():
        raise FileNotFoundError(f"{psqldef} is missing (see bench/peer_suites/fetch.sh)")
    roles = _test_roles(psqldef)
    vector = _vector_installed()
    index = 0
    for path in sorted(psqldef.glob("tests*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for key, test in data.items():
            index += 1
            if index % 2 == 0:
                continue
            test = test or {}
            name = f"{path.stem.removeprefix('tests_')}/{key}"
            current, desired = test.get("current") or "", test.get("desired") or ""
            skip = None
            if "min_version" in test and _version(test["min_version"]) > SERVER_VERSION:
                skip = f"min_version {test['min_version']}"
            elif "max_version" in test and _version(test["max_version"]) < SERVER_VERSION:
                skip = f"max_version {test['max_version']}"
            elif test.get("error"):
                skip = "expects an error"
            elif test.get("offline"):
                skip = "offline case (Aurora DSQL syntax)"
            elif test.get("flavor") == "pgvector" and not vector:
                skip = "needs pgvector (not installed)"
            elif test.get("flavor") and not str(test["flavor"]).startswith("!") and test["flavor"] != "pgvector":
                skip = f"flavor {test['flavor']}"
            if test.get("user"):
                prefix = "CREATE SCHEMA foo;\nSET search_path = foo, public;\n"
                current, desired = prefix + current, prefix + desired
            yield Case(name, current, desired, skip_reason=skip, roles=roles)
