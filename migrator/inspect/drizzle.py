"""`drizzle:PATH`: Drizzle ORM schema modules read as the database drizzle-kit would create.

PATH is a schema file (often a barrel `index.ts`), a folder of schema modules (every
.ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs file under it, node_modules and declaration files
excepted), or a project folder whose drizzle.config.* names the schema. The files are
parsed with tree-sitter and evaluated statically (no Node.js): tables and enums are what
the files export, as drizzle-kit collects them; imports between the project's files,
barrels, tsconfig path aliases, shared column maps (`...timestamps`) and helper functions
are followed. The nearest drizzle.config.* (in the folder or a parent) gives `casing`
("snake_case" or "camelCase") for columns named by their key, and the dialect when no
table says it.

The Schema is what applying drizzle-kit's generated SQL creates, read back by the live
reader of the dialect (postgresql, sqlite; mysql is mapped but has no live reader):

- Types: pg-core and sqlite-core column builders as drizzle-kit writes them, canonicalised
  by migrator.types (char() is character(1), numeric(p) numeric(p,0); sqlite's integer
  modes are INTEGER, blob modes BLOB). `.array()` makes arrays; pgEnum columns are enum
  types of the enum's schema (an EnumType in that namespace).
- Keys: `.primaryKey()` is NOT NULL and, on PostgreSQL, "<table>_pkey"; on SQLite an
  INTEGER primary key is the rowid (Identity "rowid", or "autoincrement"). Composite keys
  "<table>_<cols>_pk", `.unique()` "<table>_<col>_unique" (a unique index on SQLite),
  references "<table>_<cols>_<reftable>_<refcols>_fk", unnamed PostgreSQL indexes
  "<table>_<cols>_index"; PostgreSQL truncates every name to 63 bytes.
- serial/smallserial/bigserial: integer NOT NULL, Default("sequence", "<ns>.<table>_<col>_seq")
  and the owned Sequence; identity builders: Identity with PostgreSQL's start/increment.
- Defaults as the database prints them back (classified by migrator.defaults): strings,
  numbers (rounded to a numeric's scale), booleans, JSON (jsonb normalised), arrays,
  `.defaultNow()` (current_timestamp), `.defaultRandom()` (gen_random_uuid()), sql``
  templates. `$defaultFn`/`$default`/`$onUpdate` are Default("client", ...); a database
  default wins over them.
- sql`` expressions (checks, index predicates and keys, generated columns) render column
  references bare on PostgreSQL and as drizzle-kit writes them on SQLite; the rest of the
  text is kept as written, whereas PostgreSQL deparses it (`'a' || x` reads back as
  `'a'::text || x`), so only simple expressions compare equal to a live database; pull's
  plain deparse `(col)::type` is written as the pretty one, `col::type`.
- Indexes as drizzle-kit pull writes them: `.using(method, ...)` keys with `.asc()`/`.desc()`,
  `.nullsFirst()`/`.nullsLast()` (only a placement that is not PostgreSQL's default for the
  direction is kept) and `.op(opclass)`; a default operator class (pg_opclass.opcdefault:
  uuid_ops, int4_ops, text_ops, timestamptz_ops, jsonb_ops for gin, ...) is no opclass, as
  the live reader reports it, even when pull wrote another key's default on a column (a
  note says so); sql`` keys, `.where(sql``)`, `.concurrently()`.

Not read: views, policies, NULLS NOT DISTINCT (notes say so). Whatever cannot be
evaluated statically is a note "file:line: message" on Schema.notes, never dropped
silently. What tree-sitter cannot parse is a note "file:line:col: syntax error ..." and
only that statement (or, inside a table, that column or constraint) is left out; the
rest of the file and the other files are read. `export type * from "./x"` (TypeScript 5,
which the grammar lacks) re-exports types only and is skipped. Only when syntax errors
leave no table or enum at all is the source BadInput "file:line:col: message" with the
offending line.

drizzle-kit's own record of the schema, meta/NNNN_snapshot.json, is read by the
`drizzle-snapshot:` source (migrator.inspect.drizzle_snapshot) with the same conventions;
tests/inspect/test_drizzle_snapshot_oracle.py holds the two readings equal on projects
whose snapshots drizzle-kit itself wrote.

`read_project(path)` returns a DrizzleProject(schema, relations, warnings): relations()
declarations (table, name, one/many, target, fields, references) are kept for codemods.
"""

from __future__ import annotations

from typing import Any

from migrator.inspect import InspectOptions, register
from migrator.schema import Schema

SCHEME = "drizzle:"

# Public helpers of the implementation, imported on first use: tree-sitter is not loaded
# while the registry discovers sources (start-up time counts).
_LAZY = ("DrizzleProject", "Relation", "read_project", "find_config")


class DrizzleSource:
    name = "drizzle"
    schemes = (SCHEME,)
    description = "Drizzle ORM schema modules: drizzle:schema.ts, a folder of them, or a project with drizzle.config.ts"

    def claims_path(self, path: str) -> bool:
        return False

    def load(self, spec: str, options: InspectOptions) -> Schema:
        from migrator.inspect._drizzle_reader import load

        return load(spec, options)

    def load_app_model(self, spec: str, options: InspectOptions) -> tuple[Schema, Any]:
        """The schema and the names the code uses: exports, properties, relations() (migrator.appmodel)."""
        from migrator.inspect._drizzle_reader import read_project

        project = read_project(spec, options)
        return project.schema, project.app_model


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from migrator.inspect import _drizzle_reader

        return getattr(_drizzle_reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SOURCE = register(DrizzleSource())

__all__ = ["SOURCE", "DrizzleSource", *_LAZY]
