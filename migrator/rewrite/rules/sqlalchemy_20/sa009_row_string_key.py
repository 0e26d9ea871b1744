"""SA009: `row["col"]` on a Core Row becomes `row._mapping["col"]`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule


class RowStringKey(CoreRule):
    """row["col"] / row[table.c.col] on a Core Row -> row._mapping[…] (integer indexes stay)"""

    code = "SA009"
    safety = "safe"
    needles = ('["', "['", ".c.")
    required = (".execute(",)  # rows come from an execute() in the same module

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if len(updated_node.slice) != 1 or not isinstance(updated_node.slice[0].slice, cst.Index):
            return updated_node
        if not self.is_row(updated_node.value):
            return updated_node
        key = updated_node.slice[0].slice.value
        if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) or _is_column(key):
            return updated_node.with_changes(value=cst.Attribute(updated_node.value, cst.Name("_mapping")))
        if isinstance(key, cst.Integer) or (isinstance(key, cst.UnaryOperation) and isinstance(key.expression, cst.Integer)):
            return updated_node  # positional access is still a Row's own
        self.report(original_node, "Row indexed by a key that is not a literal: in 2.0 a Row takes positions only; "
                                   "use row._mapping[key] if the key is a name or a column")
        return updated_node


def _is_column(node: cst.BaseExpression) -> bool:
    """`table.c.x`, `table.columns.x`, `Model.__table__.c.x`."""
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Attribute) and node.value.attr.value in ("c", "columns")
