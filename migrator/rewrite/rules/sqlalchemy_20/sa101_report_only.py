"""SA101–SA102: legacy forms with no mechanical 2.0 equivalent; reported, never changed (SA103: sa103_engine_execute).

SA102 reports only the Query.scalar() calls SA018 does not convert (entity queries, chains select()
cannot express, receivers not provably a session), each with the reason it was left.
"""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted
from migrator.rewrite.rules.sqlalchemy_20._query import decompose, runner_for, unknown_entity, unsupported_step
from migrator.rewrite.rules.sqlalchemy_20.sa018_query_forms import converts_scalar


class FromSelf(Rule):
    """Query.from_self() was removed in 2.0: rewrite with an explicit subquery and aliased()"""

    code = "SA101"
    safety = "report"
    needles = (".from_self(",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "from_self" and decompose(node) is not None:
            self.report(node, "Query.from_self() was removed in 2.0; select from `stmt.subquery()` with aliased()")


class QueryScalar(Rule):
    """Query.scalar() on an entity or an unconvertible chain: the 2.0 form depends on the rows (SA018 converts the rest)"""

    code = "SA102"
    safety = "report"
    needles = (".scalar(",)
    required = (".query(",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        # The chain as SA018 leaves its inner calls (with_entities, yield_per), to agree with it.
        self._check(original_node, updated_node)
        return updated_node

    def _check(self, node: cst.Call, updated: cst.Call) -> None:
        chain = decompose(updated)
        if chain is None or chain.terminal != "scalar" or not (self.is_session(chain.receiver) or self.imports_orm_layer):
            return
        if converts_scalar(self, chain):
            return  # one row guaranteed (EXISTS, an aggregate) or a column query: SA018 converts it
        if not self.is_session(chain.receiver):
            name = dotted(chain.receiver) or "the receiver"
            why = f"`{name}` is not provably a Session (name it with --session-name to convert column queries)"
        else:
            why = unsupported_step(chain) or ("an entity query (legacy Query de-duplicated joined eager rows)"
                                              if runner_for(chain, self.options.entity_names) == "scalars"
                                              else unknown_entity(chain))
        self.report(node, f"Query.scalar() not converted: {why}; its 2.0 form is "
                          f"s.execute(select(…)).scalar_one_or_none() (raises on several rows, None on none; "
                          f"add .unique() before it with joined eager loading), or s.scalar(select(…)) when one "
                          f"row is guaranteed")
