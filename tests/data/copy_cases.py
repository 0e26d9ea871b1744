"""The `migrator copy` fixture cases (tests/fixtures/data_copy/<case>): build, copy, describe.

Shared by tests/data/test_copy_cases.py and tests/data/regen_copy_golden.py, so the golden
files are written by exactly what the test compares.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql
from typer.testing import CliRunner

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "data_copy"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "source.sql").is_file())


def build_sqlite(case: str, path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((CASES / case / "source.sql").read_text())
    conn.commit()
    conn.close()
    return path


def args_of(case: str, tmp: Path) -> list[str]:
    text = (CASES / case / "args.txt").read_text()
    return [line.replace("{case}", str(CASES / case)).replace("{tmp}", str(tmp)) for line in text.splitlines() if line]


def run_case(case: str, tmp: Path, pg_url: str) -> str:
    """Copy the case's SQLite database into `pg_url` through the CLI; the golden text of the result."""
    from migrator.cli import app

    db = build_sqlite(case, tmp / "source.db")
    extra = args_of(case, tmp)
    runner = CliRunner()
    planned = runner.invoke(app, ["copy", f"sqlite:///{db}", pg_url, "--dry-run", "--format", "json", *extra])
    assert planned.exit_code == 0, planned.output
    the_plan = json.loads(planned.stdout)
    result = runner.invoke(app, ["copy", f"sqlite:///{db}", pg_url, *extra])
    lines = [f"exit {result.exit_code}"]
    if result.exit_code not in (0, 1):
        lines.append(result.output.strip())
    lines.append("decisions:")
    lines += [f"  {d['table']}.{d['column']}: {d['declared']} -> {d['target']} ({d['reason']}; {d['evidence']})"
              for d in the_plan["decisions"]]
    lines.append("warnings:")
    lines += [f"  {w}" for w in the_plan["warnings"]]
    lines.append(describe(pg_url))
    rejects = tmp / "rejects.jsonl"
    if rejects.exists():
        lines.append("rejects:")
        lines += ["  " + json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False) for line in rejects.read_text().splitlines()]
    return ("\n".join(lines) + "\n").replace(str(CASES / case), "{case}")


def describe(pg_url: str, namespace: str = "public") -> str:
    """Every table of `namespace`: columns with their types, constraints, rows as PostgreSQL prints them."""
    out = []
    with psycopg.connect(pg_url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET extra_float_digits = 1")
        tables = [r[0] for r in conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND relkind = 'r' ORDER BY relname", (namespace,))]
        for table in tables:
            out.append(f"table {table}")
            for name, typ, notnull, default, identity in conn.execute(
                    "SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid), attidentity "
                    "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    (f'"{namespace}"."{table}"',)):
                extra = (" not null" if notnull else "") + (f" default {default}" if default else "") + (
                    " identity" if identity else "")
                out.append(f"  {name} {typ}{extra}")
            for (definition,) in conn.execute(
                    "SELECT pg_get_constraintdef(oid) || ' ' || conname FROM pg_constraint WHERE conrelid = %s::regclass "
                    "ORDER BY conname", (f'"{namespace}"."{table}"',)):
                out.append(f"  constraint {definition}")
            for (definition,) in conn.execute(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s ORDER BY indexname",
                    (namespace, table)):
                out.append(f"  index {definition}")
            for row in conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(sql.Identifier(namespace, table))):
                text = row[0].replace("\r", "<CR>")  # a golden file's lines end in \n only
                out.append("  row " + (text if len(text) < 300 else f"{text[:120]}…({len(text)} chars)…{text[-60:]}"))
            for (seq,) in conn.execute("SELECT pg_get_serial_sequence(%s, attname) FROM pg_attribute "
                                       "WHERE attrelid = %s::regclass AND attidentity <> ''",
                                       (f'"{namespace}"."{table}"', f'"{namespace}"."{table}"')):
                out.append(f"  next identity {conn.execute(sql.SQL('SELECT nextval(%s::regclass)'), (seq,)).fetchone()[0]}")
    return "\n".join(out)
