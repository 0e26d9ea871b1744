"""A schema as rich terminal tables: one table per database table, then enums, views, sequences."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from migrator.schema import Column, Default, Schema, Table
from migrator.types import render_type


def describe_default(default: Default | None) -> str:
    if default is None:
        return ""
    if default.kind == "sequence":
        return f"nextval({default.value})"
    if default.kind == "client":
        return f"{default.value} (client-side)"
    return default.value


def _column_extra(col: Column) -> str:
    extras = []
    if col.identity is not None:
        extras.append(f"identity {col.identity.generation.replace('_', ' ')}")
    if col.generated:
        extras.append(f"generated ({col.generated})")
    if col.comment:
        extras.append(f"-- {col.comment}")
    return "; ".join(extras)


def _table_renderable(ns: str, table: Table) -> RenderableType:
    title = f"{ns}.{table.name}"
    if table.comment:
        title += f"  -- {table.comment}"
    # Everything shown is data (names, SQL, comments), given as Text: never read as rich markup.
    grid = RichTable(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, title_style="bold")
    # Values are never cut short: on a narrow console they wrap (a long word folds) in their cell.
    grid.add_column("column", overflow="fold")
    grid.add_column("type", overflow="fold")
    grid.add_column("null", overflow="fold")
    grid.add_column("default", overflow="fold")
    grid.add_column("", overflow="fold")
    pk = set(table.primary_key.columns) if table.primary_key else set()
    for col in table.columns:
        name = Text(col.name, style="bold" if col.name in pk else "")
        grid.add_row(
            name,
            Text(render_type(col.type, "canonical")),
            "" if col.nullable else "not null",
            Text(describe_default(col.default)),
            Text(_column_extra(col)),
        )
    lines: list[str] = []
    if table.primary_key:
        lines.append(f"primary key {_named(table.primary_key.name)}({', '.join(table.primary_key.columns)})")
    for u in table.uniques:
        lines.append(f"unique {_named(u.name)}({', '.join(u.columns)})")
    for idx in table.indexes:
        text = f"{'unique ' if idx.unique else ''}index {_named(idx.name)}"
        if idx.method != "btree":
            text += f"using {idx.method} "
        text += f"({', '.join(e.label() for e in idx.elements)})"
        if idx.include:
            text += f" include ({', '.join(idx.include)})"
        if idx.where:
            text += f" where {idx.where}"
        lines.append(text)
    for fk in table.foreign_keys:
        target = f"{fk.ref_schema + '.' if fk.ref_schema else ''}{fk.ref_table}"
        text = f"foreign key {_named(fk.name)}({', '.join(fk.columns)}) -> {target}({', '.join(fk.ref_columns)})"
        actions = []
        if fk.on_delete != "NO ACTION":
            actions.append(f"on delete {fk.on_delete.lower()}")
        if fk.on_update != "NO ACTION":
            actions.append(f"on update {fk.on_update.lower()}")
        if actions:
            text += " " + ", ".join(actions)
        lines.append(text)
    for check in table.checks:
        lines.append(f"check {_named(check.name)}({check.expression})")
    if not lines:
        return grid
    return Group(grid, Text("\n".join("  " + line for line in lines), style="dim"), Text(""))


def _named(name: str | None) -> str:
    return f"{name} " if name else ""


def render_text(schema: Schema, console: Console) -> None:
    """Print `schema` to `console`."""
    header = f"{schema.source or 'schema'} ({schema.dialect})"
    console.print(Text(header, style="bold underline"))
    for note in schema.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    total = 0
    for ns in schema.namespaces:
        for table in ns.tables:
            console.print(_table_renderable(ns.name, table))
            total += 1
        for enum in ns.enums:
            console.print(Text.assemble("enum ", (f"{ns.name}.{enum.name}", "bold"), f": {', '.join(enum.values)}"), highlight=False)
        for view in ns.views:
            kind = "materialized view" if view.materialized else "view"
            console.print(Text.assemble(f"{kind} ", (f"{ns.name}.{view.name}", "bold"), f": {' '.join(view.definition.split())}"), highlight=False)
        for seq in ns.sequences:
            owned = f" owned by {seq.owned_by}" if seq.owned_by else ""
            console.print(Text.assemble("sequence ", (f"{ns.name}.{seq.name}", "bold"), f" {seq.data_type} start {seq.start} increment {seq.increment}{owned}"), highlight=False)
    for ext in schema.extensions:
        version = f" {ext.version}" if ext.version else ""
        console.print(Text.assemble("extension ", (ext.name, "bold"), version), highlight=False)
    counts = summary_counts(schema)
    console.print(
        Text(
            f"{counts['tables']} tables, {counts['columns']} columns, {counts['indexes']} indexes, "
            f"{counts['foreign_keys']} foreign keys, {counts['enums']} enums, {counts['views']} views",
            style="bold",
        )
    )


def summary_counts(schema: Schema) -> dict[str, int]:
    tables = [t for ns in schema.namespaces for t in ns.tables]
    return {
        "namespaces": len(schema.namespaces),
        "tables": len(tables),
        "columns": sum(len(t.columns) for t in tables),
        "indexes": sum(len(t.indexes) for t in tables),
        "foreign_keys": sum(len(t.foreign_keys) for t in tables),
        "enums": sum(len(ns.enums) for ns in schema.namespaces),
        "views": sum(len(ns.views) for ns in schema.namespaces),
    }
