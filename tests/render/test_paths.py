"""migrator.render.paths: every path in CI output relative to the repository root, behind --path-prefix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from migrator.render.paths import RepoPaths, repository_relative, repository_root


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path.resolve()


def test_the_root_is_the_git_top_folder_else_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "services" / "api").mkdir(parents=True)
    monkeypatch.chdir(repo / "services" / "api")
    assert repository_root() == repo
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    assert repository_root() == plain.resolve()
    assert repository_root(repo / "services") == repo


@pytest.mark.parametrize(
    ("path", "root", "prefix", "base", "expected"),
    [
        ("/repo/prisma/schema.prisma", "/repo", "", None, "prisma/schema.prisma"),
        ("/repo/prisma/schema.prisma", "/repo/", "", None, "prisma/schema.prisma"),
        ("/repo/prisma/schema.prisma", "/repo", "web/", None, "web/prisma/schema.prisma"),
        ("/elsewhere/m.py", "/repo", "web", None, "/elsewhere/m.py"),  # outside: stays absolute, no prefix
        ("prisma/schema.prisma", "/repo", "", None, "prisma/schema.prisma"),  # relative to the root already
        ("./schema.prisma", "/repo", "", "/repo/prisma", "prisma/schema.prisma"),  # relative to where migrator ran
        ("../src/db.ts", "/repo", "", "/repo/prisma", "src/db.ts"),
        ("app/route.ts", "/repo", "x", "/repo/services/web", "x/services/web/app/route.ts"),
        ("C:\\work\\app\\m.py", "C:\\work", "", None, "app/m.py"),
        ("/repo/m.py", None, "", None, "/repo/m.py"),
    ],
)
def test_repository_relative(path: str, root: str | None, prefix: str, base: str | None, expected: str) -> None:
    assert repository_relative(path, root, prefix, base=base) == expected


def test_free_text_loses_the_root() -> None:
    paths = RepoPaths("/home/runner/work/app/app", "web")
    assert paths.text("prisma:/home/runner/work/app/app/prisma/schema.prisma") == "prisma:web/prisma/schema.prisma"
    assert RepoPaths("/r").text("sql:/r/migrations: 3 files; /other/x kept") == "sql:migrations: 3 files; /other/x kept"
    assert RepoPaths().text("/r/x") == "/r/x"


def test_a_symlinked_root_still_matches(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "src").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    assert repository_relative(str(link / "src" / "a.py"), real) == "src/a.py"
