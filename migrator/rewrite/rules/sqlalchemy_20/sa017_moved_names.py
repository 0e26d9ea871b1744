"""SA017: names 2.0 moved or renamed, same behaviour under the new name.

- `from sqlalchemy.ext.declarative import declarative_base, declared_attr, …` -> `from sqlalchemy.orm
  import …` (1.4's ext.declarative versions are the orm functions behind a deprecation warning;
  ConcreteBase, AbstractConcreteBase, DeferredReflection stay in ext.declarative);
  `declarative_base(bind=…)` or positional arguments are findings (2.0 takes keywords only, no bind).
- `Session.close_all()` / `factory.close_all()` / `session.close_all()` (a classmethod closing every
  session) -> `close_all_sessions()` from sqlalchemy.orm.
- `stmt.as_scalar()` / `query.as_scalar()` -> `.scalar_subquery()` (1.4's as_scalar only calls it).
"""

from __future__ import annotations

from typing import Union

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

DECLARATIVE = "sqlalchemy.ext.declarative"
MOVED = ("declarative_base", "declared_attr", "as_declarative", "has_inherited_table", "synonym_for", "DeclarativeMeta")


class MovedNames(Rule):
    """ext.declarative imports -> sqlalchemy.orm; Session.close_all() -> close_all_sessions(); .as_scalar() -> .scalar_subquery()"""

    code = "SA017"
    safety = "safe"
    needles = ("ext.declarative", "close_all(", ".as_scalar(", "declarative_base(", "as_declarative(")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._declarative_names: set[str] = set()  # local names of declarative_base/as_declarative

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is not None and not node.relative and dotted(node.module) in (DECLARATIVE, "sqlalchemy.orm") \
                and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if dotted(alias.name) in ("declarative_base", "as_declarative"):
                    self._declarative_names.add(dotted(alias.asname.name if alias.asname else alias.name) or "")

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
                                  ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel]:
        if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.ImportFrom):
            return updated_node
        node = updated_node.body[0]
        if node.module is None or node.relative or dotted(node.module) != DECLARATIVE or isinstance(node.names, cst.ImportStar):
            return updated_node
        moved = [a for a in node.names if dotted(a.name) in MOVED]
        kept = [a for a in node.names if dotted(a.name) not in MOVED]
        if not moved:
            return updated_node
        orm = cst.parse_expression("sqlalchemy.orm")
        assert isinstance(orm, cst.Attribute)
        if not kept:
            return updated_node.with_changes(body=[node.with_changes(module=orm)])
        if "#" in _code(node):
            moved_names = ", ".join(dotted(a.name) or "" for a in moved)
            self.report(original_node, f"{moved_names} moved to sqlalchemy.orm in 2.0; this import also names what stays "
                                       f"in {DECLARATIVE} and holds comments: split it by hand")
            return updated_node
        last = cst.MaybeSentinel.DEFAULT
        first = updated_node.with_changes(body=[node.with_changes(names=_names(kept, last), lpar=None, rpar=None)])
        second = cst.SimpleStatementLine(body=[cst.ImportFrom(module=orm, names=_names(moved, last))],
                                         leading_lines=[], trailing_whitespace=updated_node.trailing_whitespace)
        return cst.FlattenSentinel([first.with_changes(trailing_whitespace=cst.TrailingWhitespace()), second])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        name = dotted(func) or ""
        if name in self._declarative_names:
            if any(a.keyword is None or a.keyword.value == "bind" for a in updated_node.args if not a.star):
                self.report(original_node, f"{name}(): 2.0 takes keyword arguments only and no `bind` (bound metadata "
                                           f"was removed); pass metadata=/cls=/name=… as keywords and give the engine "
                                           f"to Session(bind=…) or create_all(engine)")
            return updated_node
        head, _, last = name.rpartition(".")
        if head.endswith("ext.declarative") and last in MOVED and self.imports_orm_layer:
            self.report(original_node, f"`{name}` moved to sqlalchemy.orm in 2.0: import it from there (the "
                                       f"ext.declarative name is deprecated)")
            return updated_node
        if not isinstance(func, cst.Attribute) or updated_node.args:
            return updated_node
        if func.attr.value == "as_scalar" and self.imports_orm_layer:
            return updated_node.with_changes(func=func.with_changes(attr=cst.Name("scalar_subquery")))
        if func.attr.value == "close_all" and self.imports_orm_layer:
            receiver = func.value
            if not (self.is_session(receiver) or self._is_session_type(receiver) or self._is_factory_expr(receiver)
                    or self.maker_names.get(dotted(receiver) or "") is not None):
                self.report(original_node, f"`{_code(receiver)}.close_all()`: Session.close_all() was removed in 2.0; "
                                           f"if `{_code(receiver)}` is a Session, sessionmaker or scoped_session, call "
                                           f"sqlalchemy.orm.close_all_sessions() (name it with --session-name to convert)")
                return updated_node
            if not self.free_name("close_all_sessions"):
                self.report(original_node, "`close_all_sessions` already means something else here; convert by hand")
                return updated_node
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "close_all_sessions")
            return updated_node.with_changes(func=cst.Name("close_all_sessions"))
        return updated_node


def _names(aliases, last) -> list[cst.ImportAlias]:
    out = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in aliases]
    out[-1] = out[-1].with_changes(comma=last)
    return out


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
