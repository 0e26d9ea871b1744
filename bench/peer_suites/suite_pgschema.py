"""pgschema/pgschema: testdata/diff/<group>/<case>/old.sql (FROM), new.sql (TO), optional setup.sql.

pgschema runs setup.sql on both databases before old.sql and new.sql (extensions, a
`utils` schema, roles); so does this loader, by putting it in front of both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from model import Case

NAME = "pgschema"
SUBDIR = "pgschema"
# pgschema's harness connects as `testuser`, which some cases name in policies and grants.
ROLES = ("testuser",)
_ROLE = re.compile(r"\bCREATE\s+(?:ROLE|USER)\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)", re.I)


def cases(root: Path) -> Iterable[Case]:
    base = Path(root) / SUBDIR / "testdata" / "diff"
    if not base.is_dir():
        raise FileNotFoundError(f"{base} is missing (see bench/peer_suites/fetch.sh)")
    for old in sorted(base.rglob("old.sql")):
        folder = old.parent
        new = folder / "new.sql"
        if not new.is_file():
            continue
        setup = folder / "setup.sql"
        prefix = setup.read_text() + "\n" if setup.is_file() else ""
        from_sql, to_sql = prefix + old.read_text(), prefix + new.read_text()
        roles = tuple(sorted({*ROLES, *(m.group(1) for m in _ROLE.finditer(from_sql + "\n" + to_sql))}))
        yield Case(str(folder.relative_to(base)), from_sql, to_sql, roles=roles)
