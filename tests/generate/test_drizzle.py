"""`migrator generate drizzle`: real round trips, source -> Drizzle code -> drizzle: reader -> compare().

No mocks: every test writes the generated files to a folder, reads them back with migrator's
own Drizzle reader and compares the result with the source the way `migrator diff` does.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator import inspect as sources
from migrator.cli import app
from migrator.generate import mapping
from migrator.generate.drizzle import generate_drizzle, js_string, sql_template
from migrator.generate.mapping import client_default, column_builder, mapping_as_json
from migrator.schema import SqlType
from migrator.verify.diff import CompareOptions, compare

from ..conftest import EXAMPLES, FIXTURES, run_sql

TUTORME_PRISMA = EXAMPLES / "tutorme" / "prisma" / "schema.prisma"
TUTORME_DRIZZLE = EXAMPLES / "tutorme" / "src" / "lib" / "db" / "schema"
GENERATE = FIXTURES / "generate"
runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(files: dict[str, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def compare_options() -> CompareOptions:
    """Client-side defaults compared too, where compare() can (CompareOptions.client_defaults)."""
    if "client_defaults" in {f.name for f in dataclasses.fields(CompareOptions)}:
        return CompareOptions(client_defaults=True)
    return CompareOptions()


def round_trip(source, folder: Path, layout: str = "single", dialect: str | None = None):
    """(the changes compare() finds between the source and its generated code read back, the reading)."""
    write(generate_drizzle(source, dialect, layout), folder)
    back = sources.load(f"drizzle:{folder}")
    return [(c.kind, c.path) for c in compare(source, back, compare_options()).changes], back


def client_defaults(schema) -> dict[str, str | None]:
    """Which columns have a client-side default (compare() leaves them out: they never reach a database)."""
    return {f"{ns}.{t.name}.{c.name}": (c.default.kind if c.default else None)
            for ns, t in schema.tables() for c in t.columns}


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["single", "per-table"])
def test_tutorme_prisma_schema_round_trips_with_no_changes(tmp_path: Path, layout: str) -> None:
    prisma = sources.load(f"prisma:{TUTORME_PRISMA}")
    changes, back = round_trip(prisma, tmp_path / "out", layout)
    assert changes == []
    assert back.notes == ()
    # client-side defaults (cuid(), uuid(), @updatedAt) come back as $defaultFn/$onUpdate, kind for kind
    assert client_defaults(back) == client_defaults(prisma)
    code = "\n".join((tmp_path / "out" / n).read_text() for n in sorted(p.name for p in (tmp_path / "out").iterdir()))
    assert '.$defaultFn(() => cuid())' in code and 'import cuid from "cuid";' in code  # Prisma's cuid() is CUID v1
    assert '.$defaultFn(() => crypto.randomUUID())' in code
    assert '.$onUpdate(() => new Date())' in code
    assert 'timestamp("startsAt", { withTimezone: true, precision: 3 })' in code
    assert 'pgTable(\n  "User",' in code or 'pgTable("User"' in code


def test_every_column_default_reads_back_exactly_not_only_by_comparison_key(tmp_path: Path) -> None:
    prisma = sources.load(f"prisma:{TUTORME_PRISMA}")
    _, back = round_trip(prisma, tmp_path / "out")
    for ns, t in prisma.tables():
        for col in t.columns:
            other = back.table(f"{ns}.{t.name}").column(col.name)
            assert (col.type, col.nullable, col.identity) == (other.type, other.nullable, other.identity), col.name
            if col.default is not None and col.default.kind != "client":
                assert other.default == col.default, (t.name, col.name)


@pytest.mark.parametrize("spec", [
    "drizzle_kit/pg_generate/schema.ts",
    "drizzle_kit/pg_pull/schema.ts",
    "drizzle_kit/sqlite_barrel/src",
    "drizzle/pg_shop",
])
def test_drizzle_fixtures_round_trip_through_their_own_generated_code(tmp_path: Path, spec: str) -> None:
    source = sources.load(f"drizzle:{FIXTURES / spec}")
    changes, back = round_trip(source, tmp_path / "out")
    assert changes == []
    assert client_defaults(back) == client_defaults(source)


def test_the_tutorme_drizzle_port_round_trips_per_table(tmp_path: Path) -> None:
    source = sources.load(f"drizzle:{TUTORME_DRIZZLE}")
    changes, back = round_trip(source, tmp_path / "out", "per-table")
    assert changes == []
    assert client_defaults(back) == client_defaults(source)


def test_a_live_postgresql_database_round_trips(pg_url: str, tmp_path: Path) -> None:
    run_sql(pg_url, (GENERATE / "pg_features.sql").read_text())
    live = sources.load(pg_url)
    for layout in ("single", "per-table"):
        changes, back = round_trip(live, tmp_path / layout, layout)
        assert changes == [], layout
        assert back.notes == ()
    code = (tmp_path / "single" / "schema.ts").read_text()
    for expected in (
        'export const billingSchema = pgSchema("billing");',
        'billingSchema.enum("currency", ["EUR", "USD"])',
        'billingSchema.table(',
        'id: serial("id").primaryKey(),',
        '.generatedAlwaysAsIdentity({ startWith: 100, increment: 2 })',
        'primaryKey({ name: "line_items_pk", columns: [t.invoice_id, t.post_id] })',
        'foreignColumns: [tagsOnPosts.post_id, tagsOnPosts.tag]',
        'index("accounts_prefs_idx").using("gin", t.prefs.op("jsonb_path_ops"))',
        '.where(sql`visits > 0`)',
        'statuses: status("statuses").array()',
        'pgSequence("invoice_numbers", { startWith: 1000, increment: 10 })',
        'foreignColumns: [t.id] })',  # a self reference goes to foreignKey()
    ):
        assert expected in code, expected
    per_table = sorted(p.name for p in (tmp_path / "per-table").iterdir())
    assert per_table == ["_types.ts", "accounts.ts", "billing_invoices.ts", "enums.ts", "index.ts", "line_items.ts", "posts.ts",
                         "schemas.ts", "sequences.ts", "tags_on_posts.ts"]
    barrel = (tmp_path / "per-table" / "index.ts").read_text()
    assert 'export * from "./schemas";\nexport * from "./enums";\nexport * from "./sequences";\n' in barrel


def test_what_drizzle_cannot_declare_is_a_comment_and_the_changes_left_are_known(pg_url: str, tmp_path: Path) -> None:
    run_sql(pg_url, (GENERATE / "pg_limits.sql").read_text())
    live = sources.load(pg_url)
    changes, back = round_trip(live, tmp_path / "out")
    # INCLUDE columns: drizzle has no way to say them (a sql`` key's order and operator class it has:
    # written after the expression, read back)
    assert sorted(changes) == [("add_index", "public.t.t_note_idx"), ("drop_index", "public.t.t_note_idx")]
    code = (tmp_path / "out" / "schema.ts").read_text()
    for expected in (
        "// migrator: view public.recent is not written",
        "// migrator: database objects in public (domain) are not declared here",
        'customType<{ data: unknown }>({ dataType() { return "\\"PositiveInt\\""; } })',
        'userId: integer("user id").primaryKey(),',
        'firstName: text("first-name"),',
        '// migrator: COLLATE "C" is not written',
        "// orders, with awkward names",
        "// migrator: foreign key t_o_fkey is DEFERRABLE INITIALLY DEFERRED",
        "// migrator: check t_ck is NOT VALID",
        "// migrator: INCLUDE (id) of index t_note_idx is not written",
        "sql`lower(note) DESC NULLS LAST`",
        'note: text("note").default("a `b` ${c}")',
        "check(\"t_ck\", sql`note <> '\\\\x'::text`)",
        'export const text2 = pgTable("Text", {',  # `text` is the builder's name
        'export const t2 = pgTable(',  # `t` is the extras callback's parameter
    ):
        assert expected in code, expected


SQLITE = r"""
CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, name TEXT,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP, active BOOLEAN NOT NULL DEFAULT 1, score REAL DEFAULT 0.5,
  note TEXT DEFAULT 'it''s C:\dir', uid UUID, big BIGINT, data BLOB, n NUMERIC(10,2) DEFAULT 1.5);
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE, parent_id INTEGER REFERENCES orders(id),
  total NUMERIC(10,2) NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'new',
  CHECK (total >= 0), CONSTRAINT status_ok CHECK (status IN ('new', 'paid') AND status NOT GLOB '*\*' AND status != '`${x}'));
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_recent ON orders (customer_id, id) WHERE total > 0;
CREATE UNIQUE INDEX orders_lower_status ON orders (lower(status), customer_id);
CREATE TABLE tags (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE order_tags (order_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (order_id, tag),
  FOREIGN KEY (order_id, tag) REFERENCES order_tags_src(a, b));
CREATE TABLE order_tags_src (a INTEGER NOT NULL, b TEXT NOT NULL, back_id INTEGER REFERENCES order_tags(order_id), PRIMARY KEY (a, b));
CREATE TABLE gen (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED, c TEXT DEFAULT (lower('X')));
"""


@pytest.fixture()
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.executescript(SQLITE)
    conn.close()
    return path


@pytest.mark.parametrize("layout", ["single", "per-table"])
def test_a_sqlite_database_round_trips_with_no_changes(sqlite_db: Path, tmp_path: Path, layout: str) -> None:
    live = sources.load(f"sqlite:///{sqlite_db}")
    changes, back = round_trip(live, tmp_path / "out", layout)
    assert changes == []
    assert back.notes == ()
    for ns, t in live.tables():
        for col in t.columns:
            other = back.table(f"{ns}.{t.name}").column(col.name)
            assert (col.type, col.nullable, col.default, col.identity) == (other.type, other.nullable, other.default, other.identity)
    code = "\n".join((tmp_path / "out" / n).read_text() for n in sorted(p.name for p in (tmp_path / "out").iterdir()))
    assert 'customType<{ data: string }>({ dataType() { return "varchar(200)"; } })' in code
    assert 'integer("id").primaryKey({ autoIncrement: true })' in code
    assert 'primaryKey({ columns: [t.k] })' in code  # SQLite keeps a TEXT PRIMARY KEY column nullable


def test_sqlalchemy_models_round_trip_for_both_dialects(tmp_path: Path) -> None:
    models = sources.load("sqlalchemy:learnhub.models:Base", sources.InspectOptions(project_path=str(EXAMPLES / "learnhub")))
    for dialect in ("postgresql", "sqlite"):
        changes, _ = round_trip(models, tmp_path / dialect, dialect=dialect)
        assert changes == [], dialect
    # serial keys become SQLite's INTEGER PRIMARY KEY AUTOINCREMENT
    assert 'integer("id").primaryKey({ autoIncrement: true })' in (tmp_path / "sqlite" / "schema.ts").read_text()


def test_a_sqlite_database_generated_for_postgresql_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(200) NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT);
        CREATE INDEX posts_author_idx ON posts (author_id);
    """)
    conn.close()
    live = sources.load(f"sqlite:///{path}")
    changes, back = round_trip(live, tmp_path / "out", dialect="postgresql")
    assert changes == []
    assert back.dialect == "postgresql"
    assert '.generatedByDefaultAsIdentity()' in (tmp_path / "out" / "schema.ts").read_text()


