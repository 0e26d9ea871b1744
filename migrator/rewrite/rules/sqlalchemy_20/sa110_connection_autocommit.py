"""SA110: a write on a connection from `engine.connect()` that nothing commits: 1.x committed it
at once (library-level autocommit), 2.0 rolls it back when the connection closes. Reported.

A write is what 1.x autocommitted: an INSERT/UPDATE/DELETE construct, or SQL text (a literal,
text("…"), or a name bound once to one) starting with UPDATE, INSERT, CREATE, DELETE, DROP or
ALTER. Only connections opened by `engine.connect()` in the same function (assigned or
`with … as conn`) are followed; a function that calls `conn.commit()`, `conn.begin()`,
`conn.begin_nested()` or `conn.rollback()` manages its transactions and is left alone, and so
is a connection with `isolation_level="AUTOCOMMIT"`. (A 1.4 engine made with future=True did not
autocommit either; the reason says so, as SA109 removes that flag and a second run cannot know.)
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule, autocommits

TRANSACTION_METHODS = ("commit", "begin", "begin_nested", "rollback")


class ConnectionAutocommit(CoreRule):
    """conn.execute(<INSERT/UPDATE/DELETE…>) on engine.connect() with no commit: 1.x autocommitted, 2.0 rolls back"""

    code = "SA110"
    safety = "report"
    needles = (".connect(",)
    required = (".execute(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._opened: list[dict[str, cst.CSTNode]] = [{}]  # per scope: connection name -> its connect() call

    def push_scope(self, params=None) -> None:
        super().push_scope(params)
        self._opened.append({})

    def pop_scope(self) -> None:
        super().pop_scope()
        self._opened.pop()

    def bind(self, target, value, annotation=None) -> None:
        super().bind(target, value, annotation)
        if not isinstance(target, cst.Name):
            return
        if self._is_connect(value):
            self._opened[-1][target.value] = value
        else:
            self._opened[-1].pop(target.value, None)

    def _is_connect(self, value: Optional[cst.BaseExpression]) -> bool:
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)):
            return False
        if value.func.attr.value == "execution_options":
            if any(a.keyword is not None and a.keyword.value == "isolation_level" for a in value.args):
                return False
            return self._is_connect(value.func.value)
        return value.func.attr.value == "connect" and not value.args and self.is_engine(value.func.value)

    def _opened_by_connect(self, name: str) -> bool:
        for scope, opened in zip(reversed(self.scopes), reversed(self._opened)):
            if name in opened:
                return True
            if name in scope:
                return False
        return False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute" and node.args
                and isinstance(func.value, cst.Name) and node.args[0].keyword is None and not node.args[0].star):
            return
        name = func.value.value
        if not self._opened_by_connect(name):
            return
        sql = node.args[0].value
        if isinstance(sql, cst.Name):
            verdict, bound, _ = self.string_source(sql)
            sql = bound if verdict == "literal" and isinstance(bound, cst.BaseExpression) else (self.single_value(sql) or sql)
        if not autocommits(sql, self.text_name):
            return
        scope = self.functions[-1] if self.functions else self.module_node
        managed = [c for c in m.findall(scope, m.Call(func=m.Attribute(value=m.Name(name))))
                   if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value in TRANSACTION_METHODS]
        if managed:
            return
        self.report(node, f"a write on `{name}`, opened with engine.connect(), and nothing commits it: 1.x committed it at "
                          "once (autocommit, unless the engine was made with future=True), 2.0 never autocommits and rolls "
                          f"it back when the connection closes; call `{name}.commit()` after it, or open the connection "
                          "with `engine.begin()`")

