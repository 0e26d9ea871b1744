"""SA105: `autocommit=True` (Session mode or execution option) was removed in 2.0; reported, never changed.

Forms: sessionmaker(…)/Session(…)/scoped_session(sessionmaker(…)) and `<factory>.configure(…)`
with autocommit=True (or a value not literally False: 2.0 accepts only autocommit=False);
Flask-SQLAlchemy's `SQLAlchemy(session_options={"autocommit": True})`; the `autocommit` execution
option on an engine, connection or statement (`.execution_options(autocommit=True)`,
`create_engine(execution_options={"autocommit": True})`, `**{"autocommit": True}`).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._report import keyword_value
from migrator.rewrite.sessions import dotted

SESSION_REASON = ("Session autocommit mode was removed in 2.0 (only autocommit=False is accepted): drop {what} and "
                  "commit explicitly (`with session.begin():` or session.commit()); code that relied on autocommit "
                  "mode's flush-and-commit per operation needs review")
OPTION_REASON = ("the `autocommit` execution option was removed in 2.0 ({what}): 2.0 accepts and ignores it, so "
                 "nothing is committed any more: commit explicitly "
                 "(`with engine.begin() as conn`, conn.commit()), or use isolation_level=\"AUTOCOMMIT\" for driver-level autocommit")
FLASK_REASON = ("Session autocommit mode was removed in 2.0: drop \"autocommit\" from SQLAlchemy(session_options=…) and "
                "commit explicitly (db.session.commit())")


class Autocommit(Rule):
    """autocommit=True for sessionmaker()/Session()/.configure() or as an execution option was removed in 2.0"""

    code = "SA105"
    safety = "report"
    needles = ("autocommit",)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else (dotted(func) or "")
        value = keyword_value(node, "autocommit")
        if value is not None and not _false(value):
            what = f"autocommit={self.module_node.code_for_node(value)}"
            if not (isinstance(value, cst.Name) and value.value == "True"):
                what += " (not provably False)"
            if self._is_maker_call(node, ("factory",)) or self._is_session_type(node.func) or self._is_configure(node):
                self.report(node, SESSION_REASON.format(what=what))
            elif last == "execution_options" and isinstance(func, cst.Attribute) and self.imports_orm_layer:
                self.report(node, OPTION_REASON.format(what=what))
            return
        if last in ("create_engine", "engine_from_config", "execution_options", "create_async_engine") and self.imports_orm_layer:
            options = keyword_value(node, "execution_options")
            if last == "execution_options":  # .execution_options(**{"autocommit": True})
                options = next((a.value for a in node.args if a.star == "**"), None)
            entry = _entry(options, "autocommit")
            if entry is not None and not _false(entry):
                self.report(node, OPTION_REASON.format(what=f"\"autocommit\": {self.module_node.code_for_node(entry)}"))
            return
        if (dotted(func) or "").split(".")[-1] == "SQLAlchemy" and self.flask_sqlalchemy:
            entry = _entry(keyword_value(node, "session_options"), "autocommit")
            if entry is not None and not _false(entry):
                self.report(node, FLASK_REASON)

    def _is_configure(self, node: cst.Call) -> bool:
        """`Factory.configure(…)` on a sessionmaker/scoped_session, or `Session.configure(…)` of a scoped_session."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "configure"):
            return False
        receiver = func.value
        name = dotted(receiver)
        return (self._is_maker_call(receiver, ("factory", "scoped"))
                or (name is not None and (self._lookup(name) in ("factory", "scoped") or self.maker_names.get(name) is not None)))


def _entry(options: Optional[cst.BaseExpression], key: str) -> Optional[cst.BaseExpression]:
    if not isinstance(options, cst.Dict):
        return None
    return next((e.value for e in options.elements if isinstance(e, cst.DictElement)
                 and isinstance(e.key, cst.SimpleString) and e.key.evaluated_value == key), None)


def _false(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value in ("False", "None")
