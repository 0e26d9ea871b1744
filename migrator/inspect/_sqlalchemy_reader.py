"""The implementation of the `sqlalchemy:` source (see migrator.inspect.sqlalchemy_models).

Kept apart so that discovering sources does not import SQLAlchemy: this module is
imported only when a `sqlalchemy:` spec is loaded.
"""

from __future__ import annotations

import enum
import importlib
import inspect as pyinspect
import os
import re
import sys
from collections import defaultdict
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import TextClause, UnaryExpression

from migrator import schema as model
from migrator.defaults import classify_default
from migrator.errors import BadInput
from migrator.pgnames import choose_name
from migrator.inspect import InspectOptions, keep_namespace, keep_table
from migrator.sqltext import unwrap_parens
from migrator.sa_bridge import (
    DEFAULT_NAMESPACE,
    DEFAULT_SEARCH_SCHEMA,
    DIALECTS,
    compiled_type,
    dialect as make_dialect,
    model_action,
)

SCHEME = "sqlalchemy:"

# What PostgreSQL calls SQLAlchemy's SERIAL spellings, as canonical types.
SERIAL_TYPES = {"SMALLSERIAL": "smallint", "SERIAL": "integer", "BIGSERIAL": "bigint"}
_SERIAL_RE = re.compile(r"\s(SMALLSERIAL|BIGSERIAL|SERIAL)\b")

_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


# ---------------------------------------------------------------------------
# Loading a spec


def load_models(spec: str, options: InspectOptions) -> model.Schema:
    target = spec[len(SCHEME) :] if spec.startswith(SCHEME) else spec
    module_name, _, attribute = target.partition(":")
    module_name = module_name.strip()
    if not _MODULE_RE.match(module_name):
        raise BadInput(f"{spec}: expected sqlalchemy:package.module[:attribute], e.g. sqlalchemy:app.models:Base")
    dialect_name = options.dialect or "postgresql"
    if dialect_name not in DIALECTS:
        raise BadInput(f"{spec}: unsupported dialect {dialect_name!r} for SQLAlchemy models (use {' or '.join(DIALECTS)})")
    module = import_module(module_name, options.project_path)
    target_obj, metadata = _resolve(module, module_name, attribute.strip())
    classes = _mapped_classes(target_obj, module, metadata)
    origins = _Origins(spec, module, classes)
    return metadata_to_schema(metadata, dialect_name, spec, options=options, origins=origins)


def import_module(module_name: str, project_path: str | None = ".") -> ModuleType:
    """Import the user's module with `project_path` first on sys.path (several folders separated
    by os.pathsep, as PYTHONPATH: a diff of two model modules in two folders); failures are
    one-line BadInput."""
    where = f"{SCHEME}{module_name}"
    saved = list(sys.path)
    sys.path[:0] = [os.path.abspath(folder) for folder in (project_path or ".").split(os.pathsep) if folder] or [os.path.abspath(".")]
    try:
        importlib.invalidate_caches()
        return importlib.import_module(module_name)
    except (KeyboardInterrupt, GeneratorExit):
        raise
    except BaseException as exc:  # the user's code may raise anything, SystemExit included
        message = " ".join(str(exc).split())
        detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        raise BadInput(f"{where}: could not import: {detail}") from None
    finally:
        sys.path[:] = saved


def metadata_of(obj: Any) -> sa.MetaData | None:
    """The MetaData a base, registry or MetaData stands for; None for anything else."""
    if isinstance(obj, sa.MetaData):
        return obj
    if isinstance(obj, orm.registry):
        return obj.metadata
    if isinstance(obj, type):
        metadata = getattr(obj, "metadata", None)
        if isinstance(metadata, sa.MetaData) and isinstance(getattr(obj, "registry", None), orm.registry):
            return metadata
    return None


