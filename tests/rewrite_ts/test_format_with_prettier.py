"""`migrator rewrite --format-with prettier`: the changed files formatted by the project's own prettier.

The fixture project (tests/fixtures/rewrite_ts/format_prettier, on the shared prisma_drizzle _schema)
has a .prettierrc (no semicolons, single quotes; a parser prettier lacks for broken.ts); its
node_modules links to tests/node's, whose pinned prettier (3.6.2) is then found as the project's
`node_modules/.bin/prettier`. Without the link there is no prettier: one line says so and the
conversion is left as it is. `MIGRATOR_UPDATE_FIXTURES=1` rewrites expected/users.ts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

CASE = FIXTURES / "rewrite_ts" / "format_prettier"
SCHEMA = FIXTURES / "rewrite_ts" / "prisma_drizzle" / "_schema"
NODE_MODULES = REPO / "tests" / "node" / "node_modules"
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"
OPTIONS = ("--rules", "prisma-drizzle", ".", "--drizzle-schema", "drizzle:drizzle.ts", "--drizzle-client", "./db:drizzleDb",
           "--prisma-schema", "schema.prisma")


def project(tmp_path: Path, *, prettier: bool) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    for name in ("schema.prisma", "drizzle.ts", "prisma.ts", "db.ts", "prisma-client.d.ts", "prisma-compat.ts"):
        shutil.copy(SCHEMA / name, root / name)
    for name in ("users.ts", "broken.ts"):
        shutil.copy(CASE / name, root / name)
    shutil.copy(CASE / "prettierrc.json", root / ".prettierrc")
    (root / "package.json").write_text('{"name": "format-fixture", "private": true}\n')
    if prettier:
        if shutil.which("node") is None:
            pytest.skip("Node.js is not installed")
        if not (NODE_MODULES / ".bin" / "prettier").exists():  # Node.js is there: the pinned tools must be too
            pytest.fail("tests/node is not installed (its pinned prettier): `npm ci` there")
        (root / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    else:
        above = [p for p in root.parents if (p / "node_modules" / ".bin" / "prettier").exists()]
        assert not above, f"a prettier above the temporary folder would be found: {above}"
    return root


def rewrite(root: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("migrator")
    return subprocess.run([str(exe), "rewrite", *OPTIONS, *args], cwd=root, capture_output=True, text=True, timeout=300)


def test_dry_run_shows_the_formatted_conversion(tmp_path):
    root = project(tmp_path, prettier=True)
    before = {name: (root / name).read_text() for name in ("users.ts", "broken.ts")}
    done = rewrite(root, "--format-with", "prettier")
    assert done.returncode == 1, done.stderr  # a dry run that would change files, as without the option
    # users.ts: prettier's output with the project's config (single quotes, no semicolons), call wrapped.
    assert "+import { drizzleDb } from './db'\n" in done.stdout
    assert "+      where: (t, { eq }) => eq(t.role, 'ADMIN'),\n" in done.stdout
    # broken.ts: prettier failed on it; its unformatted conversion, and one line with prettier's error.
    broken = done.stdout.split("--- a/broken.ts", 1)[1].split("--- a/", 1)[0]
    assert 'eq(t.role, "ADMIN")' in broken and "import { drizzleDb } from \"./db\";" in broken
    failed = [line for line in done.stderr.splitlines() if "prettier failed" in line]
    assert failed == ['broken.ts: prettier failed, left unformatted: Couldn\'t resolve parser "no-such-parser".']
    assert {name: (root / name).read_text() for name in before} == before  # a dry run writes nothing


def test_apply_and_patch_carry_the_formatted_text(tmp_path):
    root = project(tmp_path, prettier=True)
    patch = tmp_path / "changes.patch"
    dry = rewrite(root, "--format-with", "prettier", "--patch", str(patch))
    assert dry.returncode == 1, dry.stderr
    unformatted = tmp_path / "plain"
    shutil.copytree(root, unformatted, symlinks=True)
    names = sorted(p.name for p in root.iterdir())
    done = rewrite(root, "--format-with", "prettier", "--apply")
    assert done.returncode == 0, done.stderr
    users = (root / "users.ts").read_text()
    expected = CASE / "expected" / "users.ts"
    if UPDATE:
        expected.write_text(users)
    assert users == expected.read_text()
    # The patch shows exactly what --apply wrote.
    added = [line[1:] for line in patch.read_text().splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert all(line in users.splitlines() or line in (root / "broken.ts").read_text().splitlines() for line in added)
    # broken.ts: written as converted, unformatted (what the run without --format-with writes).
    plain = rewrite(unformatted, "--apply")
    assert plain.returncode == 0, plain.stderr
    assert (root / "broken.ts").read_text() == (unformatted / "broken.ts").read_text()
    assert (root / "users.ts").read_text() != (unformatted / "users.ts").read_text()
    # No temporary file left beside the written ones (atomic writes).
    assert sorted(p.name for p in root.iterdir()) == names


def test_prettierignore_leaves_a_file_as_converted(tmp_path):
    root = project(tmp_path, prettier=True)
    (root / ".prettierignore").write_text("users.ts\n")
    formatted = rewrite(root, "--format-with", "prettier")
    plain = rewrite(root)
    users_diff = lambda out: out.split("--- a/users.ts", 1)[1]  # noqa: E731
    assert users_diff(formatted.stdout) == users_diff(plain.stdout)
    assert "users.ts: prettier failed" not in formatted.stderr


def test_without_prettier_one_line_and_the_unformatted_result(tmp_path):
    root = project(tmp_path, prettier=False)
    with_option = rewrite(root, "--format-with", "prettier")
    without = rewrite(root)
    assert with_option.returncode == without.returncode == 1
    assert with_option.stdout == without.stdout
    extra = [line for line in with_option.stderr.splitlines() if line not in without.stderr.splitlines()]
    assert len(extra) == 1 and extra[0].startswith("--format-with prettier: prettier was not found for broken.ts"), extra


def test_unknown_formatter_and_python_rule_set_are_bad_input(tmp_path):
    root = project(tmp_path, prettier=False)
    assert rewrite(root, "--format-with", "black").returncode == 2
    exe = Path(sys.executable).with_name("migrator")
    done = subprocess.run([str(exe), "rewrite", "--rules", "sqlalchemy-2.0", ".", "--format-with", "prettier"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "rewrites Python" in done.stderr


def test_sql_drizzle_is_formatted_too(tmp_path):
    """The same option on --rules sql-drizzle (a pg pool.query → the query builder)."""
    sql = FIXTURES / "rewrite_ts" / "sql_drizzle"
    root = tmp_path / "app"
    root.mkdir()
    for path in (sql / "_schema").iterdir():
        shutil.copy(path, root / path.name)
    shutil.copy(sql / "pg_write_returning" / "before.ts", root / "case.ts")
    (root / "package.json").write_text('{"name": "x", "private": true, "dependencies": {"pg": "8"}}\n')
    (root / ".prettierrc").write_text('{ "semi": false }\n')
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    if not (NODE_MODULES / ".bin" / "prettier").exists():
        pytest.fail("tests/node is not installed (its pinned prettier): `npm ci` there")
    (root / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    exe = Path(sys.executable).with_name("migrator")
    done = subprocess.run([str(exe), "rewrite", "--rules", "sql-drizzle", ".", "--drizzle-schema", "drizzle:drizzle.ts",
                           "--drizzle-client", "./db:db", "--format-with", "prettier"], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "+  const rows = await db\n+    .insert(users)\n" in done.stdout
    assert "+  return rows[0]\n" in done.stdout  # the project's `semi: false`
    assert "prettier" not in done.stderr
