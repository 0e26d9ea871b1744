"""`migrator scan` (summary, JSON, the baseline ratchet) and `migrator report` on the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from ..conftest import EXAMPLES, REPO
from ..render.sarif_check import validate_sarif
from .test_inspect_cli import invoke, one_line_error

SCAN_SCHEMA = json.loads((REPO / "schemas" / "scan.v1.json").read_text())


@pytest.fixture()
def tutorme(tmp_path: Path) -> Path:
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "reports"))
    return root


def test_summary_names_layers_areas_owners_and_top_files(tutorme: Path) -> None:
    result = invoke("scan", str(tutorme))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("legacy: prisma", "target: drizzle", "api routes", "@tutorme/payments", "src/lib/services/bookings.ts",
                 "app/api/bookings/[id]/route.ts", "src/lib/db/index.ts"):
        assert text in out, text
    # Status is by call sites: the 6 Drizzle schema modules and the 2 client modules are "none".
    assert "files: 10 legacy, 2 mixed, 4 target, 8 none" in out
    assert "without call sites: 6 schema/model, 2 client" in out


def test_json_validates(tutorme: Path) -> None:
    result = invoke("scan", str(tutorme), "--format", "json")
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCAN_SCHEMA)
    assert doc["legacy"] == ["prisma"] and doc["total_files"] > 20
    files = {f["path"]: f for f in doc["files"]}
    assert (files["src/lib/db/schema/users.ts"]["status"], files["src/lib/db/schema/users.ts"]["role"]) == ("none", "schema")
    assert (files["src/lib/db/index.ts"]["status"], files["src/lib/db/index.ts"]["role"]) == ("none", "client")
    assert all(f["role"] == "calls" for f in doc["files"] if f["status"] != "none")


def test_the_ratchet_fails_only_when_legacy_usage_grows(tutorme: Path) -> None:
    assert invoke("scan", str(tutorme), "--check").exit_code == 2  # no baseline yet: bad input
    assert invoke("scan", str(tutorme), "--update-baseline").exit_code == 0
    assert (tutorme / ".migrator" / "baseline.json").exists()
    clean = invoke("scan", str(tutorme), "--check")
    assert clean.exit_code == 0 and "no regressions" in clean.stdout
    route = tutorme / "app" / "api" / "subjects" / "route.ts"
    route.write_text(route.read_text() + '\nimport { db } from "@/lib/db";\nexport const PUT = () => db.subject.deleteMany();\n')
    regressed = invoke("scan", str(tutorme), "--check")
    assert regressed.exit_code == 1
    assert "app/api/subjects/route.ts" in regressed.stdout
    lines = route.read_text().count("\n")
    assert f"app/api/subjects/route.ts:{lines}:" in regressed.stdout
    github = invoke("scan", str(tutorme), "--check", "--format", "github")
    assert github.exit_code == 1 and f"::error file=app/api/subjects/route.ts,line={lines}" in github.stdout
    sarif = validate_sarif(json.loads(invoke("scan", str(tutorme), "--check", "--format", "sarif").stdout), subset=False)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == lines


@pytest.mark.parametrize("content", [b"not json", b'{"format": "migrator.scan"}', b'{"format": "migrator.scan", "version": 1}'])
def test_a_broken_baseline_is_bad_input_naming_the_file(tutorme: Path, content: bytes) -> None:
    (tutorme / ".migrator").mkdir(exist_ok=True)
    (tutorme / ".migrator" / "baseline.json").write_bytes(content)
    result = invoke("scan", str(tutorme), "--check")
    assert result.exit_code == 2
    assert "baseline.json: not a scan baseline" in one_line_error(result)


def test_unknown_layers_and_missing_folders_are_bad_input(tutorme: Path) -> None:
    result = invoke("scan", str(tutorme), "--legacy", "hibernate")
    assert result.exit_code == 2 and "unknown layer 'hibernate'" in one_line_error(result)
    assert invoke("scan", str(tutorme / "nope")).exit_code == 2


def test_report_writes_three_files(tutorme: Path) -> None:
    out = tutorme / "out"
    result = invoke("report", str(tutorme), "--out", str(out), "--no-checks")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["progress.html", "progress.json", "progress.md"]
    md = (out / "progress.md").read_text()
    assert md.startswith("# Migration progress: prisma → drizzle")
    # The headline counts files with call sites only: the Drizzle schema modules and the two client
    # modules are listed under "Files without call sites" instead of as 8 more drizzle-only files.
    assert "49 legacy call sites left, 12 on drizzle (20% of 61 call sites)" in md
    assert "4 on drizzle only (25% moved)" in md and "## Models" in md
    assert "| Schema and model files | 6 | `drizzle` |" in md and "| Client modules | 2 | `prisma`, `drizzle` |" in md
    assert "docker-compose.yml:" in md  # the healthcheck that checks the wrong user
    html = (out / "progress.html").read_text()
    assert "<script" in html
    # Self-contained: nothing is fetched (the SVG namespace URI is a name, not a request).
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", html)


def test_report_history_reads_past_commits_from_git(tmp_path: Path) -> None:
    """A scratch repository: a route moves from Prisma to Drizzle over three commits."""
    import subprocess

    root = tmp_path / "app"
    files = {
        "src/db.ts": 'import { PrismaClient } from "@prisma/client";\nexport const db = new PrismaClient();\n',
        "src/orm.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nexport const orm = drizzle("x");\n',
        "src/schema.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\nexport const users = pgTable("users", { id: text("id") });\n',
        "src/a.ts": 'import { db } from "./db";\nexport const a = () => db.user.findMany();\n',
        "src/b.ts": 'import { db } from "./db";\nexport const b = () => db.post.findMany();\n',
    }

    def commit(message: str) -> None:
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", message], check=True)

    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    commit("start")
    (root / "src" / "a.ts").write_text('import { orm } from "./orm";\nimport { users } from "./schema";\nexport const a = () => orm.select().from(users);\n')
    commit("move a")
    (root / "src" / "b.ts").write_text('import { orm } from "./orm";\nimport { users } from "./schema";\nexport const b = () => orm.select().from(users);\n')
    commit("move b")
    out = tmp_path / "reports"
    result = invoke("report", str(root), "--out", str(out), "--history", "--no-checks", "--legacy", "prisma", "--target", "drizzle")
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "progress.json").read_text())
    burndown = doc["burndown"]
    # Legacy files are files with legacy call sites: a.ts and b.ts, then b.ts, then none. src/db.ts,
    # the Prisma entry module, creates the client but calls nothing, so it is a client module
    # (status none) all along, listed apart from the burndown.
    assert [p["legacy_files"] for p in burndown] == [2, 1, 0]
    assert [g["files"] for g in doc["without_calls"] if g["role"] == "client"] == [["src/db.ts", "src/orm.ts"]]
    assert [g["files"] for g in doc["without_calls"] if g["role"] == "schema"] == [["src/schema.ts"]]
    assert (root / ".migrator" / "cache" / "history").is_dir()
    again = invoke("report", str(root), "--out", str(out), "--history", "--no-checks", "--legacy", "prisma", "--target", "drizzle")
    assert again.exit_code == 0
    assert json.loads((out / "progress.json").read_text())["burndown"] == burndown


def test_ratchet_paths_are_relative_to_the_repository_root(tmp_path: Path, monkeypatch) -> None:
    import subprocess

    repo = tmp_path / "mono"
    root = repo / "apps" / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "reports"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    assert invoke("scan", "apps/tutorme", "--update-baseline").exit_code == 0
    route = root / "app" / "api" / "subjects" / "route.ts"
    route.write_text(route.read_text() + '\nimport { db } from "@/lib/db";\nexport const PUT = () => db.subject.deleteMany();\n')
    lines = route.read_text().count("\n")
    github = invoke("scan", "apps/tutorme", "--check", "--format", "github")
    assert github.exit_code == 1 and f"::error file=apps/tutorme/app/api/subjects/route.ts,line={lines}" in github.stdout
    sarif = validate_sarif(json.loads(invoke("scan", "apps/tutorme", "--check", "-f", "sarif", "--path-prefix", "p").stdout),
                           subset=False)
    artifact = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "p/apps/tutorme/app/api/subjects/route.ts", "uriBaseId": "%SRCROOT%"}
    doc = json.loads(invoke("scan", "apps/tutorme", "--check", "-f", "json").stdout)
    assert doc["regressions"][0]["path"] == "apps/tutorme/app/api/subjects/route.ts"
    # The text summary keeps the scanned folder's own paths.
    assert "  app/api/subjects/route.ts:" in invoke("scan", "apps/tutorme", "--check").stdout