def _resolve(module: ModuleType, module_name: str, attribute: str) -> tuple[Any, sa.MetaData]:
    where = f"{SCHEME}{module_name}"
    if attribute:
        obj: Any = module
        for part in attribute.split("."):
            if not hasattr(obj, part):
                raise BadInput(f"{where}:{attribute}: module {module_name} has no attribute {attribute!r}")
            obj = getattr(obj, part)
        metadata = metadata_of(obj)
        if metadata is None:
            raise BadInput(
                f"{where}:{attribute}: is a {type(obj).__name__}, not a SQLAlchemy declarative base, registry or MetaData"
            )
        return obj, metadata
    groups: dict[int, list[str]] = defaultdict(list)
    found: dict[int, tuple[Any, sa.MetaData]] = {}
    for name, obj in sorted(vars(module).items()):
        # Mapped classes carry their base's metadata too; they are not bases.
        if isinstance(obj, type) and hasattr(obj, "__table__"):
            continue
        metadata = metadata_of(obj)
        if metadata is not None:
            groups[id(metadata)].append(name)
            found.setdefault(id(metadata), (obj, metadata))
    if not groups:
        raise BadInput(f"{where}: no SQLAlchemy declarative base or MetaData found; name one as {where}:<attribute>")
    if len(groups) > 1:
        names = ", ".join(sorted(names[0] for names in groups.values()))
        raise BadInput(f"{where}: several declarative bases or MetaData objects ({names}); name one as {where}:<attribute>")
    return found[next(iter(groups))]


def _mapped_classes(target: Any, module: ModuleType, metadata: sa.MetaData) -> dict[str, type]:
    """Table key -> the class mapped to it, to find where each table is declared."""
    classes: dict[str, type] = {}
    registries = []
    if isinstance(target, orm.registry):
        registries.append(target)
    elif isinstance(getattr(target, "registry", None), orm.registry):
        registries.append(target.registry)
    for reg in registries:
        for mapper in reg.mappers:
            table = mapper.local_table
            if isinstance(table, sa.Table) and table.metadata is metadata:
                classes.setdefault(table.key, mapper.class_)
    for obj in vars(module).values():
        table = getattr(obj, "__table__", None) if isinstance(obj, type) else None
        if isinstance(table, sa.Table) and table.metadata is metadata:
            classes.setdefault(table.key, obj)
    return classes


# ---------------------------------------------------------------------------
# Origins


class _Origins:
    """File and line of each table and column, found from the source text where possible."""

    def __init__(self, spec: str, module: ModuleType, classes: dict[str, type]) -> None:
        self.spec = spec
        self.module_file = _relative(getattr(module, "__file__", None))
        self.classes = classes
        self._module_source: list[str] | None = None
        self._module = module
        self._tables: dict[str, tuple[str | None, int | None, dict[str, int]]] = {}

    def default(self) -> model.Origin:
        return model.Origin(source=self.spec, file=self.module_file)

    def _table_lines(self, table: sa.Table) -> tuple[str | None, int | None, dict[str, int]]:
        if table.key in self._tables:
            return self._tables[table.key]
        result: tuple[str | None, int | None, dict[str, int]] = (self.module_file, None, {})
        cls = self.classes.get(table.key)
        if cls is not None:
            try:
                lines, start = pyinspect.getsourcelines(cls)
                file = _relative(pyinspect.getsourcefile(cls))
                columns = _attribute_lines(cls, table, lines, start)
                result = (file, start, columns)
            except (OSError, TypeError):
                pass
        else:
            lines = self._source()
            text = "".join(lines)
            match = re.search(r"\bTable\(\s*['\"]" + re.escape(table.name) + r"['\"]", text)
            if match:
                number = text.count("\n", 0, match.start()) + 1
                result = (self.module_file, number, _table_column_lines(lines, number, table))
        self._tables[table.key] = result
        return result

    def _source(self) -> list[str]:
        if self._module_source is None:
            try:
                self._module_source = pyinspect.getsourcelines(self._module)[0]
            except (OSError, TypeError):
                self._module_source = []
        return self._module_source

    def table(self, table: sa.Table) -> model.Origin:
        file, line, _ = self._table_lines(table)
        return model.Origin(source=self.spec, file=file, line=line)

    def column(self, table: sa.Table, column: sa.Column) -> model.Origin:
        file, line, columns = self._table_lines(table)
        return model.Origin(source=self.spec, file=file, line=columns.get(column.key, line))