def test_what_does_not_round_trip_on_sqlite_yet(tmp_path: Path) -> None:
    """drizzle-kit makes every SQLite unique() a CREATE UNIQUE INDEX (a change of severity info).
    sqlite-core index keys have no .desc(), so a DESC key is sql`${t.id} desc`, which migrator's
    Drizzle reader reads back as the descending column it is."""
    path = tmp_path / "u.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, CONSTRAINT uq_email UNIQUE (email));"
                       "CREATE INDEX users_recent ON users (id DESC);")
    conn.close()
    live = sources.load(f"sqlite:///{path}")
    changes, _ = round_trip(live, tmp_path / "out")
    assert sorted(changes) == [("alter_unique_kind", "main.users.uq_email")]
    assert 'index("users_recent").on(sql`${t.id} desc`)' in (tmp_path / "out" / "schema.ts").read_text()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    prisma = sources.load(f"prisma:{TUTORME_PRISMA}")
    for layout in ("single", "per-table"):
        first = generate_drizzle(prisma, "postgresql", layout)
        again = generate_drizzle(sources.load(f"prisma:{TUTORME_PRISMA}"), "postgresql", layout)
        assert first == again
        assert all(text.endswith("\n") and "\t" not in text for text in first.values())
    assert list(generate_drizzle(prisma, "postgresql", "single")) == ["schema.ts"]
    assert "index.ts" in generate_drizzle(prisma, "postgresql", "per-table")


