"""SA109: `create_engine()` arguments 2.0 no longer takes.

- `future=True` (create_engine, create_async_engine, sessionmaker, Session): 2.0 is always
  "future"; the flag is removed. `future=False` (or a value that is not literally True) is a
  finding: 2.0 has no non-future mode, so the code relying on it needs review.
- `encoding=…` on create_engine: removed in 2.0 (a TypeError). `encoding="utf-8"` (or "utf8"),
  1.4's default, changed nothing and is removed; any other value is a finding naming the
  driver-level option to use instead.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._core import string_value
from migrator.rewrite.sessions import dotted

ENGINE_MAKERS = ("create_engine", "create_async_engine")
DEFAULT_ENCODINGS = ("utf-8", "utf8")


class EngineArguments(Rule):
    """create_engine(…, future=True) -> flag removed; encoding="utf-8" removed (other encodings reported)"""

    code = "SA109"
    safety = "safe"
    needles = ("future=", "encoding=")

    def _maker(self, call: cst.Call) -> Optional[str]:
        name = dotted(call.func) or ""
        last = name.split(".")[-1]
        if last in ENGINE_MAKERS and self.imports_orm_layer:
            return last
        if self._is_maker_call(call, ("factory",)) or self._is_session_type(call.func):
            return last or "Session"
        return None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        maker = self._maker(original_node)
        if maker is None:
            return updated_node
        drop: list[int] = []
        for index, arg in enumerate(updated_node.args):
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key == "future":
                if isinstance(arg.value, cst.Name) and arg.value.value == "True":
                    drop.append(index)
                else:
                    self.report(original_node.args[index], f"{maker}(future={self.module_node.code_for_node(arg.value)}): "
                                "2.0 is always future (only future=True is accepted); code that relied on 1.x "
                                "(non-future) behaviour needs review, then drop the argument")
            elif key == "encoding" and maker in ENGINE_MAKERS:
                value = string_value(arg.value)
                if value is not None and value.lower() in DEFAULT_ENCODINGS:
                    drop.append(index)
                else:
                    shown = self.module_node.code_for_node(arg.value)
                    self.report(original_node.args[index], f"{maker}(encoding={shown}) was removed in 2.0 (a TypeError) and "
                                "only \"utf-8\", the default, is provably safe to drop: give the encoding to the driver "
                                "instead (psycopg2: `connect_args={\"client_encoding\": …}`, MySQL drivers: `?charset=…` in "
                                "the URL, cx_Oracle/oracledb: `connect_args={\"encoding\": …}`)")
        if not drop:
            return updated_node
        args = list(updated_node.args)
        last_comma = args[-1].comma
        kept = [a for i, a in enumerate(args) if i not in drop]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=last_comma)
        return updated_node.with_changes(args=kept)
