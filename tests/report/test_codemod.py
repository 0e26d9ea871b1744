"""The report's Codemod section: what `migrator rewrite --rules prisma-drizzle` (or sql-drizzle) would convert now.

Real dry runs on real projects: examples/tutorme (its migrator.toml names the Drizzle schema and
client), checked against the `migrator rewrite` command's own JSON summary; a Prisma project with no
Drizzle schema (one line saying why and what to run, the report still written); a raw-SQL project
after `migrator generate drizzle --client` (sql-drizzle); `--no-codemod`. The three formats, the
JSON schema and the recommendation's rank.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from migrator.report.model import RECOMMENDATION_KINDS
from migrator.report.progress_html import render_progress_html
from migrator.report.progress_json import progress_data
from migrator.report.progress_markdown import render_progress_markdown

from ..cli.test_inspect_cli import invoke
from ..rewrite_ts.test_sql_drizzle_defaults import generate, raw_sql_project
from .tutorme_report import REPO, TUTORME, tutorme_report

SCHEMA = json.loads((REPO / "schemas" / "progress.v1.json").read_text())


@pytest.fixture(scope="module")
def report():
    return tutorme_report()


def test_tutorme_codemod_says_what_the_rewrite_command_does(report) -> None:
    c = report.codemod
    assert c is not None and c.status == "ran", c
    # The command itself, from another folder: the same counts as the report's dry run.
    done = subprocess.run([sys.executable, "-c", "from migrator.cli import main; main()", "rewrite", "--rules",
                           "prisma-drizzle", str(TUTORME), "--format", "json"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1, done.stderr  # a dry run that would change files
    summary = json.loads(done.stdout)["summary"]
    assert (c.legacy_sites, c.converted, c.reported, c.files_changed) == (
        summary["legacy_sites"], summary["converted_sites"], summary["reported_sites"], summary["changed"])
    assert 0 < c.converted < c.legacy_sites
    # per model, the converted and the left add up to the totals
    assert sum(m.converted for m in c.models) == c.converted
    assert sum(m.left for m in c.models) == c.reported
    names = {m.model for m in report.models}
    assert {m.model for m in c.models} - {"(client calls)"} <= names  # the per-model table's names
    # findings by code: the left ones account for every site left, each with real file:line examples
    assert sum(f.count for f in c.findings if f.kind == "left") >= c.reported
    for f in c.findings:
        assert f.description and f.reason and 1 <= len(f.examples) <= 3
        for example in f.examples:
            path, line = re.fullmatch(r"(.+):(\d+)", example).groups()
            assert int(line) <= len((TUTORME / path).read_text().splitlines())
    assert {f.kind for f in c.findings if f.code in ("PD022", "PD023")} <= {"note"}
    assert c.patch_command == "migrator rewrite --rules prisma-drizzle examples/tutorme --patch prisma-drizzle.patch"
    assert c.apply_command == "migrator rewrite --rules prisma-drizzle examples/tutorme --apply"


def test_codemod_recommendation_comes_right_after_the_entry_module_move(report) -> None:
    kinds = [r.kind for r in report.recommendations]
    assert RECOMMENDATION_KINDS.index("codemod") == RECOMMENDATION_KINDS.index("entry-module") + 1
    at = kinds.index("codemod")
    assert kinds[:at] == ["entry-module"] * at and at > 0 and kinds[at + 1] != "entry-module"
    rec = report.recommendations[at]
    c = report.codemod
    assert rec.rank == at + 1 and rec.subject == "prisma-drizzle" and rec.sites == c.converted
    assert rec.reason.startswith(f"{c.converted} of {c.legacy_sites} legacy sites convert automatically: "
                                 f"run `{c.patch_command}`")
    assert rec.action == c.patch_command


def test_codemod_in_markdown_html_and_json(report) -> None:
    c = report.codemod
    md = render_progress_markdown(report)
    section = md.split("## Codemod\n", 1)[1].split("\n## ", 1)[0]
    assert md.index("## Codemod") < md.index("## Recommendations")
    assert f"{c.legacy_sites} legacy sites, {c.converted} would be converted, {c.reported} reported" in section
    assert f"- patch: `{c.patch_command}`" in section and f"- apply: `{c.apply_command}`" in section
    top = c.models[0]
    assert f"| `{top.model}` | {top.converted} | {top.left} |" in section
    assert all(f"| `{f.code}` | {f.count} | {f.kind} |" in section for f in c.findings)

    html = render_progress_html(report)
    assert '<section id="codemod"><h2>Codemod</h2>' in html and 'href="#codemod"' in html
    assert 'id="tbl-codemod-models"' in html and 'id="tbl-codemod-findings"' in html
    assert f"<code>{c.patch_command}</code>" in html

    data = json.loads(json.dumps(progress_data(report)))
    jsonschema.validate(data, SCHEMA)
    assert data["codemod"]["converted"] == c.converted
    assert [m["model"] for m in data["codemod"]["models"]] == [m.model for m in c.models]
    assert data["codemod"]["findings"][0]["examples"] == list(c.findings[0].examples)


PRISMA_SCHEMA = """\
datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
"""

SERVICE = """\
import { PrismaClient } from "@prisma/client";

