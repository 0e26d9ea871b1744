"""`drizzle-snapshot:PATH`: the schema drizzle-kit recorded in its own meta/NNNN_snapshot.json.

drizzle-kit `generate` (and `pull`) writes, next to each migration, a JSON snapshot of the
schema it believes the database has after it: `{"version": "7", "dialect": "postgresql",
"tables": {"public.users": {"columns": {...}, "indexes": {...}, "foreignKeys": {...},
"compositePrimaryKeys": {...}, "uniqueConstraints": {...}, "checkConstraints": {...}}},
"enums": {...}, "schemas": {...}, "sequences": {...}}` (version "6" for sqlite). That is
drizzle-kit's own reading of the TypeScript, so it is the oracle for the `drizzle:` source:
both must give the same Schema (tests/inspect/test_drizzle_snapshot_oracle.py).

PATH is a snapshot file, a meta folder, or a migrations folder holding meta/ — the newest
NNNN_snapshot.json is read. The result is what the live reader of the dialect reads back
after drizzle-kit's SQL ran, with the same conventions as migrator.inspect._drizzle_reader:
names truncated to PostgreSQL's 63 bytes, serial columns as an owned sequence, default
operator classes dropped, column references in checks, index keys and predicates and
generated columns written bare on PostgreSQL, unique constraints as unique indexes on
SQLite. What the model cannot hold (NULLS NOT DISTINCT, views, policies) is a note.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from migrator import schema as model
from migrator.errors import BadInput
from migrator.files import read_text
from migrator.inspect import InspectOptions, keep_namespace, keep_table, register, strip_scheme

SCHEME = "drizzle-snapshot:"
_SNAPSHOT = re.compile(r"^(\d+)_snapshot\.json$")
# Versions whose layout this reader knows (drizzle-kit 0.2x-0.31): postgresql 5-7, sqlite 5-6, mysql 5.
_VERSIONS = {"postgresql": {"5", "6", "7"}, "sqlite": {"5", "6"}, "mysql": {"5"}}


class DrizzleSnapshotSource:
    name = "drizzle-snapshot"
    schemes = (SCHEME,)
    description = "drizzle-kit's meta/NNNN_snapshot.json (a file, a meta folder, or the migrations folder holding meta/)"

    def claims_path(self, path: str) -> bool:
        return False

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        path = snapshot_file(Path(strip_scheme(spec, self)))
        label = SCHEME + str(path)
        text = read_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
        if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
            raise BadInput(f"{path}:1:1: not a drizzle-kit snapshot (no \"tables\" object)")
        dialect = {"postgresql": "postgresql", "pg": "postgresql", "sqlite": "sqlite", "turso": "sqlite", "mysql": "mysql"}.get(
            str(data.get("dialect")))
        if dialect is None:
            raise BadInput(f"{path}:1:1: unknown snapshot dialect {data.get('dialect')!r} (known: postgresql, sqlite, mysql)")
        version = str(data.get("version"))
        notes: list[str] = []
        if version not in _VERSIONS[dialect]:
            notes.append(f"{path}: snapshot version {version} of {dialect} is newer or older than this reader knows "
                         f"({', '.join(sorted(_VERSIONS[dialect]))}); read as the nearest")
        return _SnapshotReader(data, dialect, label, str(path), options, notes).read()


def snapshot_file(path: Path) -> Path:
    """The snapshot a path names: itself, or the newest NNNN_snapshot.json in it or its meta/ folder."""
    if path.is_file():
        return path
    if not path.exists():
        raise BadInput(f"{path}: no such file or folder")
    for folder in (path, path / "meta"):
        found = sorted(
            (int(m.group(1)), p) for p in folder.glob("*_snapshot.json") if (m := _SNAPSHOT.match(p.name))
        ) if folder.is_dir() else []
        if found:
            return found[-1][1]
    raise BadInput(f"{path}: no NNNN_snapshot.json here or in {path / 'meta'}")


# ---------------------------------------------------------------------------
# The reader


_QUALIFIED = re.compile(r'(?:"[^"]+"\.){1,2}"([^"]+)"|"([^"]+)"')
_QUOTED = re.compile(r"('(?:[^']|'')*')")
_SERIALS = {"serial": "integer", "smallserial": "smallint", "bigserial": "bigint"}
_NUMBER_TEXT = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")
_BOOLEANS = {"true": "true", "t": "true", "false": "false", "f": "false"}


class _SnapshotReader:
    def __init__(self, data: dict, dialect: str, label: str, file: str, options: InspectOptions, notes: list[str]) -> None:
        # The drizzle: source's naming and value rules, loaded on first use (they import tree-sitter).
        from migrator.inspect import _drizzle_reader as rules

        self.rules = rules
        self.data = data
        self.dialect = dialect
        self.pg = dialect == "postgresql"
        self.label = label
        self.file = file
        self.options = options
        self.notes = notes
        self.default_ns = rules.DEFAULT_NAMESPACE[dialect]
        self.namespaces: dict[str, dict[str, list]] = {}

    def ns(self, name: str) -> dict[str, list]:
        return self.namespaces.setdefault(name, {"tables": [], "enums": [], "sequences": []})

    def where(self, *keys: str) -> str:
        """`file: tables.public.users.indexes.x`: the JSON path of what a note is about."""
        return f"{self.file}: " + ".".join(keys)

    def origin(self) -> model.Origin:
        return model.Origin(source=self.label, file=self.file)

    def name(self, text: str) -> str:
        return self.rules.pg_truncate(text) if self.pg else text

    # -- the whole snapshot ----------------------------------------------------------

    def read(self) -> model.Schema:
        self.ns(self.default_ns)
        tables = [t for t in self.data["tables"].values() if isinstance(t, dict)]
        self.by_name: dict[str, list[dict]] = {}
        for t in tables:
            self.by_name.setdefault(str(t.get("name")), []).append(t)
        self.relation_names: dict[str, set[str]] = {}
        for t in tables:
            self.relation_names.setdefault(self.schema_of(t), set()).add(self.name(str(t.get("name"))))
        for t in tables:
            ns = self.schema_of(t)
            if keep_namespace(ns, self.options) and keep_table(str(t.get("name")), self.options):
                table = self.table(t, ns)
                if table is not None:
                    self.ns(ns)["tables"].append(table)
        if self.pg:
            for enum in (self.data.get("enums") or {}).values():
                ns = enum.get("schema") or "public"
                if keep_namespace(ns, self.options):
                    self.ns(ns)["enums"].append(model.EnumType(self.name(enum["name"]), tuple(enum.get("values") or ()), origin=self.origin()))
            for seq in (self.data.get("sequences") or {}).values():
                self.sequence(seq)
        for key in ("views", "policies"):
            if self.data.get(key):
                self.notes.append(f"{self.file}: {len(self.data[key])} {key} not read: the schema model has no place for them")
        out = []
        for name in sorted(self.namespaces):
            if not keep_namespace(name, self.options) and name != self.default_ns:
                continue
            parts = self.namespaces[name]
            out.append(model.Namespace(name=name, tables=tuple(parts["tables"]), enums=tuple(parts["enums"]),
                                       sequences=tuple(parts["sequences"])))
        return model.Schema(dialect=self.dialect, namespaces=tuple(out), source=self.label, notes=tuple(self.notes)).canonical()

    def schema_of(self, t: dict) -> str:
        return (t.get("schema") or self.default_ns) if self.pg else self.default_ns

    def sequence(self, seq: dict) -> None:
        # pgSequence(): the same reading as the drizzle: source's (`_Reader._sequence`).
        rules = self.rules
        ns = seq.get("schema") or "public"
        increment = rules._int(seq.get("increment"), 1)
        low, high = rules._INT_RANGE["bigint"]
        min_value = rules._int(seq.get("minValue"), None)
        max_value = rules._int(seq.get("maxValue"), None)
        start = rules._int(seq.get("startWith"), None)
        if start is None:
            start = (min_value if min_value is not None else 1) if increment > 0 else (max_value if max_value is not None else -1)
        self.ns(ns)["sequences"].append(model.Sequence(
            name=self.name(seq["name"]), data_type="bigint", start=start, increment=increment,
            min_value=None if min_value in (None, 1 if increment > 0 else low) else min_value,
            max_value=None if max_value in (None, high if increment > 0 else -1) else max_value,
            cycle=bool(seq.get("cycle")), cache=rules._int(seq.get("cache"), 1) or 1, origin=self.origin()))

    # -- tables -------------------------------------------------------------------------

    def table(self, t: dict, ns: str) -> model.Table | None:
        rules = self.rules
        raw_name = str(t.get("name"))
        name = self.name(raw_name)
        columns_data = t.get("columns") or {}
        columns: list[model.Column] = []
        uniques: list[model.UniqueConstraint] = []
        indexes: list[model.Index] = []
        pk: model.PrimaryKey | None = None
        inline_pk = [c for c in columns_data.values() if c.get("primaryKey")]
        for key, col in columns_data.items():
            if not isinstance(col, dict) or not col.get("name") or not col.get("type"):
                # A column whose type is unknown would compare as "any": never guess it.
                raise BadInput(f"{self.where('tables', raw_name, 'columns', str(key))}: a column needs a name and a type")
            column = self.column(t, ns, name, col, len(inline_pk) == 1)
            columns.append(column)
            if col.get("isUnique"):
                # Older snapshots keep a column's .unique() on the column.
                self.unique(str(col.get("uniqueName") or f"{raw_name}_{col['name']}_unique"), (column.name,),
                            bool(col.get("nullsNotDistinct")), uniques, indexes, raw_name)
        if len(inline_pk) == 1:
            pk = model.PrimaryKey((self.name(inline_pk[0]["name"]),), rules.pg_object_name(name, None, "pkey") if self.pg else None,
                                  origin=self.origin())
        for key, cpk in (t.get("compositePrimaryKeys") or {}).items():
            cols, pk_name = self.pk_columns(cpk, key)
            if pk is not None:
                self.notes.append(f"{self.where('tables', raw_name, 'compositePrimaryKeys', key)}: a second primary key; the first is kept")
                continue
            pk = model.PrimaryKey(tuple(self.name(c) for c in cols), self.name(pk_name) if self.pg else None, origin=self.origin())
        for key, unique in (t.get("uniqueConstraints") or {}).items():
            cols = unique.get("columns") or []
            self.unique(str(unique.get("name") or key), tuple(self.name(c) for c in cols), bool(unique.get("nullsNotDistinct")),
                        uniques, indexes, raw_name)
        for key, index in (t.get("indexes") or {}).items():
            made = self.index(t, raw_name, key, index, columns)
            if made is not None:
                indexes.append(made)
        fks = [fk for key, spec in (t.get("foreignKeys") or {}).items() if (fk := self.foreign_key(raw_name, key, spec)) is not None]
        checks = [
            model.CheckConstraint(self.name(str(c.get("name") or key)), self.sql(str(c.get("value", "")), raw_name, "check"), origin=self.origin())
            # mysql snapshots (version 5) call the object "checkConstraint".
            for key, c in (t.get("checkConstraints") or t.get("checkConstraint") or {}).items()
        ]
        if t.get("policies"):
            self.notes.append(f"{self.where('tables', raw_name)}: policies are not part of the schema model")
        if pk is not None and self.dialect != "sqlite":
            columns = [dataclasses.replace(c, nullable=False) if c.name in pk.columns else c for c in columns]
        return model.Table(name=name, columns=tuple(columns), primary_key=pk, uniques=tuple(uniques), indexes=tuple(indexes),
                           foreign_keys=tuple(fks), checks=tuple(checks), row_security=bool(t.get("isRLSEnabled")),
                           origin=self.origin())

    def pk_columns(self, cpk: Any, key: str) -> tuple[list[str], str]:
        if isinstance(cpk, str):
            # Older sqlite/pg snapshots: "col1,col2;name" or "col1,col2".
            cols, _, name = cpk.partition(";")
            return cols.split(","), name or key
        return list(cpk.get("columns") or []), str(cpk.get("name") or key)

    def unique(self, name: str, columns: tuple[str, ...], nulls_not_distinct: bool, uniques: list, indexes: list, table: str) -> None:
        if self.dialect == "sqlite":
            indexes.append(model.Index(name=name, elements=tuple(model.IndexElement(column=c) for c in columns), unique=True, origin=self.origin()))
        else:
            uniques.append(model.UniqueConstraint(name=self.name(name), columns=columns, nulls_not_distinct=nulls_not_distinct,
                                                  origin=self.origin()))

    def column(self, t: dict, ns: str, table: str, col: dict, single_pk: bool) -> model.Column:
        rules = self.rules
        name = self.name(str(col["name"]))
        type_text = str(col.get("type", ""))
        sql_type = self.type(col, type_text)
        nullable = not (col.get("notNull") or col.get("primaryKey"))
        default: model.Default | None = None
        identity: model.Identity | None = None
        generated: str | None = None
        base = type_text.lower()
        if self.pg and base in _SERIALS:
            nullable = False
            seq = self.sequence_name(ns, table, name)
            default = model.Default("sequence", f"{ns}.{seq}")
            self.ns(ns)["sequences"].append(model.Sequence(name=seq, data_type=sql_type.name, owned_by=f"{table}.{name}", origin=self.origin()))
        ident = col.get("identity")
        if self.pg and isinstance(ident, dict):
            increment = rules._int(ident.get("increment"), 1)
            low, high = rules._INT_RANGE.get(sql_type.name, rules._INT_RANGE["integer"])
            min_value = rules._int(ident.get("minValue"), 1 if increment > 0 else low)
            max_value = rules._int(ident.get("maxValue"), high if increment > 0 else -1)
            start = rules._int(ident.get("startWith"), min_value if increment > 0 else max_value)
            generation = "always" if ident.get("type") == "always" else "by_default"
            identity = model.Identity(generation, start, increment)
            nullable = False
        gen = col.get("generated")
        if isinstance(gen, dict) and isinstance(gen.get("as"), str):
            generated = self.sql(gen["as"], str(t.get("name")), "generated")
        if default is None and identity is None and generated is None and "default" in col:
            default = self.default(col["default"], sql_type)
        if self.dialect == "sqlite" and col.get("primaryKey") and single_pk and sql_type.name == "integer" and not sql_type.array:
            identity = model.Identity("autoincrement" if col.get("autoincrement") else "rowid")
            nullable = False
        if self.dialect == "mysql" and col.get("autoincrement"):
            identity, nullable = model.Identity("by_default"), False
        return model.Column(name=name, type=sql_type, nullable=nullable, default=default, identity=identity,
                            generated=generated, origin=self.origin())

    def type(self, col: dict, text: str) -> model.SqlType:
        from migrator.types import enum_type, parse_type

        if self.pg and col.get("typeSchema"):
            array = text.endswith("[]")
            return enum_type(f"{col['typeSchema']}.{self.name(text.rstrip('[]').strip(chr(34)))}", array=array)
        if self.dialect == "mysql" and text.lower() == "serial":
            return parse_type("bigint unsigned", self.dialect)  # MySQL's SERIAL
        if self.pg and text.lower() in _SERIALS:
            return parse_type(_SERIALS[text.lower()], self.dialect)
        if self.pg:
            enums = {e.get("name") for e in (self.data.get("enums") or {}).values() if not e.get("schema") or e.get("schema") == "public"}
            if text.rstrip("[]") in enums:
                return enum_type(f"public.{self.name(text.rstrip('[]'))}", array=text.endswith("[]"))
        return parse_type(text, self.dialect)

    def sequence_name(self, ns: str, table: str, column: str) -> str:
        """PostgreSQL's name for a serial column's sequence (numbered on a clash, as the drizzle: source does)."""
        used = self.relation_names.setdefault(ns, set())
        label, attempt = "seq", 0
        while True:
            name = self.rules.pg_object_name(table, column, label)
            if name not in used:
                used.add(name)
                return name
            attempt += 1
            label = f"seq{attempt}"

    def default(self, value: Any, sql_type: model.SqlType) -> model.Default | None:
        """The default drizzle-kit writes (SQL text, or a JSON number or boolean), as the database prints it back."""
        from migrator.defaults import classify_default

        rules = self.rules
        if isinstance(value, bool):
            return model.Default("literal", "true" if value else "false") if self.pg else classify_default("true" if value else "false", self.dialect)
        if isinstance(value, (int, float)):
            return classify_default(rules.js_number_text(value), self.dialect)
        if not isinstance(value, str):
            return None
        text = value.strip()
        if not self.pg:
            return classify_default(text, self.dialect)
        stripped = re.sub(r"::[\w\s\[\]\".]+$", "", text) if text.startswith("'") else text
        literal = stripped[1:-1].replace("''", "'") if len(stripped) > 1 and stripped[0] == stripped[-1] == "'" else None
        kind = sql_type.name
        if literal is not None and kind in ("json", "jsonb") and not sql_type.array:
            try:
                parsed = json.loads(literal)
            except ValueError:
                return model.Default("literal", rules._quote(literal))
            return model.Default("literal", rules._quote(rules.jsonb_text(parsed) if kind == "jsonb" else literal))
        if literal is not None and kind in rules._NUMERIC_KINDS and not sql_type.array and _NUMBER_TEXT.match(literal.strip()):
            return classify_default(literal.strip(), self.dialect)
        if literal is not None and kind == "boolean" and literal.lower() in _BOOLEANS:
            return model.Default("literal", _BOOLEANS[literal.lower()])
        if text.lower() in ("true", "false") and kind == "boolean":
            return model.Default("literal", text.lower())
        return classify_default(self.sql(text, None, "default") if not text.startswith("'") else text, self.dialect, "public")

    # -- keys and indexes -----------------------------------------------------------------

    def index(self, t: dict, table: str, key: str, spec: dict, columns: list[model.Column]) -> model.Index | None:
        rules = self.rules
        method = str(spec.get("method") or "btree").lower() if self.pg else "btree"
        elements = []
        types = {c.name: c.type for c in columns}
        for item in spec.get("columns") or []:
            if isinstance(item, str):  # sqlite, mysql and older pg snapshots: column names (or expressions)
                if self.name(item) in types:
                    elements.append(model.IndexElement(column=self.name(item)))
                else:
                    elements.append(model.IndexElement(expression=self.sql(item, table, "index")))
                continue
            expression = str(item.get("expression", ""))
            if item.get("isExpression"):
                elements.append(model.IndexElement(expression=self.sql(expression, table, "index")))
                continue
            descending = item.get("asc") is False
            first = item.get("nulls") == "first"
            nulls_first = (None if first == descending else first) if self.pg else None
            elements.append(model.IndexElement(
                column=self.name(expression), descending=descending, nulls_first=nulls_first,
                opclass=rules.canonical_opclass(method, item.get("opclass")) if self.pg else None))
        if not elements:
            self.notes.append(f"{self.where('tables', table, 'indexes', key)}: an index without columns was left out")
            return None
        where = spec.get("where")
        return model.Index(
            name=self.name(str(spec.get("name") or key)), elements=tuple(elements), unique=bool(spec.get("isUnique")),
            method=method, where=self.sql(where, table, "where") if isinstance(where, str) and where else None, origin=self.origin())

    def foreign_key(self, table: str, key: str, spec: dict) -> model.ForeignKey | None:
        rules = self.rules
        if not isinstance(spec, dict) or not spec.get("tableTo") or not spec.get("columnsFrom") or not spec.get("columnsTo"):
            raise BadInput(f"{self.where('tables', table, 'foreignKeys', key)}: a foreign key needs tableTo, columnsFrom and columnsTo")
        target = str(spec.get("tableTo", ""))
        ref_schema = None
        if self.pg:
            ref_schema = spec.get("schemaTo") or None
            if ref_schema is None:
                # generate leaves schemaTo out: the table of that name (public when several).
                candidates = {self.schema_of(t) for t in self.by_name.get(target, [])}
                ref_schema = "public" if "public" in candidates or not candidates else sorted(candidates)[0]
        return model.ForeignKey(
            name=self.name(str(spec.get("name") or key)) if self.dialect != "sqlite" else None,
            columns=tuple(self.name(c) for c in spec.get("columnsFrom") or ()),
            ref_table=self.name(target),
            ref_columns=tuple(self.name(c) for c in spec.get("columnsTo") or ()),
            ref_schema=ref_schema,
            on_delete=rules._action(spec.get("onDelete")),
            on_update=rules._action(spec.get("onUpdate")),
            origin=self.origin(),
        )

    # -- SQL text ----------------------------------------------------------------------

    def sql(self, text: str, table: str | None, context: str) -> str:
        """SQL as the drizzle: source renders it: on PostgreSQL column references bare (quoted only
        when needed) and a plain deparse's `(col)::type` as the pretty one; on SQLite as written,
        but unqualified in index keys, defaults and generated columns."""
        from migrator.sqltext import quote_ident, unwrap_parens

        out = " ".join(text.split())
        if self.dialect == "mysql":
            # drizzle-kit quotes MySQL names with backticks; the drizzle: source writes them as SQLite's.
            out = "".join(part if i % 2 else part.replace("`", '"') for i, part in enumerate(_QUOTED.split(out)))
        if self.pg or context in ("index", "default", "generated"):
            def bare(m: re.Match) -> str:
                name = m.group(1) or m.group(2)
                return quote_ident(name) if self.pg else f'"{name}"'

            out = "".join(part if i % 2 else _QUALIFIED.sub(bare, part) for i, part in enumerate(_QUOTED.split(out)))
        out = unwrap_parens(out)
        return self.rules._pretty_casts(out) if self.pg else out


register(DrizzleSnapshotSource())

__all__ = ["DrizzleSnapshotSource", "snapshot_file"]