def test_bad_dialect_and_layout_are_bad_input() -> None:
    from migrator.errors import BadInput

    prisma = sources.load(f"prisma:{TUTORME_PRISMA}")
    with pytest.raises(BadInput):
        generate_drizzle(prisma, "mysql")
    with pytest.raises(BadInput):
        generate_drizzle(prisma, "postgresql", "nested")


# --- the mapping table ---------------------------------------------------------------------


def test_the_mapping_is_json_data() -> None:
    data = mapping_as_json()
    assert json.loads(json.dumps(data)) == data
    assert data["dialects"]["postgresql"]["module"] == "drizzle-orm/pg-core"
    assert data["dialects"]["sqlite"]["module"] == "drizzle-orm/sqlite-core"
    assert set(data["dialects"]["postgresql"]["defaults"]) == {"literal", "expression", "sequence", "current_timestamp", "client"}


def test_mapping_lookups() -> None:
    assert column_builder(SqlType("timestamp", precision=3, timezone=True), "postgresql") == (
        "timestamp", {"withTimezone": True, "precision": 3})
    assert column_builder(SqlType("numeric", precision=10, scale=2), "postgresql") == ("numeric", {"precision": 10, "scale": 2})
    assert column_builder(SqlType("integer"), "postgresql", serial=True) == ("serial", {})
    assert column_builder(SqlType("numeric", precision=10, scale=2), "sqlite") is None  # a customType
    assert column_builder(SqlType("citext"), "postgresql") is None
    assert client_default("cuid()") == (".$defaultFn(() => cuid())", [("default:cuid", "cuid")])
    assert client_default("cuid(2)") == (".$defaultFn(() => createId())", [("createId", "@paralleldrive/cuid2")])
    assert client_default("uuid(7)") == (".$defaultFn(() => uuidv7())", [("v7 as uuidv7", "uuid")])
    assert client_default("@updatedAt") == (".$onUpdate(() => new Date())", [])
    assert client_default("$defaultFn(() => createId())")[0] == ".$defaultFn(() => createId())"
    assert client_default("nanoid(16)")[0] == ".$defaultFn(() => nanoid(16))"
    assert client_default("something.else") is None
    assert mapping.referential_action("SET NULL") == "set null" and mapping.referential_action("NO ACTION") is None


