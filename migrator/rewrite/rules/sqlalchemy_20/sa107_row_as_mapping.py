"""SA107: Row-as-mapping uses SA009 cannot convert, reported.

- `dict(row)`, `row.keys()`/`.items()`/`.values()`/`.has_key(k)`, `row["col"]` where `row` plausibly
  is a SQLAlchemy Row but not provably: it comes from `x.execute(…)` (a loop over it, or its
  `.first()`/`.fetchone()`/`.fetchall()`…) in a module that imports SQLAlchemy, and `x` is not a
  provable Connection or Session. Modules that import a DBAPI driver (sqlite3, psycopg,
  psycopg2, pymysql, MySQLdb) are left alone: their cursors' rows are not SQLAlchemy's.
- `"col" in row` on any (provable or plausible) Row: a 1.x LegacyRow tested its keys, a 2.0 Row
  (and a 1.4 Session row) tests its values, so no rewrite is right for every 1.x source.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._core import ROW_METHODS, ROWS_METHODS, CoreRule
from migrator.rewrite.sessions import dotted

DRIVERS = ("sqlite3", "psycopg", "psycopg2", "pymysql", "MySQLdb", "aiosqlite", "asyncpg", "cx_Oracle", "oracledb")
MAPPING_METHODS = ("keys", "items", "values", "has_key")
HOW = ("use row._mapping (`dict(row._mapping)`, `row._mapping.keys()`, `row._mapping[\"col\"]`); if the receiver "
       "of execute() is a Session or a Connection, say so (a `Session`/`Connection` annotation or --session-name) "
       "and SA009 converts it")


class RowAsMapping(CoreRule):
    """dict(row) / row.keys() / row["col"] / "col" in row where row may be a SQLAlchemy Row: reported"""

    code = "SA107"
    safety = "report"
    needles = ('["', "['", "dict(", ".keys()", ".items()", ".values()", ".has_key(", " in ")
    required = (".execute(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._driver = False

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        if any((dotted(a.name) or "").split(".")[0] in DRIVERS for a in node.names):
            self._driver = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is not None and (dotted(node.module) or "").split(".")[0] in DRIVERS:
            self._driver = True

    # -- plausible rows: from an execute() whose receiver is unproven --------------------
    def _maybe(self, value: Optional[cst.BaseExpression]) -> Optional[str]:
        if value is None:
            return None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            method, receiver = value.func.attr.value, value.func.value
            if method == "execute":
                return "maybe_result"
            if method in ROW_METHODS and self._maybe(receiver) == "maybe_result":
                return "maybe_row"
            if method in ROWS_METHODS and self._maybe(receiver) == "maybe_result":
                return "maybe_rows"
            return None
        name = dotted(value)
        kind = self._lookup(name) if name else None
        return kind if kind in ("maybe_result", "maybe_row", "maybe_rows") else None

    def bind(self, target, value, annotation=None) -> None:
        super().bind(target, value, annotation)
        if isinstance(target, cst.Name) and self.scopes[-1].get(target.value) == "unknown" and annotation is None:
            kind = self._maybe(value)
            if kind:
                self.scopes[-1][target.value] = kind

    def _bind_loop(self, target, iterable) -> None:
        super()._bind_loop(target, iterable)
        if isinstance(target, cst.Name) and self.scopes[-1].get(target.value) == "unknown" \
                and self._maybe(iterable) in ("maybe_result", "maybe_rows"):
            self.scopes[-1][target.value] = "maybe_row"

    def _row_kind(self, node: cst.BaseExpression) -> Optional[str]:
        if self._driver or not self.imports_orm_layer:
            return None
        if self.is_row(node):
            return "row"
        return "maybe" if self._maybe(node) == "maybe_row" else None

    def _plausible(self, node: cst.BaseExpression) -> bool:
        return self._row_kind(node) == "maybe"

    def _what(self, node: cst.BaseExpression) -> str:
        return f"`{self.module_node.code_for_node(node)}`"

    # -- sites ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "dict" and len(node.args) == 1 and not node.args[0].star \
                and not node.args[0].keyword and self._plausible(node.args[0].value):
            self.report(node, f"`dict({self.module_node.code_for_node(node.args[0].value)})`: {self._what(node.args[0].value)} "
                              "may be a SQLAlchemy Row (it comes from an execute() whose receiver is not provably a "
                              "Connection or Session); a 2.0 Row is a named tuple, dict() of it fails; " + HOW)
        elif isinstance(func, cst.Attribute) and func.attr.value in MAPPING_METHODS and self._plausible(func.value):
            shown = self.module_node.code_for_node(func.value)
            self.report(node, f"`{shown}.{func.attr.value}()`: `{shown}` may be a SQLAlchemy "
                              "Row (it comes from an execute() whose receiver is not provably a Connection or Session); "
                              f"2.0 Rows have no {func.attr.value}(); " + HOW)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return
        key = node.slice[0].slice.value
        if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) and self._plausible(node.value):
            self.report(node, f"{self._what(node.value)} indexed by a string: it may be a SQLAlchemy Row (it comes from an "
                              "execute() whose receiver is not provably a Connection or Session), which takes positions "
                              "only in 2.0; " + HOW)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            kind = self._row_kind(target.comparator) if isinstance(target.operator, (cst.In, cst.NotIn)) else None
            if kind is not None:
                what = "the Row" if kind == "row" else "what may be a Row,"
                self.report(node, f"`in` on {what} {self._what(target.comparator)}: a 1.x LegacyRow (Connection results) "
                                  "tested its keys, a 2.0 Row (and a 1.4 Session row) tests its values; write "
                                  "`key in row._mapping` for a column name or `value in tuple(row)` for a value")

