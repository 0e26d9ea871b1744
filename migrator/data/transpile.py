"""FROM's schema as the target engine will hold it: the tables a copy creates, and what it adds after the rows.

`transpile(source, dialect, namespace, types)` renames the namespace, gives each column the
type the copy decided (migrator.data.upgrades), turns SQLite's rowid and AUTOINCREMENT keys
into identity columns, and carries SQL text (defaults, checks, index expressions and
predicates, views) across dialects with sqlglot. What cannot be carried is left out and
said, never kept half-right: a dropped expression default, a collation PostgreSQL lacks.

`phases(schema)` splits the result the way a bulk load wants it: bare tables (columns
only) created before the rows, and the rest (keys, uniques, indexes, checks, foreign keys,
views) added after them, as migrator's own diff from one to the other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from migrator import schema as model

# SQLite collations PostgreSQL has no counterpart for under the same name; "BINARY" is the default.
_DROPPED_COLLATIONS = {"nocase", "rtrim"}
_BOOLEAN_LITERALS = {"0": "false", "1": "true", "'0'": "false", "'1'": "true", "false": "false", "true": "true"}


@dataclass
class Transpiled:
    schema: model.Schema
    warnings: list[str] = field(default_factory=list)
    # FROM table name -> TO table (namespace, name), for every table the copy moves.
    tables: dict[str, tuple[str, str]] = field(default_factory=dict)


def transpile(source: model.Schema, dialect: str, namespace: str,
              types: dict[tuple[str, str], model.SqlType]) -> Transpiled:
    """FROM's tables in `dialect` under `namespace`, with the decided column types."""
    out = Transpiled(model.Schema(dialect=dialect, source=source.source))
    same_engine = source.dialect == dialect
    tables: list[model.Table] = []
    views: list[model.View] = []
    for ns in source.namespaces:
        for table in ns.tables:
            tables.append(_table(table, ns.name, namespace, dialect, same_engine, types, out.warnings))
            out.tables[table.name] = (namespace, table.name)
        for view in ns.views:
            text = view.definition if same_engine else _expression(view.definition, source.dialect, dialect, None)
            if text is None:
                out.warnings.append(f"view {view.name}: its query could not be carried to {dialect}; not created")
                continue
            views.append(dataclasses.replace(view, definition=text, indexes=(), options=()) if not same_engine else view)
    enums = tuple(e for ns in source.namespaces for e in ns.enums) if same_engine else ()
    sequences = tuple(s for ns in source.namespaces for s in ns.sequences) if same_engine else ()
    out.schema = model.Schema(
        dialect=dialect,
        namespaces=(model.Namespace(namespace, tables=tuple(tables), views=tuple(views), enums=enums, sequences=sequences),),
        extensions=source.extensions if same_engine else (),
        source=source.source,
    ).canonical()
    return out


def _table(table: model.Table, from_ns: str, to_ns: str, dialect: str, same_engine: bool,
           types: dict[tuple[str, str], model.SqlType], warnings: list[str]) -> model.Table:
    def carry(text: str | None, what: str) -> str | None:
        if text is None or same_engine:
            return text
        carried = _expression(text, "sqlite" if dialect == "postgresql" else "postgres", dialect, None)
        if carried is None:
            warnings.append(f"{table.name}: {what} `{text}` could not be carried to {dialect}; left out")
        return carried

    columns = []
    for col in table.columns:
        target = types.get((table.name, col.name), col.type)
        identity = col.identity
        default = col.default
        if not same_engine:
            if identity is not None and identity.generation in ("rowid", "autoincrement"):
                identity = model.Identity("by_default") if dialect == "postgresql" else identity
            elif identity is not None and dialect == "sqlite":
                identity = model.Identity("rowid")
            default = _default(default, target, table.name, col.name, dialect, warnings)
        collation = col.collation
        if collation and not same_engine and collation.lower() in _DROPPED_COLLATIONS | {"binary"}:
            if collation.lower() != "binary":
                warnings.append(f"{table.name}.{col.name}: collation {collation} has no {dialect} counterpart; left out")
            collation = None
        generated = carry(col.generated, f"generated column {col.name}") if col.generated else None
        if col.generated and generated is None:
            continue
        columns.append(dataclasses.replace(col, type=target, identity=identity, default=default, collation=collation,
                                           generated=generated))
    checks = []
    for check in table.checks:
        text = carry(check.expression, f"check {check.name or ''}".strip())
        if text is not None:
            checks.append(dataclasses.replace(check, expression=text))
    indexes = []
    for index in table.indexes:
        elements = []
        ok = True
        for element in index.elements:
            if element.expression is not None:
                text = carry(element.expression, f"index {index.name} expression")
                ok = ok and text is not None
                element = dataclasses.replace(element, expression=text)
            if element.collation and not same_engine:
                element = dataclasses.replace(element, collation=None)
            elements.append(element)
        where = carry(index.where, f"index {index.name} predicate") if index.where else None
        if ok and (index.where is None or where is not None):
            indexes.append(dataclasses.replace(index, elements=tuple(elements), where=where))
    fks = tuple(dataclasses.replace(fk, ref_schema=to_ns if (fk.ref_schema in (None, from_ns)) else fk.ref_schema)
                for fk in table.foreign_keys)
    out = dataclasses.replace(table, columns=tuple(columns), checks=tuple(checks), indexes=tuple(indexes), foreign_keys=fks)
    return _fit_names(out, warnings) if dialect == "postgresql" else out