const prisma = new PrismaClient();

export async function users() {
  return prisma.user.findMany({ where: { email: "a@b.c" } });
}
"""


def prisma_project(root: Path) -> Path:
    """A Prisma project without any Drizzle schema."""
    (root / "src").mkdir(parents=True)
    (root / "prisma").mkdir()
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app", "dependencies": {"@prisma/client": "7.0.0"}}\n')
    (root / "prisma" / "schema.prisma").write_text(PRISMA_SCHEMA)
    (root / "src" / "users.ts").write_text(SERVICE)
    (root / "migrator.toml").write_text('[scan]\nlegacy = ["prisma"]\ntarget = ["drizzle"]\n')
    return root


def test_no_drizzle_schema_is_one_line_saying_what_to_run(tmp_path: Path) -> None:
    root = prisma_project(tmp_path / "app")
    result = invoke("report", str(root), "--out", str(tmp_path / "out"), "--format", "md", "--format", "json",
                    "--no-checks")
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "progress.json").read_text())
    jsonschema.validate(data, SCHEMA)
    c = data["codemod"]
    assert c["status"] == "unavailable" and c["converted"] == 0 and c["models"] == []
    assert c["message"].startswith("no Drizzle schema found in "), c["message"]
    assert "migrator generate drizzle prisma:" in c["message"]
    assert "codemod" not in [r["kind"] for r in data["recommendations"]]
    md = (tmp_path / "out" / "progress.md").read_text()
    section = md.split("## Codemod\n\n", 1)[1].split("\n## ", 1)[0].strip()
    assert len(section.splitlines()) == 1
    assert section.startswith("\\`migrator rewrite --rules prisma-drizzle\\` cannot run here: no Drizzle schema "
                              "found in ")


def test_no_codemod_skips_the_dry_run(tmp_path: Path) -> None:
    root = prisma_project(tmp_path / "app")
    result = invoke("report", str(root), "--out", str(tmp_path / "out"), "--format", "json", "--no-checks",
                    "--no-codemod")
    assert result.exit_code == 0, result.stderr
    c = json.loads((tmp_path / "out" / "progress.json").read_text())["codemod"]
    assert (c["status"], c["message"]) == ("skipped", "not run (--no-codemod)")


def test_sql_js_project_gets_the_sql_drizzle_dry_run(tmp_path: Path, monkeypatch) -> None:
    root = raw_sql_project(tmp_path / "app")
    monkeypatch.chdir(root)
    generate("src/db")
    result = invoke("report", ".", "--out", "out", "--format", "json", "--format", "md", "--legacy", "sql-js",
                    "--target", "drizzle", "--no-checks")
    assert result.exit_code == 0, result.stderr
    data = json.loads((root / "out" / "progress.json").read_text())
    jsonschema.validate(data, SCHEMA)
    c = data["codemod"]
    assert (c["rule_set"], c["status"], c["legacy_sites"], c["converted"]) == ("sql-drizzle", "ran", 2, 2), c
    assert [(m["model"], m["converted"], m["left"]) for m in c["models"]] == [("users", 2, 0)]
    assert c["patch_command"] == "migrator rewrite --rules sql-drizzle . --patch sql-drizzle.patch"
    rec = next(r for r in data["recommendations"] if r["kind"] == "codemod")
    assert rec["reason"].startswith("2 of 2 legacy sites convert automatically: run `migrator rewrite --rules "
                                    "sql-drizzle . --patch sql-drizzle.patch`")
    assert "## Codemod" in (root / "out" / "progress.md").read_text()


def test_a_rewrite_crash_is_one_line_and_no_recommendation() -> None:
    from migrator.report.codemod import CodemodRun
    from migrator.report.model import build_report
    from tests.report.tutorme_report import scan_fixture

    scan = scan_fixture("tutorme_scan.json")
    report = build_report(scan, codemod=CodemodRun("prisma-drizzle", "failed", "KeyError: 'User'", root="."))
    assert report.codemod.headline == "`migrator rewrite --rules prisma-drizzle` failed: KeyError: 'User'"
    assert "codemod" not in [r.kind for r in report.recommendations]
    md = render_progress_markdown(report)
    assert "## Codemod\n\n\\`migrator rewrite --rules prisma-drizzle\\` failed: KeyError: 'User'.\n\n## Recommendations" in md
    assert "failed: KeyError: &#x27;User&#x27;" in render_progress_html(report)
    jsonschema.validate(json.loads(json.dumps(progress_data(report))), SCHEMA)
