"""SA105: `autocommit=True` (Session mode or execution option) was removed in 2.0; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._report import keyword_value
from migrator.rewrite.sessions import dotted

SESSION_REASON = ("Session autocommit mode was removed in 2.0: drop autocommit=True and commit explicitly "
                  "(`with session.begin():` or session.commit())")
OPTION_REASON = ("the `autocommit` execution option was removed in 2.0: commit explicitly (`with engine.begin() as conn`, "
                 "conn.commit()), or use isolation_level=\"AUTOCOMMIT\" for driver-level autocommit")


class Autocommit(Rule):
    """autocommit=True for sessionmaker()/Session() or as an execution option was removed in 2.0"""

    code = "SA105"
    safety = "report"
    needles = ("autocommit",)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else (dotted(func) or "")
        if _true(keyword_value(node, "autocommit")):
            if self._is_maker_call(node, ("factory",)) or self._is_session_type(node.func):
                self.report(node, SESSION_REASON)
            elif last == "execution_options" and isinstance(func, cst.Attribute) and self.imports_orm_layer:
                self.report(node, OPTION_REASON)
            return
        if last in ("create_engine", "engine_from_config", "execution_options") and self.imports_orm_layer:
            options = keyword_value(node, "execution_options")
            if last == "execution_options":  # .execution_options(**{"autocommit": True})
                options = next((a.value for a in node.args if a.star == "**"), None)
            if isinstance(options, cst.Dict) and any(
                    isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                    and e.key.evaluated_value == "autocommit" and _true(e.value) for e in options.elements):
                self.report(node, OPTION_REASON)


def _true(value) -> bool:
    return value is not None and not (isinstance(value, cst.Name) and value.value in ("False", "None"))
