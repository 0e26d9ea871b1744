"""SA114: the `Session.transaction` attribute was removed in 2.0; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule

NESTED = ("`{s}.transaction.nested`: Session.transaction was removed in 2.0; `{s}.in_nested_transaction()` "
          "tells whether a SAVEPOINT is open (1.x also began a transaction when the attribute was read)")
PLAIN = ("`{s}.transaction`: Session.transaction was removed in 2.0; `{s}.get_transaction()` returns the outermost "
         "transaction and `{s}.get_nested_transaction()` the innermost SAVEPOINT, each None when there is none "
         "(1.x returned the innermost one, and began one when none was unless the Session was future=True); "
         "`{s}.in_transaction()` "
         "tells whether one is begun")


class SessionTransaction(Rule):
    """Session.transaction was removed in 2.0: get_transaction() / get_nested_transaction() (different semantics)"""

    code = "SA114"
    safety = "report"
    needles = (".transaction",)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "transaction" or not self.is_session(node.value):
            return
        parent = self.parent(node)
        session = cst.Module([]).code_for_node(node.value)
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "nested":
            self.report(node, NESTED.format(s=session))
        else:
            self.report(node, PLAIN.format(s=session))