def _relative(path: str | None) -> str | None:
    if not path:
        return None
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _attribute_lines(cls: type, table: sa.Table, lines: list[str], start: int) -> dict[str, int]:
    """Column key -> line of `attr: Mapped[...] = ...` / `attr = Column(...)` in the class body."""
    keys: dict[str, str] = {}
    try:
        mapper = sa.inspect(cls)
        for attr, col in mapper.columns.items():
            if col.table is table:
                keys[attr] = col.key
    except sa.exc.NoInspectionAvailable:
        keys = {c.key: c.key for c in table.columns}
    found: dict[str, int] = {}
    for offset, text in enumerate(lines):
        match = re.match(r"^\s+([A-Za-z_][A-Za-z0-9_]*)\s*[:=]", text)
        if match and match.group(1) in keys and keys[match.group(1)] not in found:
            found[keys[match.group(1)]] = start + offset
    return found


def _table_column_lines(lines: list[str], first: int, table: sa.Table) -> dict[str, int]:
    found: dict[str, int] = {}
    for number in range(first, min(len(lines), first + 200) + 1):
        for col in table.columns:
            if col.key not in found and re.search(r"\bColumn\(\s*['\"]" + re.escape(col.name) + r"['\"]", lines[number - 1]):
                found[col.key] = number
    return found


# ---------------------------------------------------------------------------
# MetaData -> Schema


def metadata_to_schema(
    metadata: sa.MetaData,
    dialect_name: str,
    source_label: str,
    options: InspectOptions | None = None,
    origins: _Origins | None = None,
) -> model.Schema:
    """What `metadata.create_all()` creates on `dialect_name`, as a Schema."""
    return _Builder(metadata, dialect_name, source_label, options or InspectOptions(), origins).build()


class _Namespace:
    def __init__(self) -> None:
        self.tables: list[model.Table] = []
        self.enums: dict[str, model.EnumType] = {}
        self.sequences: dict[str, model.Sequence] = {}
        self.used_names: set[str] = set()  # PostgreSQL: relation and constraint names taken


