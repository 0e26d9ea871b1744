"""build_report from hand-built scans: each section holds what the scan says."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from migrator.report import write_report
from migrator.report.history import HistoryPoint
from migrator.report.infra import Finding
from migrator.report.progress_json import render_progress_json
from migrator.report.progress_markdown import render_progress_markdown
from migrator.report.model import build_report
from migrator.scan.result import EntryModule
from migrator.schema import Namespace, Schema, Table
from migrator.verify.changes import Change, Diff
from tests.report.scans import d, file, p, scan

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "schemas" / "progress.v1.json").read_text())

SCAN = scan(
    file("app/api/users.ts", p(3, "user"), p(9, "user", "update"), area="api"),
    file("app/api/posts.ts", p(4, "post"), area="api"),
    file("app/api/feed.ts", p(2, "post"), p(5, "user"), d(8, "posts"), area="api"),
    file("src/jobs/mail.ts", d(12, "users"), area="jobs", owners=("@mail",)),
    file("src/jobs/old.ts", imported=("prisma",)),  # no call site: status none, role "imports"
    file("raw.py", (1, "dbapi", "unknown", "execute")),
    entry_modules=(EntryModule("src/db.ts", "prisma", ("db",), ("DATABASE_URL",)),
                   EntryModule("src/drizzle.ts", "drizzle", ("dz",), ("POOL_URL", "DATABASE_URL"))),
    commit="c0ffee",
)


def test_overview_and_usage() -> None:
    report = build_report(SCAN)
    assert [(u.name, u.role, u.files, u.sites) for u in report.layers] == [
        ("prisma", "legacy", 4, 5), ("drizzle", "target", 2, 2), ("dbapi", "other", 1, 1)]
    assert [(e.path, e.env) for e in report.layers[1].entry_modules] == [("src/drizzle.ts", ("POOL_URL", "DATABASE_URL"))]
    # src/jobs/old.ts imports Prisma without calling it: status none, like raw.py (dbapi calls only).
    assert [(s.status, s.files, s.sites) for s in report.statuses] == [
        ("legacy", 2, 3), ("mixed", 1, 3), ("target", 1, 1), ("none", 2, 1)]
    # The headline counts files by their calls on the two layers: 2 + 1 + 1 = 4, of which 1 is on
    # drizzle only (25%); raw.py calls only dbapi and is named, not counted; old.ts is in neither.
    assert report.summary == ("5 legacy call sites left, 2 on drizzle (29% of 7 call sites); models: 0 moved, "
                              "2 partly, 0 not started; files making database calls: 2 on prisma only, 1 mixed, "
                              "1 on drizzle only (25% moved; 1 more call only dbapi)")
    assert (report.files_using_layers, report.files_making_calls) == (6, 5)
    groups = {g.role: (g.title, g.files, g.layers) for g in report.without_calls}
    assert [g.role for g in report.without_calls] == ["schema", "client", "migration", "imports"]
    assert groups["imports"] == ("Files that only import a layer", ("src/jobs/old.ts",), ("prisma",))
    assert groups["schema"] == ("Schema and model files", (), ())


def test_files_without_call_sites_are_listed_not_counted() -> None:
    """Schema modules, client modules and migrations import a layer and make no call: the Overview's
    headline leaves them out and the "Files without call sites" section names them, in every format."""
    files = [
        file("app/api/users.ts", p(3, "user")),
        file("app/api/posts.ts", d(4, "posts")),
        *(file(f"src/db/schema/{n}.ts", imported=("drizzle",), role="schema") for n in ("a", "b", "c", "d", "e", "f")),
        file("src/db/index.ts", imported=("prisma",), role="client"),
        file("prisma/migrations/x.ts", imported=("prisma",), role="migration"),
    ]
    report = build_report(scan(*files))
    assert report.summary == ("1 legacy call site left, 1 on drizzle (50% of 2 call sites); models: 1 moved, "
                              "0 partly, 1 not started; files making database calls: 1 on prisma only, 0 mixed, "
                              "1 on drizzle only (50% moved)")
    groups = {g.role: (g.files, g.layers) for g in report.without_calls}
    assert groups["schema"] == (tuple(f"src/db/schema/{n}.ts" for n in "abcdef"), ("drizzle",))
    assert groups["client"] == (("src/db/index.ts",), ("prisma",))
    assert groups["migration"] == (("prisma/migrations/x.ts",), ("prisma",))
    assert groups["imports"] == ((), ())
    md = render_progress_markdown(report)
    section = md.split("## Files without call sites\n", 1)[1].split("\n## ", 1)[0]
    assert "| Schema and model files | 6 | `drizzle` | `src/db/schema/a.ts`, " in section
    assert "| Client modules | 1 | `prisma` | `src/db/index.ts` |" in section
    assert "| Files that only import a layer | 0 | — | — |" in section
    assert "using a layer: 10, of which 2 make database calls" in md
    from migrator.report.progress_html import render_progress_html

    html = render_progress_html(report)
    assert "<details><summary>6 files</summary><code>src/db/schema/a.ts</code>" in html  # long: collapsed
    assert "<details><summary>1 files" not in html and "<code>src/db/index.ts</code>" in html  # short: open
    data = json.loads(render_progress_json(report))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [g["title"] for g in data["without_calls"]] == [
        "Schema and model files", "Client modules", "Migrations", "Files that only import a layer"]


def test_areas() -> None:
    report = build_report(SCAN)
    legacy = {a.name: [(f.path, f.sites, f.models, f.first_line) for f in a.files] for a in report.legacy_areas}
    assert legacy == {
        "api": [("app/api/feed.ts", 2, ("post", "user"), 2), ("app/api/users.ts", 2, ("user",), 3),
                ("app/api/posts.ts", 1, ("post",), 4)],
    }  # src/jobs/old.ts only imports Prisma: not a legacy file, so in no area table
    target = {a.name: [(f.path, f.sites, f.models) for f in a.files] for a in report.target_areas}
    assert target == {"api": [("app/api/feed.ts", 1, ("posts",))], "jobs": [("src/jobs/mail.ts", 1, ("users",))]}
    assert [(q.area, q.legacy, q.mixed, q.target) for q in report.quick_reference] == [
        ("api", 2, 1, 0), ("jobs", 0, 0, 1)]


def test_recommendations() -> None:
    recs = build_report(SCAN).recommendations
    # src/jobs/old.ts makes no call, so there is nothing in it to move: it is not recommended.
    assert [(r.rank, r.kind, r.subject) for r in recs] == [
        (1, "small-file", "app/api/posts.ts"), (2, "small-file", "app/api/users.ts"),
        (3, "model", "user"), (4, "model", "post"), (5, "mixed-file", "app/api/feed.ts"),
        (6, "retire-legacy", "src/db.ts")]  # no call site came through src/db.ts: no entry-module move
    assert recs[0].reason == "1 legacy call site on post: one of the smallest files to move whole"
    assert recs[2].reason == "3 legacy call sites in 2 files"
    assert recs[4].reason == "2 legacy call sites left beside 1 on drizzle: finish the file"
    # DATABASE_URL is read by src/drizzle.ts too, so it is not named as going away with Prisma.
    assert recs[5].reason == "retire the prisma client once the 5 call sites on prisma in 3 files are gone"


def test_optional_sections() -> None:
    schema = Schema("postgresql", (Namespace("public", (Table("users"), Table("posts"))),))
    diff = Diff("a", "b", (Change("add_table", "public.x", "public", "x"),))
    baseline = scan(file("app/api/users.ts", p(3, "user"), area="api"), file("src/jobs/mail.ts", p(2), area="jobs"),
                    commit="base")
    report = build_report(
        SCAN, baseline=baseline, drift=[("check-a", diff), ("check-b", Diff("c", "d"))],
        history=[HistoryPoint("a" * 40, "2024-01-01T00:00:00Z", 9, 20, 0, 0, 30)],
        infra=[Finding("compose.yml", 4, "info", "r2", "m2", "s2"), Finding("compose.yml", 9, "warning", "r1", "m1", "s1")],
        schema_sources=[("prisma", schema)],
    )
    assert [(s.name, s.tables) for s in report.schema_sources] == [("prisma", ("public.posts", "public.users"))]
    assert [(x.name, x.status, x.errors, x.text) for x in report.drift] == [
        ("check-a", "drift", 1, "1 error, 0 warnings, 0 info"), ("check-b", "clean", 0, "no drift")]
    assert [f.rule for f in report.infra] == ["r1", "r2"]  # most severe first
    assert [(b.label, b.legacy_files) for b in report.burndown] == [("aaaaaaaa", 9)]
    progress = report.progress
    assert progress is not None and progress.baseline_commit == "base"
    assert [m.path for m in progress.moved] == ["src/jobs/mail.ts"]
    # src/jobs/old.ts is new but calls nothing: importing the legacy layer is not a regression.
    assert [r.path for r in progress.new_legacy_files] == ["app/api/feed.ts", "app/api/posts.ts"]
    assert [(r.path, [s.line for s in r.sites]) for r in progress.regressions if r.kind == "gained-legacy-sites"] == [
        ("app/api/users.ts", [9])]


def test_burndown_without_history() -> None:
    baseline = scan(file("a.ts", p(1), p(2)), file("b.ts", p(1)))
    assert [(b.label, b.legacy_files, b.legacy_sites) for b in build_report(SCAN, baseline=baseline).burndown] == [
        ("baseline", 2, 3), ("now", 3, 5)]  # now: users, posts, feed (old.ts makes no call)
    assert [b.label for b in build_report(SCAN).burndown] == ["now"]


def test_empty_scan_renders_every_heading() -> None:
    text = render_progress_markdown(build_report(scan()))
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Overview", "## Usage", "## Models", "## Files without call sites", "## Target layer by area", "## Legacy layer by area",
                        "## Schema and migrations", "## Infrastructure", "## Connection topology",
                        "## Progress since baseline", "## Recommendations", "## Files by area", "## Quick reference"]
    assert "No baseline given" in text


def test_markdown_escapes_file_names() -> None:
    text = render_progress_markdown(build_report(scan(file("app/<b>|x*.ts", p(1), area="a|b"))))
    assert "<b>" not in text.replace("`app/<b>", "")  # only inside a code span
    assert "a\\|b" in text


@pytest.mark.parametrize("with_everything", [False, True])
def test_json_matches_schema(with_everything: bool) -> None:
    kwargs = {}
    if with_everything:
        kwargs = dict(baseline=scan(file("app/api/users.ts", p(3, "user"))), drift=[("c", Diff("a", "b"))],
                      infra=[Finding("compose.yml", 4, "info", "r", "m", "s")],
                      schema_sources=[("s", Schema("sqlite"))])
    data = json.loads(render_progress_json(build_report(SCAN, **kwargs)))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert (data["format"], data["version"]) == ("migrator.progress", 1)


def test_write_report(tmp_path) -> None:
    report = build_report(SCAN)
    paths = write_report(report, tmp_path / "reports")
    assert [x.name for x in paths] == ["progress.md", "progress.json", "progress.html"]
    assert all(x.read_text().strip() for x in paths)
    assert write_report(report, tmp_path / "one", formats=("json",)) == [tmp_path / "one" / "progress.json"]
    with pytest.raises(Exception, match="unknown report format"):
        write_report(report, tmp_path / "bad", formats=("md", "pdf"))
    assert not (tmp_path / "bad").exists()  # nothing written when a format is unknown


def test_models_are_counted_in_call_sites_across_layers() -> None:
    """`user` (Prisma) and `users` (Drizzle) are one model; its table in the target schema and the
    drift on it are shown; a model only on the target is moved, on both partly, on the legacy one not started."""
    schema = Schema("postgresql", (Namespace("public", (Table("users"), Table("posts"))),))
    diff = Diff("a", "b", (Change("add_column", "public.users.email", "public", "users", "email", severity="error",
                                  message="column users.email is in b only"),
                           Change("add_table", "public.audit", "public", "audit", severity="warning", message="m")))
    report = build_report(SCAN, drift=[("live", diff)], schema_sources=[("drizzle", schema)])
    assert [(m.model, m.state, m.legacy_sites, m.target_sites, m.files, m.target_table, m.drift) for m in report.models] == [
        ("user", "partly moved", 3, 1, 3, "public.users", 1),
        ("post", "partly moved", 2, 1, 2, "public.posts", 0),
    ]
    assert (report.legacy_sites, report.target_sites) == (5, 2)
    assert [(d.check, d.path, d.severity) for d in report.drift_items] == [
        ("live", "public.users.email", "error"), ("live", "public.audit", "warning")]
    md = render_progress_markdown(report)
    assert "| `user` | partly moved | 3 | 1 | 3 | `public.users` | 1 |" in md
    # The legacy schema declares every table already: only the target's says what has moved.
    legacy = Schema("postgresql", (Namespace("public", (Table("User"), Table("Post"))),))
    ported = Schema("postgresql", (Namespace("public", (Table("users"),)),))
    both = build_report(SCAN, schema_sources=[("prisma", legacy), ("drizzle", ported)])
    assert {m.model: m.target_table for m in both.models} == {"user": "public.users", "post": ""}
    assert "| `post` | partly moved | 2 | 1 | 2 | none | — |" in render_progress_markdown(both)  # no check: no drift column
    assert "| live | `public.users.email` | `add_column` | error | column users.email is in b only | — |" in md
