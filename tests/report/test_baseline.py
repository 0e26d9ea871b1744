"""The baseline ratchet, case by case: two scans in, regressions and improvements out."""

from __future__ import annotations

import pytest

from migrator.report.baseline import compare_to_baseline, read_baseline, write_baseline
from migrator.scan.result import EntryModule
from tests.report.scans import d, file, p, scan

# (name, baseline files, current files, expected regressions [(kind, path, new lines)], expected improvements [(kind, path)])
CASES = [
    ("unchanged", [file("a.ts", p(3))], [file("a.ts", p(3))], [], []),
    ("moved to the target", [file("a.ts", p(3))], [file("a.ts", d(3))], [], [("moved", "a.ts")]),
    ("deleted legacy file", [file("a.ts", p(3))], [], [], [("removed", "a.ts")]),
    ("new legacy file", [], [file("n.ts", p(4), p(9))], [("new-legacy-file", "n.ts", [4, 9])], []),
    ("target file gains legacy", [file("t.ts", d(2))], [file("t.ts", d(2), p(7))], [("new-legacy-file", "t.ts", [7])], []),
    ("gained a site", [file("a.ts", p(3))], [file("a.ts", p(3), p(8, "post", "create"))],
     [("gained-legacy-sites", "a.ts", [8])], []),
    # Code moved down by two lines and one more identical call added: the new one is the line the baseline lacked.
    ("same call twice, lines shifted", [file("a.ts", p(3), p(10))], [file("a.ts", p(5), p(10), p(12))],
     [("gained-legacy-sites", "a.ts", [5])], []),
    ("fewer sites", [file("a.ts", p(3), p(4))], [file("a.ts", p(4))], [], [("fewer-legacy-sites", "a.ts")]),
    ("lines moved only", [file("a.ts", p(3), p(4, "post"))], [file("a.ts", p(30), p(40, "post"))], [], []),
    ("new target file is no regression", [], [file("t.ts", d(1))], [], []),
    ("mixed file finished", [file("m.ts", p(1), d(2))], [file("m.ts", d(2))], [], [("moved", "m.ts")]),
    # Importing the legacy layer (a type, the client passed along) is not using it: status none.
    ("new file importing the legacy layer only", [], [file("i.ts", imported=("prisma",))], [], []),
    ("an importing file starts calling", [file("i.ts", imported=("prisma",))], [file("i.ts", p(6))],
     [("new-legacy-file", "i.ts", [6])], []),
    ("last call removed, import kept", [file("a.ts", p(3))], [file("a.ts", imported=("prisma",))], [],
     [("moved", "a.ts")]),
]


@pytest.mark.parametrize("name,before,after,regressions,improvements", CASES, ids=[c[0] for c in CASES])
def test_ratchet(name, before, after, regressions, improvements) -> None:
    ratchet = compare_to_baseline(scan(*after), scan(*before))
    assert [(r.kind, r.path, [s.line for s in r.sites]) for r in ratchet.regressions] == regressions
    assert [(i.kind, i.path) for i in ratchet.improvements] == improvements
    assert ratchet.ok is (not regressions)


def test_totals_and_messages() -> None:
    ratchet = compare_to_baseline(scan(file("a.ts", p(3), p(8)), file("n.ts", p(1))), scan(file("a.ts", p(3))))
    assert (ratchet.legacy_files_before, ratchet.legacy_files_after) == (1, 2)
    assert (ratchet.legacy_sites_before, ratchet.legacy_sites_after) == (1, 3)
    assert [r.message for r in ratchet.regressions] == [
        "legacy call sites 1 → 2: new at line 8", "new file using prisma (1 call site)"]


def test_write_and_read_baseline(tmp_path) -> None:
    original = scan(file("a.ts", p(3), area="api", owners=("@team",)), commit="abc")
    path = tmp_path / "nested" / "baseline.json"
    write_baseline(path, original)
    assert read_baseline(path) == original
    assert not [x for x in path.parent.iterdir() if x.name.endswith(".tmp")]


def test_a_baseline_written_before_roles_is_read_with_todays_rule(tmp_path) -> None:
    """Before files had roles, a file without call sites took the status of what it imported: the
    Prisma client's module was "legacy", a Drizzle schema module "target". Read back, they are
    status none, so comparing a new scan with an old baseline reports neither a false "moved" for
    the client module nor anything for the schema module."""
    import orjson

    old = scan(file("a.ts", p(3)), file("src/db.ts", imported=("prisma",)), file("src/schema.ts", imported=("drizzle",)),
               file("prisma/migrations/seed.ts", imported=("prisma",)),
               entry_modules=(EntryModule("src/db.ts", "prisma", ("db",)),))
    doc = old.to_dict()
    old_statuses = {"a.ts": "legacy", "src/db.ts": "legacy", "src/schema.ts": "target", "prisma/migrations/seed.ts": "legacy"}
    for f in doc["files"]:
        del f["role"]
        f["status"] = old_statuses[f["path"]]
    path = tmp_path / "baseline.json"
    path.write_bytes(orjson.dumps(doc))
    read = read_baseline(path)
    assert {f.path: (f.status, f.role) for f in read.files} == {
        "a.ts": ("legacy", "calls"), "prisma/migrations/seed.ts": ("none", "migration"),
        "src/db.ts": ("none", "client"), "src/schema.ts": ("none", "imports")}
    ratchet = compare_to_baseline(old, read)
    assert (ratchet.regressions, ratchet.improvements) == ((), ())
    assert (ratchet.legacy_files_before, ratchet.legacy_files_after) == (1, 1)


def test_regression_message_of_a_file_that_only_imported() -> None:
    ratchet = compare_to_baseline(scan(file("i.ts", p(6))), scan(file("i.ts", imported=("prisma",))))
    assert [r.message for r in ratchet.regressions] == ["was none (imports, no call sites), now using prisma (1 call site)"]