class _Builder:
    def __init__(
        self, metadata: sa.MetaData, dialect_name: str, label: str, options: InspectOptions, origins: _Origins | None
    ) -> None:
        self.metadata = metadata
        self.d = dialect_name
        self.pg = dialect_name == "postgresql"
        self.dialect = make_dialect(dialect_name)
        self.ddl = self.dialect.ddl_compiler(self.dialect, None)
        self.label = label
        self.options = options
        self.origins = origins
        self.default_ns = DEFAULT_NAMESPACE[dialect_name]
        self.namespaces: dict[str, _Namespace] = defaultdict(_Namespace)
        self.namespaces[self.default_ns]  # always listed, as the live readers list it
        self.notes: list[str] = []

    # -- helpers -------------------------------------------------------------

    def _origin(self, table: sa.Table | None = None, column: sa.Column | None = None) -> model.Origin:
        if self.origins is None:
            return model.Origin(source=self.label)
        if table is None:
            return self.origins.default()
        if column is not None:
            return self.origins.column(table, column)
        return self.origins.table(table)

    def _ns_name(self, schema: str | None) -> str:
        return schema or self.default_ns

    def _sql(self, clause: Any) -> str:
        """A SQL expression as the DDL compiler writes it: no table prefixes, literal values."""
        return str(self.ddl.sql_compiler.process(clause, include_table=False, literal_binds=True))

    def _given_name(self, constraint: sa.schema.Constraint | sa.Index) -> str | None:
        """The name SQLAlchemy writes for a constraint or index (naming convention applied)."""
        if constraint.name is None:
            return None
        try:
            return self.ddl.preparer.format_constraint(constraint, _alembic_quote=False)
        except (AssertionError, sa.exc.SQLAlchemyError):
            # A convention SQLAlchemy cannot apply leaves a sentinel, not a str.
            return constraint.name if isinstance(constraint.name, str) else None

    def _pg_name(self, ns: _Namespace, name1: str, name2: str | None, label: str) -> str:
        """The name PostgreSQL chooses for an unnamed object (makeObjectName, numbered on collision)."""
        name = choose_name(name1, name2, label, ns.used_names)
        ns.used_names.add(name)
        return name

    def _claim(self, ns: _Namespace, name: str | None) -> str | None:
        if name:
            ns.used_names.add(name)
        return name

    # -- build ---------------------------------------------------------------

    def build(self) -> model.Schema:
        tables = [t for t in self.metadata.sorted_tables if keep_table(t.name, self.options)]
        tables = [t for t in tables if keep_namespace(self._ns_name(t.schema), self.options)]
        for table in tables:
            ns = self.namespaces[self._ns_name(table.schema)]
            ns.used_names.add(table.name)
            for constraint in list(table.constraints) + list(table.indexes):
                self._claim(ns, self._given_name(constraint))
        if self.pg:
            self._sequences()
        for table in tables:
            self._table(table)
        out = []
        for name in sorted(self.namespaces):
            if not keep_namespace(name, self.options) and name != self.default_ns:
                continue
            ns = self.namespaces[name]
            out.append(
                model.Namespace(
                    name=name,
                    tables=tuple(ns.tables),
                    enums=tuple(ns.enums.values()),
                    sequences=tuple(ns.sequences.values()),
                )
            )
        return model.Schema(dialect=self.d, namespaces=tuple(out), source=self.label, notes=tuple(self.notes))

    def _sequences(self) -> None:
        sequences = list(getattr(self.metadata, "_sequences", {}).values())
        for table in self.metadata.tables.values():
            for col in table.columns:
                if isinstance(col.default, sa.Sequence) and col.default not in sequences:
                    sequences.append(col.default)
        for seq in sequences:
            # PostgreSQL's SQLAlchemy dialect skips optional sequences (SERIAL does the job).
            if seq.optional:
                continue
            ns_name = self._ns_name(seq.schema or self.metadata.schema)
            if not keep_namespace(ns_name, self.options):
                continue
            ns = self.namespaces[ns_name]
            ns.used_names.add(seq.name)
            increment = seq.increment if seq.increment is not None else 1
            data_type = compiled_type(seq.data_type, self.d).name if seq.data_type is not None else "bigint"
            ns.sequences.setdefault(
                seq.name,
                model.Sequence(
                    name=seq.name,
                    data_type=data_type,
                    start=seq.start if seq.start is not None else (1 if increment > 0 else -1),
                    increment=increment,
                    min_value=_unless_default(seq.minvalue, 1 if increment > 0 else None, data_type, "min"),
                    max_value=_unless_default(seq.maxvalue, -1 if increment < 0 else None, data_type, "max"),
                    cycle=bool(seq.cycle),
                    origin=self._origin(),
                ),
            )

    def _table(self, table: sa.Table) -> None:
        ns_name = self._ns_name(table.schema)
        ns = self.namespaces[ns_name]
        origin = self._origin(table)
        columns = [self._column(table, col, ns, ns_name) for col in table.columns]

        pk = None
        pk_cols = tuple(c.name for c in table.primary_key.columns)
        if pk_cols:
            inline_autoincrement = any(c.identity and c.identity.generation == "autoincrement" for c in columns)
            name = self._given_name(table.primary_key)
            if name is None and self.pg:
                name = self._pg_name(ns, table.name, None, "pkey")
            if inline_autoincrement:
                name = None  # SQLite's AUTOINCREMENT is written on the column, without the constraint's name
            pk = model.PrimaryKey(columns=pk_cols, name=name, origin=origin)

        uniques, foreign_keys, checks = [], [], []
        for constraint in self._constraints(table):
            if isinstance(constraint, sa.PrimaryKeyConstraint):
                continue
            if isinstance(constraint, sa.UniqueConstraint):
                cols = tuple(c.name for c in constraint.columns)
                if not cols:
                    continue
                name = self._given_name(constraint)
                if name is None and self.pg:
                    name = self._pg_name(ns, table.name, "_".join(cols), "key")
                uniques.append(model.UniqueConstraint(name=name, columns=cols, origin=origin))
            elif isinstance(constraint, sa.ForeignKeyConstraint):
                foreign_keys.append(self._foreign_key(table, constraint, ns, origin))
            elif isinstance(constraint, sa.CheckConstraint):
                expression = unwrap_parens(self._sql(constraint.sqltext))
                name = self._given_name(constraint)
                if name is None and self.pg:
                    referenced = _referenced_columns(constraint.sqltext, expression, table)
                    name = self._pg_name(ns, table.name, referenced[0] if len(referenced) == 1 else None, "check")
                checks.append(model.CheckConstraint(name=name, expression=expression, origin=origin))

        indexes = []
        for index in sorted(table.indexes, key=lambda i: str(i.name or "")):
            built = self._index(table, index, origin)
            if built is not None:
                indexes.append(built)

        ns.tables.append(
            model.Table(
                name=table.name,
                columns=tuple(columns),
                primary_key=pk,
                uniques=tuple(uniques),
                indexes=tuple(indexes),
                foreign_keys=tuple(foreign_keys),
                checks=tuple(checks),
                comment=table.comment if self.dialect.supports_comments else None,
                origin=origin,
            )
        )

    def _constraints(self, table: sa.Table) -> list[sa.schema.Constraint]:
        """The table's constraints the DDL compiler would write, in a stable order."""
        seen: dict[int, sa.schema.Constraint] = {}
        for constraint in list(table.constraints) + [c for col in table.columns for c in col.constraints]:
            should = getattr(constraint, "_should_create_for_compiler", None)
            if should is not None and not should(self.ddl):
                continue
            seen.setdefault(id(constraint), constraint)
        # table.constraints is a set; PostgreSQL numbers colliding default names in declaration order.
        return sorted(seen.values(), key=lambda c: getattr(c, "_creation_order", 0))

    def _fail(self, table: sa.Table, column: sa.Column | None, exc: Exception) -> BadInput:
        what = f"{table.fullname}.{column.name}" if column is not None else table.fullname
        reason = " ".join(str(exc).split("(Background on this error")[0].split())
        return BadInput(f"{self.label}: {what}: SQLAlchemy cannot write this for {self.d}: {reason}")

    # -- columns -------------------------------------------------------------

    def _column(self, table: sa.Table, col: sa.Column, ns: _Namespace, ns_name: str) -> model.Column:
        try:
            spec = self.ddl.get_column_specification(col)
            sql_type = self._type(col)
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(table, col, exc) from None

        default: model.Default | None = None
        identity: model.Identity | None = None
        generated: str | None = None
        nullable = bool(col.nullable)

        serial = _SERIAL_RE.search(spec) if self.pg else None
        if serial:
            sql_type = model.SqlType(SERIAL_TYPES[serial.group(1)])
            seq_name = self._pg_name(ns, table.name, col.name, "seq")
            default = model.Default("sequence", f"{ns_name}.{seq_name}")
            ns.sequences[seq_name] = model.Sequence(
                name=seq_name, data_type=sql_type.name, owned_by=f"{table.name}.{col.name}", origin=self._origin(table)
            )
        elif col.computed is not None:
            generated = unwrap_parens(self._sql(col.computed.sqltext))
        elif col.identity is not None and self.dialect.supports_identity_columns:
            increment = col.identity.increment if col.identity.increment is not None else 1
            start = col.identity.start if col.identity.start is not None else (1 if increment > 0 else -1)
            identity = model.Identity("always" if col.identity.always else "by_default", start, increment)
            nullable = False
        else:
            text = self.ddl.get_column_default_string(col)
            if text is not None:
                default = classify_default(text, self.d, DEFAULT_SEARCH_SCHEMA[self.d])
                if self.pg:
                    default = _pg_coerced_literal(default, sql_type)

        if not self.pg and identity is None and self._is_rowid(table, col):
            identity = model.Identity("autoincrement" if re.search(r"\bAUTOINCREMENT\b", spec) else "rowid")
            nullable = False

        if default is None and identity is None and generated is None and not serial:
            default = self._client_default(col)

        return model.Column(
            name=col.name,
            type=sql_type,
            nullable=nullable,
            default=default,
            identity=identity,
            generated=generated,
            comment=col.comment if self.dialect.supports_comments else None,
            origin=self._origin(table, col),
        )

    def _type(self, col: sa.Column) -> model.SqlType:
        impl = col.type.dialect_impl(self.dialect)
        if isinstance(impl, sa.types.TypeDecorator):
            impl = impl.impl.dialect_impl(self.dialect)
        array = False
        if isinstance(impl, sa.ARRAY) and self.pg:
            array = True
            impl = impl.item_type.dialect_impl(self.dialect)
            if isinstance(impl, sa.types.TypeDecorator):
                impl = impl.impl.dialect_impl(self.dialect)
        if self.pg and isinstance(impl, sa.Enum) and impl.native_enum:
            schema = impl.schema or "public"
            if not impl.name:
                raise sa.exc.CompileError("a native PostgreSQL enum needs a name")
            ns = self.namespaces[schema] if keep_namespace(schema, self.options) else None
            if ns is not None and impl.name not in ns.enums:
                ns.enums[impl.name] = model.EnumType(
                    name=impl.name, values=tuple(impl.enums), origin=self._origin(col.table)
                )
            return model.SqlType("enum", enum=f"{schema}.{impl.name}", array=array)
        return compiled_type(col.type, self.d)

    def _is_rowid(self, table: sa.Table, col: sa.Column) -> bool:
        """SQLite makes a lone INTEGER primary key of a rowid table an alias of the rowid."""
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0] is not col:
            return False
        if table.dialect_options["sqlite"].get("with_rowid") is False:
            return False
        text = col.type.compile(dialect=self.dialect)
        return " ".join(text.split()).upper() == "INTEGER"

    def _client_default(self, col: sa.Column) -> model.Default | None:
        # A callable run on every update says more than the default beside it (Prisma's
        # @updatedAt is `default=f, onupdate=f`): recorded as "onupdate=<name>".
        update = col.onupdate
        if update is not None and getattr(update, "is_callable", False):
            return model.Default("client", f"onupdate={_callable_name(update.arg)}")
        for generator in (col.default, col.onupdate):
            if generator is None:
                continue
            if isinstance(generator, sa.Sequence):
                if not self.pg or generator.optional:
                    continue
                schema = generator.schema or self.metadata.schema or "public"
                return model.Default("client", f"nextval('{schema}.{generator.name}')")
            arg = getattr(generator, "arg", None)
            if getattr(generator, "is_callable", False):
                return model.Default("client", _callable_name(arg))
            if getattr(generator, "is_clause_element", False):
                return model.Default("client", self._sql(arg))
            if isinstance(arg, enum.Enum):
                return model.Default("client", str(arg))
            return model.Default("client", repr(arg))
        return None

    # -- foreign keys and indexes -------------------------------------------

    def _foreign_key(
        self, table: sa.Table, constraint: sa.ForeignKeyConstraint, ns: _Namespace, origin: model.Origin
    ) -> model.ForeignKey:
        cols = tuple(c.name for c in constraint.columns)
        try:
            targets = [element.column for element in constraint.elements]
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(table, None, exc) from None
        ref = targets[0].table
        name = self._given_name(constraint)
        if name is None and self.pg:
            name = self._pg_name(ns, table.name, "_".join(cols), "fkey")
        return model.ForeignKey(
            name=name,
            columns=cols,
            ref_table=ref.name,
            ref_columns=tuple(c.name for c in targets),
            ref_schema=self._ns_name(ref.schema) if self.pg else None,
            on_delete=model_action(constraint.ondelete),
            on_update=model_action(constraint.onupdate),
            origin=origin,
        )

    def _index(self, table: sa.Table, index: sa.Index, origin: model.Origin) -> model.Index | None:
        name = self._given_name(index)
        if name is None:
            self.notes.append(f"{table.fullname}: an index without a name is not created by SQLAlchemy and was skipped")
            return None
        pg_options = index.dialect_options["postgresql"] if self.pg else {}
        ops = dict(pg_options.get("ops") or {}) if self.pg else {}
        elements = []
        for expr in index.expressions:
            descending, nulls = False, None
            while isinstance(expr, UnaryExpression) and expr.modifier in _ORDER_MODIFIERS:
                modifier = expr.modifier
                if modifier is operators.desc_op:
                    descending = True
                elif modifier is operators.nulls_first_op:
                    nulls = True
                elif modifier is operators.nulls_last_op:
                    nulls = False
                expr = expr.element
            if isinstance(expr, sa.Column) and expr.table is table:
                column, expression = expr.name, None
                opclass = ops.get(expr.key) or ops.get(expr.name)
            else:
                column, expression = None, unwrap_parens(self._sql(expr))
                opclass = ops.get(getattr(expr, "key", None) or "") if hasattr(expr, "key") else None
                # sa.desc("created_at") names a column by text: the database sees a column.
                named = _column_named(expression, table)
                if named is not None:
                    column, expression = named, None
                    opclass = opclass or ops.get(named)
            if not self.pg:
                nulls = None  # SQLite keeps no NULLS FIRST/LAST in its catalog
            elements.append(
                model.IndexElement(
                    column=column,
                    expression=expression,
                    descending=descending,
                    nulls_first=None if nulls is None or nulls == descending else nulls,
                    opclass=opclass,
                )
            )
        where_clause = pg_options.get("where") if self.pg else index.dialect_options["sqlite"].get("where")
        include = pg_options.get("include") or () if self.pg else ()
        return model.Index(
            name=name,
            elements=tuple(elements),
            unique=bool(index.unique),
            method=(pg_options.get("using") or "btree").lower() if self.pg else "btree",
            where=unwrap_parens(self._sql(_as_clause(where_clause))) if where_clause is not None else None,
            include=tuple(c if isinstance(c, str) else c.name for c in include),
            origin=origin,
        )


