"""SQLAlchemy 2.0 typed declarative models from migrator's schema model.

`generate_sqlalchemy(schema, app_model, dialect, source_label) -> str` writes one Python module:
`class Base(DeclarativeBase)`, one mapped class per table with a primary key (named after the
AppModel's model, attributes named after its fields, `relationship()`s named after its
relations), a Core `Table(...)` for tables without one (join tables), and module-level
`Sequence`s. Every choice is made so that migrator's `sqlalchemy:` reader
(migrator.inspect.sqlalchemy_models) reads the module back as the same Schema, and so that
`Base.metadata.create_all()` creates the same database (tests/generate/test_sqlalchemy.py).

What each type and default becomes is data in migrator.generate.mapping (its SA_* tables),
beside the Drizzle tables. What SQLAlchemy cannot say (views, collations, exclusion
constraints, ...) is written as a `# migrator:` comment where it was left out.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from migrator import schema as model
from migrator.appmodel import AppModel, Model, Relation, derive, pascal
from migrator.defaults import client_generator
from migrator.errors import BadInput
from migrator.generate import mapping
from migrator.pgnames import make_object_name
from migrator.sqltext import redact, url_secrets

DEFAULT_NAMESPACE: dict[str, str] = {"postgresql": "public", "sqlite": "main"}

# Attribute names a declarative class cannot use for a field.
RESERVED_ATTRIBUTES = frozenset({"metadata", "registry", "__table__", "__tablename__", "__mapper__", "__table_args__"})

# -- the generator ---------------------------------------------------------------------------

DIALECTS = tuple(mapping.SA_TYPE_EXPRESSIONS)
# A table in either dialect's default namespace is written without a schema (a PostgreSQL
# schema generated for SQLite lands in "main").
_DEFAULT_NAMESPACES = frozenset(DEFAULT_NAMESPACE.values())
_SA_IMPORTS = ("BigInteger", "Boolean", "CHAR", "CheckConstraint", "Computed", "Date", "DateTime",
               "DOUBLE_PRECISION", "Enum", "ForeignKeyConstraint", "Identity", "Index", "Integer", "JSON",
               "LargeBinary", "Numeric", "PrimaryKeyConstraint", "REAL", "Sequence", "SmallInteger", "String",
               "Table", "Column", "Text", "Time", "UUID", "UniqueConstraint", "column", "func", "text")
_MODULE_NAMES = frozenset(_SA_IMPORTS) | frozenset({
    "Any", "Optional", "datetime", "decimal", "uuid", "postgresql", "Base", "DeclarativeBase", "Mapped",
    "mapped_column", "relationship", "UserDefinedType", "Declared", *mapping.SA_HELPERS,
})


def generate_sqlalchemy(
    schema: model.Schema,
    app_model: AppModel | None = None,
    dialect: str | None = None,
    source_label: str = "",
) -> str:
    """The SQLAlchemy 2.0 models module of `schema` (one Python module's text, deterministic).

    app_model gives the class, attribute and relationship names (migrator.appmodel); without
    one they are derived from the schema (`derive`). dialect: "postgresql" or "sqlite"
    (default: the schema's). source_label says in the header where the schema came from.
    """
    dialect = dialect or schema.dialect
    if dialect not in DIALECTS:
        raise BadInput(f"cannot generate SQLAlchemy models for dialect {dialect!r} (postgresql or sqlite)")
    schema = schema.canonical()
    return _Generator(schema, app_model or derive(schema), dialect, source_label).module()


def _sequence_options(seq: model.Sequence | model.Identity, *, start: bool, cache: bool) -> list[str]:
    """Sequence()/Identity() keywords for what is not PostgreSQL's default (start and cache: the caller's say)."""
    options = [f"start={seq.start}"] if start else []
    if seq.increment not in (None, 1):
        options.append(f"increment={seq.increment}")
    if seq.min_value is not None:
        options.append(f"minvalue={seq.min_value}")
    if seq.max_value is not None:
        options.append(f"maxvalue={seq.max_value}")
    if seq.cycle:
        options.append("cycle=True")
    if cache:
        options.append(f"cache={seq.cache}")
    return options


def py_string(text: str) -> str:
    """A Python string literal, double-quoted where it can be."""
    if '"' not in text or "'" in text:
        out = repr(text)
        if out.startswith("'") and '"' not in text:
            out = '"' + out[1:-1].replace("\\'", "'") + '"'
        return out
    return repr(text)


def python_identifier(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`name` as a Python identifier: invalid characters to `_`, keywords and taken names suffixed."""
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = "_" + ident
    while keyword.iskeyword(ident) or ident in taken or ident in RESERVED_ATTRIBUTES:
        ident += "_"
    return ident


def type_expression(t: model.SqlType, dialect: str, enum_var: str | None = None) -> str:
    """The SQLAlchemy type expression the mapping table gives for `t` (not yet checked)."""
    table = mapping.SA_TYPE_EXPRESSIONS[dialect]
    if t.array:
        element = type_expression(t.element(), dialect, enum_var)
        return table["array"].format(element=element)
    if t.name == "enum":
        if dialect == "postgresql" and enum_var:
            return enum_var
        return table["enum"] if dialect != "postgresql" else "Text()"
    template = table.get(t.name)
    if template is None:
        return f"Declared({py_string(_declared(t, dialect))})"
    args = {
        "length?": "" if t.length is None else str(t.length),
        "precision?": "" if t.precision is None else f"precision={t.precision}",
        "precision_scale?": ", ".join(str(v) for v in (t.precision, t.scale) if v is not None)
        if t.precision is not None else "",
        "tz_precision?": ", ".join(
            p for p in ("timezone=True" if t.timezone else "", f"precision={t.precision}" if t.precision is not None else "") if p
        ),
    }
    out = template
    for key, value in args.items():
        out = out.replace("{" + key + "}", value)
    return out


def python_type(t: model.SqlType) -> str:
    if t.array:
        return mapping.SA_ARRAY_PYTHON_TYPE.format(element=python_type(t.element()))
    return mapping.SA_PYTHON_TYPES.get(t.name, mapping.SA_FALLBACK_PYTHON_TYPE)


def _declared(t: model.SqlType, dialect: str) -> str:
    from migrator.sa_bridge import declared_spelling

    return declared_spelling(t, dialect)


def _checked_type(t: model.SqlType, dialect: str, enum_var: str | None, enums: dict[str, Any]) -> str:
    """The mapping's expression when SQLAlchemy compiles it back to `t`, else Declared(...)."""
    expr = type_expression(t, dialect, enum_var)
    if t.name == "enum" and dialect == "postgresql":
        return expr
    try:
        value = eval(expr, _eval_namespace(), dict(enums))  # the mapping's own text, nothing else
        from migrator.sa_bridge import compiled_type

        if compiled_type(value, dialect) == t:
            return expr
    except Exception:  # noqa: BLE001 - any failure means: say the type as declared
        pass
    return f"Declared({py_string(_declared(t, dialect))})"


_NAMESPACE: dict[str, Any] = {}


def _eval_namespace() -> dict[str, Any]:
    if not _NAMESPACE:
        import sqlalchemy
        from sqlalchemy.dialects import postgresql

        from migrator.sa_bridge import DeclaredType

        _NAMESPACE.update({n: getattr(sqlalchemy, n) for n in _SA_IMPORTS})
        _NAMESPACE.update(postgresql=postgresql, Declared=DeclaredType)
    return _NAMESPACE


@dataclass
class _Imports:
    names: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)
    typing: set[str] = field(default_factory=set)

    def scan(self, code: str) -> None:
        for name in _SA_IMPORTS:
            if re.search(rf"(?<![\w.]){re.escape(name)}\(", code):
                self.names.add(name)
        if "func." in code:
            self.names.add("func")
        for module in ("datetime", "decimal", "uuid"):
            if re.search(rf"(?<![\w.]){module}\.", code):
                self.modules.add(module)
        if "postgresql." in code:
            self.modules.add("postgresql")
        if "Declared(" in code:
            self.helpers.add("Declared")
        if re.search(r"(?<![\w.])Optional\[", code):
            self.typing.add("Optional")
        if re.search(r"(?<![\w.])Any\b", code):
            self.typing.add("Any")


