"""bench/realworld/run.py's real-data rows ([entry.data]): a SQLite file copied into PostgreSQL by `migrator copy`,
its tables and rows counted there, its type upgrades counted per target, then `migrator verify data` on the pair;
and the database file extracted alone from a git repository at the pinned commit."""
from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("realworld_run", ROOT / "bench" / "realworld" / "run.py")
run = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("realworld_run", run)  # its dataclasses look their module up
_spec.loader.exec_module(run)  # type: ignore[union-attr]

APP_SQL = """
CREATE TABLE users (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, created_at DATETIME NOT NULL, active BOOLEAN NOT NULL);
INSERT INTO users VALUES ('7d444840-9dc0-11d1-b245-5ffdce74fad2', 'Ada', '2024-04-26 01:01:47', 1),
                         ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'Ďušan 🙂', '2024-05-01T10:00:00Z', 0);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), body TEXT, published_at DATETIME);
INSERT INTO posts VALUES (1, '7d444840-9dc0-11d1-b245-5ffdce74fad2', 'hello', 1714093307818), (2, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', NULL, NULL),
                         (3, '7d444840-9dc0-11d1-b245-5ffdce74fad2', '', 1714093307);
"""


def make_entry(base: Path, **data) -> dict:
    """An [entry.data] entry whose database file sits at base/app-data/db/app.db (extracted-file layout, no git)."""
    path = base / "app-data" / "db" / "app.db"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(APP_SQL)
    conn.close()
    expected = {"copy_exit": 0, "refused": 0, "verify_exit": 0, "table_rows": {"users": 2, "posts": 3},
                "upgrades": {"uuid": 2, "timestamp with time zone": 2, "boolean": 1}}
    expected.update(data)
    return {"name": "app-data", "repo": "someone/app", "commit": "0" * 40, "kind": "data: test", "scan": False,
            "database": "db/app.db", "data": expected}


@pytest.fixture
def dev_url(pg_cluster, monkeypatch) -> str:
    """The harness's scratch server is the test session's PostgreSQL (MIGRATOR_DEV_URL, as in a real run)."""
    monkeypatch.setenv("MIGRATOR_DEV_URL", pg_cluster.url)
    return pg_cluster.url


def figures(result) -> dict[str, tuple]:
    return {r.figure: (r.expected, r.measured, r.result) for r in result.rows}


def test_a_faithful_copy_matches_every_hand_counted_figure(tmp_path: Path, dev_url: str) -> None:
    entry = make_entry(tmp_path)
    result = run.evaluate(entry, tmp_path, run.GenerateEnv())
    got = figures(result)
    assert got["copy exit"] == (0, 0, "ok")
    assert got["copy tables"] == (2, 2, "ok")
    assert got["copy rows"] == (5, 5, "ok")
    assert got["copy tables with their rows"] == (2, 2, "ok")
    assert got["copy rows refused"] == (0, 0, "ok")
    assert got["copy upgrades -> uuid"] == (2, 2, "ok")  # users.id and posts.user_id
    assert got["copy upgrades -> timestamp with time zone"] == (2, 2, "ok")  # ISO text, epoch ms and seconds
    assert got["copy upgrades -> boolean"] == (1, 1, "ok")
    assert got["verify data exit"] == (0, 0, "ok")
    assert got["verify data tables equal"] == (2, 2, "ok")
    assert result.warnings == []  # no git checkout and no blob pinned: nothing to warn about
    assert (tmp_path / "app-data" / "db" / "app.db").stat().st_size > 0
    assert not list((tmp_path / "app-data" / "db").glob("app.db-*"))  # the checkout's file is never opened for writing


def test_wrong_expected_figures_are_misses_with_their_tables(tmp_path: Path, dev_url: str) -> None:
    entry = make_entry(tmp_path, table_rows={"users": 2, "posts": 4, "gone": 0}, upgrades={"uuid": 1})
    result = run.evaluate(entry, tmp_path, run.GenerateEnv())
    got = figures(result)
    assert got["copy rows"] == (6, 5, "MISS")
    assert got["copy tables with their rows"] == (3, 1, "MISS")
    assert result.details["copy tables with their rows"] == ["gone: expected 0, measured (not in TO)",
                                                              "posts: expected 4, measured 3"]
    assert got["copy upgrades -> uuid"] == (1, 2, "MISS")
    assert got["copy upgrades -> boolean"] == (0, 1, "MISS")  # measured, never expected
    assert got["verify data tables compared"] == (3, 2, "MISS")  # "gone" is in neither database
    assert got["verify data tables equal"] == (3, 2, "MISS")


def test_refused_rows_are_read_from_the_rejects_file(tmp_path: Path, dev_url: str) -> None:
    """A value the target type refuses (more decimals than DECIMAL(5,2) keeps) goes to the rejects file under
    --on-error report: the refused figure counts its lines, the rows are counted in PostgreSQL."""
    entry = make_entry(tmp_path, copy_exit=1, refused=1, verify_exit=1, verify_equal=2)
    db = tmp_path / "app-data" / "db" / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript("CREATE TABLE prices (id INTEGER PRIMARY KEY, amount DECIMAL(5,2) NOT NULL);"
                           "INSERT INTO prices VALUES (1, 1.5), (2, 1.234), (3, 2);")
    conn.close()
    entry["data"]["table_rows"]["prices"] = 2  # what PostgreSQL can hold: row 2 is refused
    result = run.evaluate(entry, tmp_path, run.GenerateEnv())
    got = figures(result)
    assert got["copy exit"] == (1, 1, "ok")
    assert got["copy rows refused"] == (1, 1, "ok")
    assert got["copy tables with their rows"] == (3, 3, "ok")
    assert got["verify data exit"] == (1, 1, "ok")  # row 2 of prices is only in A
    assert got["verify data tables equal"] == (2, 2, "ok")
    assert [d.split(":")[0] for d in result.details["verify data tables equal"]] == ["prices"]  # verify's own status word after


def test_a_file_that_is_not_the_pinned_blob_is_a_warning(tmp_path: Path, dev_url: str) -> None:
    entry = make_entry(tmp_path)
    entry["blob"] = "f" * 40
    result = run.evaluate(entry, tmp_path, run.GenerateEnv())
    assert result.warnings == ["db/app.db is not blob " + "f" * 40 + " of the pinned commit"]


def test_checkout_from_mirrors_extracts_only_the_database_file(tmp_path: Path) -> None:
    repo = tmp_path / "mirrors" / "someone+app"
    (repo / "db").mkdir(parents=True)
    with sqlite3.connect(repo / "db" / "app.db") as conn:
        conn.executescript(APP_SQL)
    conn.close()
    (repo / "README.md").write_text("app\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "app"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    blob = subprocess.run(git + ["rev-parse", f"{commit}:db/app.db"], capture_output=True, text=True, check=True).stdout.strip()
    entry = {"name": "app-data", "repo": "someone/app", "commit": commit, "kind": "data", "database": "db/app.db",
             "blob": blob, "data": {}}
    base = tmp_path / "realworld"
    assert run.checkout_from_mirrors(tmp_path / "mirrors", base, [entry]) == 0
    assert sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()) == ["app-data/db/app.db"]
    assert run.git_blob(base / "app-data" / "db" / "app.db") == blob
    entry["database"] = "db/missing.db"
    assert run.checkout_from_mirrors(tmp_path / "mirrors", base, [entry]) == 1