_ORDER_MODIFIERS = (operators.desc_op, operators.asc_op, operators.nulls_first_op, operators.nulls_last_op)


_NUMERIC_KINDS = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double"})
_BOOLEAN_WORDS = {"true": "true", "t": "true", "yes": "true", "on": "true", "1": "true",
                  "false": "false", "f": "false", "no": "false", "off": "false", "0": "false"}
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")


def _pg_coerced_literal(default: model.Default | None, sql_type: model.SqlType) -> model.Default | None:
    """The default PostgreSQL stores for a quoted literal: `'0'` on a numeric column is the number 0.

    PostgreSQL coerces a string constant to the column's type when the default is
    created, so `server_default="0"` reads back as a number and `"true"` as a boolean.
    """
    if default is None or default.kind != "literal" or sql_type.array or not default.value.startswith("'"):
        return default
    body = default.value[1:-1].strip()
    if sql_type.name in _NUMERIC_KINDS and _NUMBER_RE.match(body):
        return classify_default(body, "postgresql")
    if sql_type.name == "boolean" and body.lower() in _BOOLEAN_WORDS:
        return model.Default("literal", _BOOLEAN_WORDS[body.lower()])
    return default


def _column_named(text: str, table: sa.Table) -> str | None:
    """The column an expression's text is nothing but (`created_at`, `"Created"`), if any."""
    if len(text) > 1 and text[0] == text[-1] == '"':
        name = text[1:-1].replace('""', '"')
    else:
        name = text
    return name if name in table.columns else None