class _Generator:
    def __init__(self, schema: model.Schema, app: AppModel, dialect: str, source_label: str) -> None:
        self.schema = schema
        self.app = app
        self.dialect = dialect
        self.pg = dialect == "postgresql"
        label = source_label or schema.source or "a migrator schema"
        self.label = redact(label, *url_secrets(label))  # a database URL's password never reaches the file
        self.imports = _Imports()
        self.notes: list[str] = []
        self.enum_vars: dict[str, str] = {}  # qualified enum name -> module variable
        self.enum_code: list[str] = []
        self.class_names: dict[tuple[str, str], str] = {}  # (namespace, table) -> class name
        self.table_vars: dict[tuple[str, str], str] = {}  # tables without a class -> variable
        self.attr_names: dict[tuple[str, str], dict[str, str]] = {}  # -> column -> attribute
        self.models: dict[tuple[str, str], Model] = {}
        self.rel_attrs: dict[tuple[str, str], str] = {}  # (model, relation) -> attribute
        self.default_ns = DEFAULT_NAMESPACE[dialect]

    # -- naming ----------------------------------------------------------------------------

    def _plan_names(self) -> None:
        taken: set[str] = set(_MODULE_NAMES)
        for ns, t in self.schema.tables():
            m = self.app.by_table(ns, t.name)
            if m is not None:
                self.models[(ns, t.name)] = m
            if t.primary_key is None or not t.primary_key.columns:
                var = python_identifier(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", t.name).lower().strip("_") + "_table", taken)
                taken.add(var)
                self.table_vars[(ns, t.name)] = var
                continue
            name = pascal(m.name if m else t.name)
            name = python_identifier(name + "Model" if name in taken else name, taken)
            taken.add(name)
            self.class_names[(ns, t.name)] = name
        for ns, t in self.schema.tables():
            m = self.models.get((ns, t.name))
            used: set[str] = set()
            attrs: dict[str, str] = {}
            for c in t.columns:
                attr = python_identifier(m.field_of(c.name) if m else c.name, used)
                used.add(attr)
                attrs[c.name] = attr
            self.attr_names[(ns, t.name)] = attrs
            if m is not None:
                for r in m.relations:
                    attr = python_identifier(r.name, used)
                    used.add(attr)
                    self.rel_attrs[(m.name, r.name)] = attr

    def _enum_var(self, qualified: str) -> str | None:
        if qualified in self.enum_vars:
            return self.enum_vars[qualified]
        ns_name, _, name = qualified.rpartition(".")
        try:
            next(e for e in self.schema.namespace(ns_name).enums if e.name == name)
        except (KeyError, StopIteration):
            return None
        var = python_identifier(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower() + "_enum",
                                set(self.enum_vars.values()) | set(_MODULE_NAMES))
        self.enum_vars[qualified] = var
        return var

    # -- the module ------------------------------------------------------------------------

    def module(self) -> str:
        self._plan_names()
        body: list[str] = []
        for ns, t in self.schema.tables():
            if (ns, t.name) in self.table_vars:
                body.append(self._core_table(ns, t))
        for ns, t in self.schema.tables():
            if (ns, t.name) in self.class_names:
                body.append(self._class(ns, t))
        sequences = self._sequences()
        self._schema_notes()
        enums = self._enums()
        code = "\n\n\n".join(body)
        for part in (code, enums, sequences, *(mapping.SA_HELPERS[h] for h in sorted(self.imports.helpers) if h in mapping.SA_HELPERS)):
            self.imports.scan(part)
        header = self._header()
        return header + "\n".join(
            part for part in (self._import_block(), self._helpers(), enums, sequences, code) if part
        ).rstrip() + "\n"

    def _header(self) -> str:
        lines = [
            f"SQLAlchemy 2.0 models of {self.label}, for {self.dialect}.",
            "",
            "Generated by migrator (migrator.generate.sqlalchemy.generate_sqlalchemy); regenerate rather than",
            "edit. Read back with `migrator inspect sqlalchemy:<module>` it is the same schema.",
        ]
        packages = sorted(mapping.SA_HELPER_PACKAGES[h] for h in self.imports.helpers if h in mapping.SA_HELPER_PACKAGES)
        if packages:
            lines += ["", "Client-side id generators call packages this module does not import until they run:",
                      "pip install " + " ".join(p.split()[0] for p in packages) + "."]
        if self.notes:
            lines += ["", "Not expressed in SQLAlchemy models:", ""]
            lines += [f"- {note}" for note in sorted(set(self.notes))]
        text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return '"""' + text + '\n"""\n\n'

    def _import_block(self) -> str:
        lines = ["from __future__ import annotations", ""]
        for module in ("datetime", "decimal", "uuid"):
            if module in self.imports.modules:
                lines.append(f"import {module}")
        typing_names = sorted(self.imports.typing | ({"Any"} if "Declared" in self.imports.helpers else set()))
        if typing_names:
            lines.append(f"from typing import {', '.join(typing_names)}")
        lines.append("")
        names = sorted(self.imports.names, key=lambda n: (n.lower(), n))
        if names:
            lines.append("from sqlalchemy import (")
            lines += [f"    {n}," for n in names]
            lines.append(")")
        if "postgresql" in self.imports.modules:
            lines.append("from sqlalchemy.dialects import postgresql")
        lines.append("from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship")
        if "Declared" in self.imports.helpers:
            lines.append("from sqlalchemy.types import UserDefinedType")
        lines += ["", "", "class Base(DeclarativeBase):", "    pass", "", ""]
        return "\n".join(lines)

    def _helpers(self) -> str:
        parts = []
        if "Declared" in self.imports.helpers:
            parts.append(mapping.SA_DECLARED_TYPE_HELPER)
        parts += [mapping.SA_HELPERS[name] for name in sorted(self.imports.helpers - {"Declared"})]
        return "\n\n\n".join(parts) + "\n\n" if parts else ""

    def _enums(self) -> str:
        lines = []
        for qualified, var in sorted(self.enum_vars.items(), key=lambda kv: kv[1]):
            ns_name, _, name = qualified.rpartition(".")
            enum = next(e for e in self.schema.namespace(ns_name).enums if e.name == name)
            args = [py_string(v) for v in enum.values] + [f"name={py_string(enum.name)}"]
            if ns_name != "public":
                args.append(f"schema={py_string(ns_name)}")
            lines.append(f"{var} = Enum({', '.join(args)})")
        return "\n".join(lines) + "\n\n" if lines else ""

    def _sequences(self) -> str:
        if not self.pg:
            return ""
        serial = self._serial_sequences()
        lines = []
        for ns in self.schema.namespaces:
            for seq in ns.sequences:
                if (ns.name, seq.name) in serial:
                    continue
                args = [py_string(seq.name)]
                if seq.data_type != "bigint":
                    args.append(f"data_type={type_expression(model.SqlType(seq.data_type), 'postgresql')}")
                # a descending sequence's start is not PostgreSQL's default of 1: always said
                args += _sequence_options(seq, start=seq.start != 1 or seq.increment < 0, cache=seq.cache != 1)
                if ns.name != "public":
                    args.append(f"schema={py_string(ns.name)}")
                args.append("metadata=Base.metadata")
                var = python_identifier(seq.name.lower() + "_sequence", set(_MODULE_NAMES))
                lines.append(f"{var} = Sequence({', '.join(args)})")
        return "\n".join(lines) + "\n\n" if lines else ""

    def _schema_notes(self) -> None:
        for ns in self.schema.namespaces:
            for v in ns.views:
                self.notes.append(f"view {ns.name}.{v.name} (SQLAlchemy models hold no views)")
            for e in ns.enums:
                if f"{ns.name}.{e.name}" not in self.enum_vars and self.pg:
                    self.notes.append(f"enum {ns.name}.{e.name}: no column uses it")
        for ext in self.schema.extensions:
            self.notes.append(f"extension {ext.name}")

    # -- serial and identity ---------------------------------------------------------------

    def _serial_sequences(self) -> set[tuple[str, str]]:
        """(namespace, sequence) pairs SQLAlchemy creates itself as SERIAL columns."""
        found = set()
        for ns, t in self.schema.tables():
            col = self._serial_column(ns, t)
            if col is not None:
                seq_ns, _, seq = col.default.value.rpartition(".")
                found.add((seq_ns or ns, seq))
        return found

    def _serial_column(self, ns: str, t: model.Table) -> model.Column | None:
        """The one column SQLAlchemy can write as SERIAL: an integer primary-key column whose
        default is the sequence PostgreSQL names <table>_<column>_seq, owned by it."""
        if not self.pg or t.primary_key is None:
            return None
        for c in t.columns:
            if (
                c.name in t.primary_key.columns
                and c.default is not None
                and c.default.kind == "sequence"
                and c.type.name in ("smallint", "integer", "bigint")
                and not c.type.array
            ):
                seq_ns, _, seq = c.default.value.rpartition(".")
                if seq == make_object_name(t.name, c.name, "seq") and (seq_ns or ns) == ns:
                    try:
                        owned = self.schema.namespace(ns).sequence(seq).owned_by
                    except KeyError:
                        owned = None
                    if owned in (None, f"{t.name}.{c.name}"):
                        return c
        return None

    # -- columns ---------------------------------------------------------------------------

    def _column_args(self, ns: str, t: model.Table, c: model.Column, serial: model.Column | None,
                     in_class: bool) -> tuple[list[str], str]:
        """(the arguments after the column name, the Mapped[...] annotation)."""
        enum_var = self._enum_var(c.type.enum) if c.type.name == "enum" and c.type.enum and self.pg else None
        type_text = _checked_type(c.type, self.dialect, enum_var, {})
        pk_cols = t.primary_key.columns if t.primary_key else ()
        inline_pk = self._inline_pk(ns, t)
        args = [type_text]
        if c.identity is not None and self.pg and c.identity.generation in ("always", "by_default"):
            args.append(self._identity(c.identity))
        if c.generated is not None:
            args.append(f"Computed({py_string(c.generated)}, persisted=True)")
        if c.name in pk_cols and inline_pk:
            args.append("primary_key=True")
        if serial is c:
            if len(pk_cols) > 1:
                args.append("autoincrement=True")
        elif (c.name in pk_cols and c.type.name in ("smallint", "integer", "bigint") and not c.type.array
              and c.identity is None):
            args.append("autoincrement=False")
        nullable = c.nullable and c.name not in pk_cols
        annotation = python_type(c.type)
        # In a class the annotation says it (Optional[...] is NULL); `Any` says nothing, Core says it always.
        if not in_class or (c.name not in pk_cols and "Any" in annotation):
            args.append(f"nullable={nullable}")
        if c.default is not None and serial is not c:
            if c.default.kind == "sequence" and self.pg:
                seq_ns, _, seq = c.default.value.rpartition(".")
                owned = next((q.owned_by for n in self.schema.namespaces if n.name == (seq_ns or ns)
                              for q in n.sequences if q.name == seq), None)
                if owned == f"{t.name}.{c.name}":
                    self.notes.append(f"serial column {ns}.{t.name}.{c.name}: SQLAlchemy writes SERIAL only for the "
                                      "autoincrement primary key; written as DEFAULT nextval() and a Sequence")
            args += self._default(c)
        if c.comment is not None and self.pg:
            args.append(f"comment={py_string(c.comment)}")
        if c.collation is not None:
            self.notes.append(f"collation {c.collation!r} of {ns}.{t.name}.{c.name}")
        if nullable:
            annotation = f"Optional[{annotation}]"
        return args, f"Mapped[{annotation}]"

    def _identity(self, identity: model.Identity) -> str:
        options = _sequence_options(identity, start=identity.start not in (None, 1), cache=identity.cache is not None)
        template = mapping.SA_IDENTITY["postgresql"][identity.generation]
        text = ", ".join(options)
        return template.format(options=(", " + text if text and identity.generation == "always" else text))

    def _default(self, c: model.Column) -> list[str]:
        d = c.default
        assert d is not None
        if d.kind == "client":
            generator = client_generator(d.value)
            entry = mapping.SA_CLIENT_DEFAULTS.get(generator)
            if entry is None:
                self.notes.append(f"client default {d.value!r} of column {c.name} (no SQLAlchemy callable known)")
                return []
            keywords, helper = entry
            if helper:
                self.imports.helpers.add(helper)
            return [keywords]
        template = mapping.SA_SERVER_DEFAULTS[self.dialect].get(d.kind, "")
        if not template:
            self.notes.append(f"default {d.value!r} of column {c.name} ({d.kind}: not on {self.dialect})")
            return []
        from migrator.sa_bridge import server_default_text

        sql = server_default_text(d, self.dialect, c.type)
        if sql is None:
            return []
        return [template.format(sql=py_string(sql))]

    def _inline_pk(self, ns: str, t: model.Table) -> bool:
        """Whether `primary_key=True` on the columns says the key (else PrimaryKeyConstraint)."""
        pk = t.primary_key
        if pk is None:
            return False
        order = [c.name for c in t.columns if c.name in pk.columns]
        if tuple(order) != pk.columns:
            return False
        if pk.name is None:
            return True
        return self.pg and pk.name == make_object_name(t.name, None, "pkey")

    # -- tables ----------------------------------------------------------------------------

    def _table_items(self, ns: str, t: model.Table) -> list[str]:
        """Constraint and index expressions of the table, and options (a dict item text)."""
        items: list[str] = []
        pk = t.primary_key
        if pk is not None and not self._inline_pk(ns, t):
            args = [py_string(c) for c in pk.columns]
            if pk.name is not None:
                args.append(f"name={py_string(pk.name)}")
            items.append(f"PrimaryKeyConstraint({', '.join(args)})")
        for u in t.uniques:
            args = [py_string(c) for c in u.columns]
            if u.name is not None:
                args.append(f"name={py_string(u.name)}")
            if u.deferrable:
                args.append("deferrable=True")
                if u.initially_deferred:
                    args.append('initially="DEFERRED"')
            if u.nulls_not_distinct and self.pg:
                args.append("postgresql_nulls_not_distinct=True")
            items.append(f"UniqueConstraint({', '.join(args)})")
        for fk in t.foreign_keys:
            target = fk.ref_table
            if (fk.ref_schema or ns) not in _DEFAULT_NAMESPACES:
                target = f"{fk.ref_schema or ns}.{fk.ref_table}"
            args = [
                "[" + ", ".join(py_string(c) for c in fk.columns) + "]",
                "[" + ", ".join(py_string(f"{target}.{c}") for c in fk.ref_columns) + "]",
            ]
            if fk.name is not None:
                args.append(f"name={py_string(fk.name)}")
            for word, action in (("ondelete", fk.on_delete), ("onupdate", fk.on_update)):
                said = mapping.SA_REFERENTIAL_ACTIONS.get(action, action)
                if said:
                    args.append(f"{word}={py_string(said)}")
            if fk.deferrable:
                args.append("deferrable=True")
                if fk.initially_deferred:
                    args.append('initially="DEFERRED"')
            if fk.match_full:
                args.append('match="FULL"')
            items.append(f"ForeignKeyConstraint({', '.join(args)})")
        for ck in t.checks:
            args = [py_string(ck.expression)]
            if ck.name is not None:
                args.append(f"name={py_string(ck.name)}")
            items.append(f"CheckConstraint({', '.join(args)})")
        for idx in t.indexes:
            item = self._index(ns, t, idx)
            if item:
                items.append(item)
        for ex in t.exclusions:
            self.notes.append(f"exclusion constraint {ex.name} on {ns}.{t.name}")
        return items

    def _index(self, ns: str, t: model.Table, idx: model.Index) -> str | None:
        if idx.name is None:
            self.notes.append(f"an unnamed index on {ns}.{t.name} (SQLAlchemy creates only named ones)")
            return None
        args = [py_string(idx.name)]
        ops: dict[str, str] = {}
        for e in idx.elements:
            if e.column is not None:
                plain = not e.descending and e.nulls_first is None
                text = py_string(e.column) if plain else f"column({py_string(e.column)})"
                if e.opclass and self.pg:
                    ops[e.column] = e.opclass
            else:
                text = f"text({py_string(e.expression or '')})"
                if e.opclass:
                    self.notes.append(f"operator class {e.opclass} of an expression key of index {idx.name}")
            if e.descending:
                text += ".desc()"
            if e.nulls_first is not None and self.pg:
                text += ".nulls_first()" if e.nulls_first else ".nulls_last()"
            if e.collation:
                self.notes.append(f"collation of a key of index {idx.name}")
            args.append(text)
        if idx.unique:
            args.append("unique=True")
        if self.pg:
            if idx.method != "btree":
                args.append(f"postgresql_using={py_string(idx.method)}")
            if ops:
                args.append("postgresql_ops={" + ", ".join(f"{py_string(k)}: {py_string(v)}" for k, v in ops.items()) + "}")
            if idx.include:
                args.append("postgresql_include=[" + ", ".join(py_string(c) for c in idx.include) + "]")
            if idx.nulls_not_distinct:
                args.append("postgresql_nulls_not_distinct=True")
            if idx.where:
                args.append(f"postgresql_where=text({py_string(idx.where)})")
            if idx.options:
                args.append("postgresql_with={" + ", ".join(
                    f"{py_string(o.split('=', 1)[0])}: {py_string(o.split('=', 1)[1])}" for o in idx.options) + "}")
        elif idx.where:
            args.append(f"sqlite_where=text({py_string(idx.where)})")
        return f"Index({', '.join(args)})"

    def _table_options(self, ns: str, t: model.Table) -> list[str]:
        options = []
        if ns not in _DEFAULT_NAMESPACES:
            options.append(f'"schema": {py_string(ns)}')
        if t.comment is not None and self.pg:
            options.append(f'"comment": {py_string(t.comment)}')
        if not self.pg and any(c.identity and c.identity.generation == "autoincrement" for c in t.columns):
            options.append(mapping.SA_IDENTITY["sqlite"]["autoincrement"])
        for what, value in (("UNLOGGED", t.unlogged), ("partitioning", t.partition_by or t.partition_of),
                            ("row level security", t.row_security), ("storage parameters", t.options)):
            if value:
                self.notes.append(f"{what} of table {ns}.{t.name}")
        return options

    def _core_table(self, ns: str, t: model.Table) -> str:
        var = self.table_vars[(ns, t.name)]
        lines = [f"{var} = Table(", f"    {py_string(t.name)},", "    Base.metadata,"]
        serial = self._serial_column(ns, t)
        for c in t.columns:
            args, _ = self._column_args(ns, t, c, serial, in_class=False)
            lines.append(f"    Column({py_string(c.name)}, {', '.join(args)}),")
        for item in self._table_items(ns, t):
            lines.append(f"    {item},")
        for option in self._table_options(ns, t):
            key, _, value = option.partition(": ")
            lines.append(f"    {key.strip(chr(34))}={value},")
        lines.append(")")
        return "\n".join(lines)

    def _class(self, ns: str, t: model.Table) -> str:
        key = (ns, t.name)
        name = self.class_names[key]
        m = self.models.get(key)
        lines = [f"class {name}(Base):", f"    __tablename__ = {py_string(t.name)}"]
        items = self._table_items(ns, t)
        options = self._table_options(ns, t)
        if items or options:
            lines.append("    __table_args__ = (")
            lines += [f"        {item}," for item in items]
            if options:
                lines.append("        {" + ", ".join(options) + "},")
            lines.append("    )")
        lines.append("")
        serial = self._serial_column(ns, t)
        attrs = self.attr_names[key]
        for c in t.columns:
            args, annotation = self._column_args(ns, t, c, serial, in_class=True)
            attr = attrs[c.name]
            if m is not None and m.field_of(c.name) in m.updated_at and not any("onupdate=" in a for a in args):
                # @updatedAt beside a database default (`@default(now()) @updatedAt`): the application still sets it.
                args.append(mapping.SA_CLIENT_DEFAULTS["updated at"][0].split(", ")[-1])
                self.imports.helpers.add(mapping.SA_CLIENT_DEFAULTS["updated at"][1] or "")
            if attr != c.name:
                args.insert(0, py_string(c.name))
            lines.append(f"    {attr}: {annotation} = mapped_column({', '.join(args)})")
        rels = self._relationships(ns, t, m) if m is not None else []
        if rels:
            lines.append("")
            lines += rels
        return "\n".join(lines)

    # -- relationships ---------------------------------------------------------------------

    def _model_key(self, model_name: str) -> tuple[str, str] | None:
        m = self.app.by_name(model_name)
        return (m.namespace, m.table) if m is not None else None

    def _counterpart(self, m: Model, r: Relation) -> Relation | None:
        target = self.app.by_name(r.target)
        if target is None:
            return None
        candidates = [
            o for o in target.relations
            if o.target == m.name and o.relation_name == r.relation_name and not (target.name == m.name and o.name == r.name)
        ]
        if r.through:
            candidates = [o for o in candidates if o.through == r.through] or candidates
        if len(candidates) > 1 and target.name == m.name:
            candidates = [o for o in candidates if bool(o.fields) != bool(r.fields)] or candidates
        return candidates[0] if len(candidates) == 1 else None

    def _relationships(self, ns: str, t: model.Table, m: Model) -> list[str]:
        lines = []
        for r in m.relations:
            target_key = self._model_key(r.target)
            if target_key is None or target_key not in self.class_names:
                self.notes.append(f"relation {m.name}.{r.name}: its model {r.target} has no mapped class")
                continue
            target_class = self.class_names[target_key]
            other = self._counterpart(m, r)
            args = [py_string(target_class)]
            if r.through:
                through_key = next(((n, tb.name) for n, tb in self.schema.tables() if tb.name == r.through), None)
                if through_key is None:
                    self.notes.append(f"relation {m.name}.{r.name}: join table {r.through} not in the schema")
                    continue
                qualified = r.through if through_key[0] in ("public", "main") else f"{through_key[0]}.{r.through}"
                args.append(f"secondary={py_string(qualified)}")
            if other is not None:
                args.append(f"back_populates={py_string(self.rel_attrs.get((r.target, other.name), other.name))}")
            holder_fields, holder_model = (r.fields, m) if r.fields else ((other.fields, self.app.by_name(r.target)) if other else ((), None))
            holder_refs = r.references if r.fields else (other.references if other else ())
            keyless = holder_model is not None and holder_fields and not self._has_foreign_key(holder_model, holder_fields)
            if not r.through and holder_model is not None and holder_fields and (keyless or self._ambiguous(m, r)):
                holder_key = (holder_model.namespace, holder_model.table)
                holder_class = self.class_names.get(holder_key)
                cols = [self._column_of(holder_model, f) for f in holder_fields]
                attrs = [self.attr_names.get(holder_key, {}).get(c, c) for c in cols]
                if holder_class:
                    if keyless and len(holder_refs) == len(attrs):
                        # No FOREIGN KEY in the database (Prisma's relationMode = "prisma"): say the join.
                        ref_model = self.app.by_name(r.target) if r.fields else m
                        ref_key = (ref_model.namespace, ref_model.table)
                        ref_class = self.class_names.get(ref_key, target_class)
                        refs = [self.attr_names.get(ref_key, {}).get(self._column_of(ref_model, f), f) for f in holder_refs]
                        pairs = [f"foreign({holder_class}.{a}) == {ref_class}.{b}" for a, b in zip(attrs, refs)]
                        join = pairs[0] if len(pairs) == 1 else "and_(" + ", ".join(pairs) + ")"
                        if r.target != m.name:
                            args.append(f"primaryjoin={py_string(join)}")
                    if not any(a.startswith("primaryjoin=") for a in args):
                        args.append("foreign_keys=" + py_string("[" + ", ".join(f"{holder_class}.{a}" for a in attrs) + "]"))
                if r.target == m.name and r.fields and r.references:
                    remote = [self.attr_names[(m.namespace, m.table)].get(self._column_of(m, f), f) for f in r.references]
                    args.append("remote_side=" + py_string("[" + ", ".join(f"{target_class}.{a}" for a in remote) + "]"))
            if r.many:
                annotation = f"Mapped[list[{target_class}]]"
            elif r.optional or not r.fields:
                annotation = f"Mapped[Optional[{target_class}]]"
            else:
                annotation = f"Mapped[{target_class}]"
            attr = self.rel_attrs[(m.name, r.name)]
            lines.append(f"    {attr}: {annotation} = relationship({', '.join(args)})")
        return lines

    def _has_foreign_key(self, holder: Model, fields: tuple[str, ...]) -> bool:
        try:
            table = self.schema.namespace(holder.namespace).table(holder.table)
        except KeyError:
            return True
        cols = tuple(self._column_of(holder, f) for f in fields)
        return any(set(fk.columns) == set(cols) for fk in table.foreign_keys)

    def _column_of(self, m: Model, field_name: str) -> str:
        for f, c in m.fields:
            if f == field_name:
                return c
        return field_name

    def _ambiguous(self, m: Model, r: Relation) -> bool:
        """Whether the two tables are joined by more than one foreign key (or the relation is to itself)."""
        if r.target == m.name:
            return True
        pairs = [o for o in m.relations if o.target == r.target and not o.through]
        target = self.app.by_name(r.target)
        back = [o for o in (target.relations if target else ()) if o.target == m.name and not o.through]
        return len(pairs) > 1 or len(back) > 1


__all__ = ["generate_sqlalchemy", "mapping.SA_TYPE_EXPRESSIONS", "mapping.SA_PYTHON_TYPES", "mapping.SA_SERVER_DEFAULTS", "mapping.SA_IDENTITY",
           "mapping.SA_CLIENT_DEFAULTS", "mapping.SA_HELPERS", "mapping.SA_HELPER_PACKAGES", "mapping.SA_REFERENTIAL_ACTIONS"]
