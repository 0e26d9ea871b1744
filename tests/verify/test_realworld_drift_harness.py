"""bench/realworld/run.py's drift rows: folder assembly from globs, drizzle-kit pull's
commented SQL uncommented, and the change count read from `migrator diff --format json`."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("realworld_run", ROOT / "bench" / "realworld" / "run.py")
run = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("realworld_run", run)  # its dataclasses look their module up
_spec.loader.exec_module(run)  # type: ignore[union-attr]

PULLED = """-- Current sql file was generated after introspecting the database
-- If you want to run this migration please uncomment this code before executing migrations
/*
CREATE TABLE "pets" (
\t"id" serial PRIMARY KEY NOT NULL
);
*/"""


def test_build_folder_orders_and_uncomments(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "drizzle").mkdir(parents=True)
    (app / "drizzle" / "0000_pull.sql").write_text(PULLED)
    (app / "drizzle" / "0001_b.sql").write_text('ALTER TABLE "pets" ADD COLUMN "b" int;')
    other = tmp_path / "other" / "migrations"
    other.mkdir(parents=True)
    (other / "000001_x.up.sql").write_text('ALTER TABLE pets ADD COLUMN x int;')
    (other / "000001_x.down.sql").write_text('ALTER TABLE pets DROP COLUMN x;')
    dest = tmp_path / "out"
    dest.mkdir()
    n, err = run.build_folder(["drizzle/0000_*.sql", "drizzle/000[1-9]_*.sql", "../other/migrations/*.up.sql"], app, dest)
    assert (n, err) == (3, "")
    names = sorted(p.name for p in dest.iterdir())
    assert names == ["0001_0000_pull.sql", "0002_0001_b.sql", "0003_000001_x.up.sql"]
    first = (dest / names[0]).read_text()
    assert "/*" not in first and "*/" not in first and 'CREATE TABLE "pets"' in first


def test_build_folder_reports_an_empty_glob(tmp_path: Path) -> None:
    n, err = run.build_folder(["nothing/*.sql"], tmp_path, tmp_path)
    assert n == 0 and "nothing/*.sql" in err


def test_uncomment_leaves_ordinary_sql_alone() -> None:
    text = "/*\nnot a pull\n*/\nSELECT 1;"
    assert run._uncomment_pull(text) == text


def test_count_changes_reads_the_check_report() -> None:
    report = {"checks": [{"name": "diff", "diff": {"changes": [{}, {}, {}]}}]}
    assert run.count_changes(report) == 3
    assert run.count_changes({"checks": [{"name": "diff", "diff": {"changes": []}}]}) == 0