def _as_clause(value: Any) -> Any:
    return sa.text(value) if isinstance(value, str) else value


def _callable_name(fn: Any) -> str:
    target = getattr(fn, "__wrapped__", fn)
    return getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)




def _referenced_columns(clause: Any, text: str, table: sa.Table) -> list[str]:
    """Distinct columns of `table` a CHECK expression mentions (PostgreSQL names a one-column check after it)."""
    found: list[str] = []
    has_text = isinstance(clause, TextClause)
    for element in sa.sql.visitors.iterate(clause):
        if isinstance(element, sa.Column) and element.table is table and element.name not in found:
            found.append(element.name)
        if isinstance(element, TextClause):
            has_text = True
    if has_text:
        # Words outside string literals that name a column of the table.
        bare = re.sub(r"'(?:[^']|'')*'", "''", text)
        names = {c.name for c in table.columns}
        for word in re.findall(r'"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b', bare):
            name = word[0].replace('""', '"') if word[0] else word[1]
            if name in names and name not in found:
                found.append(name)
    return found


_TYPE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def _unless_default(value: int | None, fixed_default: int | None, data_type: str, which: str) -> int | None:
    """A sequence bound, or None when it is what PostgreSQL would choose anyway."""
    if value is None:
        return None
    low, high = _TYPE_BOUNDS.get(data_type, (None, None))
    if fixed_default is not None and value == fixed_default:
        return None
    if which == "max" and fixed_default is None and value == high:
        return None
    if which == "min" and fixed_default is None and value == low:
        return None
    return value


__all__ = ["import_module", "load_models", "metadata_of", "metadata_to_schema"]