def test_text_helpers() -> None:
    assert js_string('a"b\\c') == '"a\\"b\\\\c"'
    assert sql_template("a `b` ${c} \\d") == "sql`a \\`b\\` \\${c} \\\\d`"


# --- the command ---------------------------------------------------------------------------


def test_cli_writes_verifies_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    spec = f"prisma:{TUTORME_PRISMA}"
    result = invoke("generate", "drizzle", spec, "--out", str(out), "--verify")
    assert result.exit_code == 0, result.output
    assert "0 changes" in result.output
    assert (out / "schema.ts").is_file()
    # up to date: --check exits 0 and writes nothing
    before = (out / "schema.ts").stat().st_mtime_ns
    assert invoke("generate", "drizzle", spec, "--out", str(out), "--check").exit_code == 0
    assert (out / "schema.ts").stat().st_mtime_ns == before
    # edited by hand: stale
    (out / "schema.ts").write_text((out / "schema.ts").read_text() + "// edited\n")
    result = invoke("generate", "drizzle", spec, "--out", str(out), "--check")
    assert result.exit_code == 1
    assert "schema.ts" in result.output
    assert (out / "schema.ts").read_text().endswith("// edited\n")  # --check writes nothing
    # another layout: every per-table file is missing, and schema.ts (generated) would be removed
    result = invoke("generate", "drizzle", spec, "--out", str(out), "--check", "--layout", "per-table")
    assert result.exit_code == 1
    assert invoke("generate", "drizzle", spec, "--out", str(out), "--layout", "per-table", "--verify").exit_code == 0
    assert not (out / "schema.ts").exists()
    assert (out / "index.ts").is_file()
    assert invoke("generate", "drizzle", spec, "--out", str(out), "--layout", "per-table", "--check").exit_code == 0
    # a folder that does not exist yet is stale, and --check does not create it
    assert invoke("generate", "drizzle", spec, "--out", str(tmp_path / "new"), "--check").exit_code == 1
    assert not (tmp_path / "new").exists()