def _fit_names(table: model.Table, warnings: list[str]) -> model.Table:
    """Index and constraint names PostgreSQL can hold: cut to 63 bytes as PostgreSQL itself cuts them.

    SQLite keeps any length (Django names an index `app_model_a_b_f092bc2e_uniq`); PostgreSQL
    would cut such a name with a NOTICE, and migrator's diff compares names cut the same way.
    Two names that the cut makes equal keep 54 bytes and a hash of the whole name.
    """
    import hashlib

    from migrator.pgnames import NAME_LIMIT, truncate

    for name in (table.name, *(c.name for c in table.columns)):
        if len(name.encode()) > NAME_LIMIT:
            from migrator.errors import BadInput

            raise BadInput(f"{name}: a name longer than PostgreSQL's 63 bytes; rename it in FROM or give --schema-from")
    taken: set[str] = set()

    def fit(name: str | None) -> str | None:
        if name is None or len(name.encode()) <= NAME_LIMIT:
            if name:
                taken.add(name)
            return name
        short = truncate(name)
        if short in taken:
            short = truncate(name, NAME_LIMIT - 9) + "_" + hashlib.sha1(name.encode()).hexdigest()[:8]
        taken.add(short)
        warnings.append(f"{table.name}: {name} is longer than PostgreSQL's 63 bytes; created as {short}")
        return short

    return dataclasses.replace(
        table,
        primary_key=dataclasses.replace(table.primary_key, name=fit(table.primary_key.name)) if table.primary_key else None,
        uniques=tuple(dataclasses.replace(u, name=fit(u.name)) for u in table.uniques),
        indexes=tuple(dataclasses.replace(i, name=fit(i.name)) for i in table.indexes),
        checks=tuple(dataclasses.replace(c, name=fit(c.name)) for c in table.checks),
        foreign_keys=tuple(dataclasses.replace(f, name=fit(f.name)) for f in table.foreign_keys),
    )


def _default(default: model.Default | None, target: model.SqlType, table: str, column: str, dialect: str,
             warnings: list[str]) -> model.Default | None:
    if default is None or default.kind in ("current_timestamp", "client"):
        return default
    if default.kind == "literal":
        if target.name == "boolean" and dialect == "postgresql":
            value = _BOOLEAN_LITERALS.get(default.value.lower())
            if value is None:
                warnings.append(f"{table}.{column}: default {default.value} is not a boolean; left out")
                return None
            return model.Default("literal", value)
        if target.name == "boolean" and dialect == "sqlite":
            return model.Default("literal", {"true": "1", "false": "0"}.get(default.value.lower(), default.value))
        return default
    if default.kind == "sequence":
        return None  # the identity column owns its sequence
    carried = _expression(default.value, "sqlite" if dialect == "postgresql" else "postgres", dialect, None)
    if carried is None:
        warnings.append(f"{table}.{column}: default ({default.value}) could not be carried to {dialect}; left out")
        return None
    return model.Default("expression", carried)


def _expression(text: str, read: str, dialect: str, _unused: object) -> str | None:
    """An SQL expression (or a view's query) in another dialect through sqlglot; None when it cannot say it."""
    import sqlglot
    from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

    write = "postgres" if dialect == "postgresql" else dialect
    try:
        carried = sqlglot.transpile(text, read=read, write=write, unsupported_level=ErrorLevel.RAISE)
    except (ParseError, UnsupportedError, ValueError):
        return None
    return carried[0] if len(carried) == 1 else None


def phases(schema: model.Schema) -> tuple[model.Schema, model.Schema]:
    """(bare, full): the tables with their columns only, created before the rows; and the whole schema.

    Keys and indexes are built once over all the rows (faster than maintained row by row,
    as pgloader does too), and foreign keys and checks are checked once then.
    """
    bare_namespaces = []
    for ns in schema.namespaces:
        tables = tuple(dataclasses.replace(t, primary_key=None, uniques=(), indexes=(), foreign_keys=(), checks=(),
                                           exclusions=()) for t in ns.tables)
        bare_namespaces.append(dataclasses.replace(ns, tables=tables, views=()))
    return dataclasses.replace(schema, namespaces=tuple(bare_namespaces)), schema
