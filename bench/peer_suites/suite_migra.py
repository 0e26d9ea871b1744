"""djrobstep/migra: tests/FIXTURES/<name>/a.sql (FROM) and b.sql (TO)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from model import Case

NAME = "migra"
SUBDIR = "migra"
# migra's test harness creates this role before loading the rls fixture.
ROLES = ("schemainspect_test_role",)


def cases(root: Path) -> Iterable[Case]:
    fixtures = Path(root) / SUBDIR / "tests" / "FIXTURES"
    if not fixtures.is_dir():
        raise FileNotFoundError(f"{fixtures} is missing (see bench/peer_suites/fetch.sh)")
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        a, b = folder / "a.sql", folder / "b.sql"
        if not (a.is_file() and b.is_file()):
            continue
        yield Case(folder.name, a.read_text(), b.read_text(), roles=ROLES)