def test_cli_verify_reports_info_changes_and_exits_0_as_diff_does(tmp_path: Path) -> None:
    # A SQLite UNIQUE constraint reads back as the unique index drizzle-kit makes of unique():
    # the same rows are refused, so `migrator diff` calls it info and exits 0; --verify agrees.
    path = tmp_path / "u.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);")
    conn.close()
    result = invoke("generate", "drizzle", f"sqlite:///{path}", "--out", str(tmp_path / "out"), "--verify")
    assert result.exit_code == 0
    assert "alter_unique_kind" in result.output and "(0 changes, 1 info)" in result.output


def test_cli_json_prints_the_mapping_table(tmp_path: Path) -> None:
    result = invoke("generate", "drizzle", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == mapping_as_json()
    result = invoke("generate", "drizzle", f"prisma:{TUTORME_PRISMA}", "--out", str(tmp_path / "o"), "--format", "json", "--verify")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["files"] == {"schema.ts": "new"}
    assert report["verify"]["changes"] == 0
    assert report["mapping"] == mapping_as_json()


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (
        ["generate", "drizzle", f"prisma:{TUTORME_PRISMA}"],  # no --out
        ["generate", "drizzle", "nope:x", "--out", str(tmp_path)],
        ["generate", "drizzle", f"prisma:{tmp_path / 'missing.prisma'}", "--out", str(tmp_path)],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, args
        text = result.stderr.strip()
        assert len(text.splitlines()) == 1 and text.startswith("error: "), text
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = invoke("generate", "drizzle", f"prisma:{TUTORME_PRISMA}", "--out", str(a_file))
    assert result.exit_code == 2


# --- the TypeScript compiles ---------------------------------------------------------------


def test_the_generated_typescript_type_checks(tmp_path: Path, pg_url: str, sqlite_db: Path) -> None:
    """tsc --strict on the generated modules, against the pinned drizzle-orm (tests/node): tables that
    reference each other in a cycle need their callbacks typed, SQLite index keys have no .desc()."""
    import shutil
    import subprocess

    from ..drizzle_kit import NODE_MODULES, require_drizzle_kit

    require_drizzle_kit()
    tsc = NODE_MODULES / ".bin" / "tsc"
    run_sql(pg_url, (GENERATE / "pg_features.sql").read_text() + """
        CREATE TABLE ring_a (id int PRIMARY KEY, b_id int, c_id int);
        CREATE TABLE ring_b (id int PRIMARY KEY, a_id int REFERENCES ring_a (id));
        CREATE TABLE ring_c (id int PRIMARY KEY, a_id int CONSTRAINT ring_c_named REFERENCES ring_a (id));
        ALTER TABLE ring_a ADD CONSTRAINT ring_a_b_id_ring_b_id_fk FOREIGN KEY (b_id) REFERENCES ring_b (id);
        ALTER TABLE ring_a ADD CONSTRAINT ring_a_named FOREIGN KEY (c_id) REFERENCES ring_c (id);
    """)
    cycle = tmp_path / "cycle.db"
    conn = sqlite3.connect(cycle)
    conn.executescript("CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b(id));"
                       "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id), at INTEGER);"
                       "CREATE INDEX b_at ON b (at DESC);")
    conn.close()
    cases = [
        (sources.load(f"prisma:{TUTORME_PRISMA}"), None),
        (sources.load(pg_url), None),
        (sources.load(f"sqlite:///{sqlite_db}"), None),
        (sources.load(f"sqlite:///{cycle}"), None),
        (sources.load("sqlalchemy:learnhub.models:Base", sources.InspectOptions(project_path=str(EXAMPLES / "learnhub"))), "sqlite"),
    ]
    root = tmp_path / "ts"
    for i, (schema, dialect) in enumerate(cases):
        for layout in ("single", "per-table"):
            write(generate_drizzle(schema, dialect, layout), root / f"case{i}_{layout}")
    # Buffer (bytea's data type) comes from @types/node in a project; the pinned tools have no @types.
    (root / "node-shim.d.ts").write_text("declare class Buffer extends Uint8Array {}\n")
    (root / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"strict": True, "noEmit": True, "target": "ES2022", "module": "ESNext",
                            "moduleResolution": "Bundler", "esModuleInterop": True, "skipLibCheck": True,
                            "lib": ["ES2022", "DOM"], "types": [], "baseUrl": ".",
                            "paths": {"*": [str(NODE_MODULES / "*")]}},
        "include": ["**/*.ts"],
    }))
    done = subprocess.run([str(tsc), "-p", str(root / "tsconfig.json")], capture_output=True, text=True, timeout=300,
                          cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert shutil.which("node")
