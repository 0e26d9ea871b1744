"""SA009: a Core Row used as a mapping becomes `row._mapping`: `row["col"]` -> `row._mapping["col"]`,
`dict(row)` -> `dict(row._mapping)`, `row.keys()` / `.items()` / `.values()` -> `row._mapping.…()`,
`row.has_key(k)` -> `k in row._mapping`.

Only where `row` is provably a SQLAlchemy Row (see _core: a loop over, or `.first()`/`.one()`…
of, an execute() on a provable Connection or Session). 1.x rows answered these through their
keys (1.4 with a deprecation warning); 2.0 Rows are named tuples: `dict(row)` iterates values,
`row.keys()` is gone. `row._mapping` answers them in 1.4 and 2.0 alike. A 1.3 `keys()` list that
is indexed (`row.keys()[0]`) becomes `list(row._mapping.keys())[0]`. `"col" in row` is SA107's:
it tested keys on 1.x LegacyRows but values on 1.4 Session rows, so it is never converted.
"""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule

MAPPING_METHODS = ("keys", "items", "values")
# Where `k in row._mapping` needs no parentheses.
SAFE_PARENTS = (cst.Assign, cst.AnnAssign, cst.Return, cst.If, cst.While, cst.Arg, cst.BooleanOperation, cst.Expr,
                cst.Element, cst.DictElement, cst.UnaryOperation)


class RowStringKey(CoreRule):
    """row["col"], dict(row), row.keys()/items()/values()/has_key() on a Core Row -> row._mapping forms (integer indexes stay)"""

    code = "SA009"
    safety = "safe"
    needles = ('["', "['", ".c.", "dict(", ".keys()", ".items()", ".values()", ".has_key(")
    required = (".execute(",)  # rows come from an execute() in the same module

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        if len(updated_node.slice) != 1 or not isinstance(updated_node.slice[0].slice, cst.Index):
            return updated_node
        if not self.is_row(updated_node.value):
            return updated_node
        key = updated_node.slice[0].slice.value
        if isinstance(key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) or _is_column(key):
            return updated_node.with_changes(value=_mapping(updated_node.value))
        if isinstance(key, cst.Integer) or (isinstance(key, cst.UnaryOperation) and isinstance(key.expression, cst.Integer)):
            return updated_node  # positional access is still a Row's own
        if isinstance(key, cst.Slice):
            return updated_node
        self.report(original_node, "Row indexed by a key that is not a literal: in 2.0 a Row takes positions only; "
                                   "use row._mapping[key] if the key is a name or a column")
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        # dict(row) -> dict(row._mapping)
        if (isinstance(func, cst.Name) and func.value == "dict" and len(updated_node.args) == 1
                and not updated_node.args[0].keyword and not updated_node.args[0].star
                and self._builtin("dict") and self.is_row(original_node.args[0].value)):
            arg = updated_node.args[0]
            return updated_node.with_changes(args=[arg.with_changes(value=_mapping(arg.value))])
        if not (isinstance(func, cst.Attribute) and isinstance(original_node.func, cst.Attribute)
                and self.is_row(original_node.func.value)):
            return updated_node
        method = func.attr.value
        if method in MAPPING_METHODS and not updated_node.args:
            call = updated_node.with_changes(func=func.with_changes(value=_mapping(func.value)))
            parent = self.parent(original_node)
            if isinstance(parent, cst.Subscript) and parent.value is original_node and self._builtin("list"):
                return cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])  # 1.3 returned lists
            return call
        if method == "has_key" and len(updated_node.args) == 1 and not updated_node.args[0].keyword:
            test = cst.Comparison(left=updated_node.args[0].value, comparisons=[
                cst.ComparisonTarget(operator=cst.In(), comparator=_mapping(func.value))])
            if not isinstance(self.parent(original_node), SAFE_PARENTS):
                test = test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return test
        return updated_node

    def _builtin(self, name: str) -> bool:
        return name not in self.module_bindings and not any(name in scope for scope in self.scopes)


def _mapping(node: cst.BaseExpression) -> cst.Attribute:
    return cst.Attribute(node, cst.Name("_mapping"))


def _is_column(node: cst.BaseExpression) -> bool:
    """`table.c.x`, `table.columns.x`, `Model.__table__.c.x`."""
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Attribute) and node.value.attr.value in ("c", "columns")
