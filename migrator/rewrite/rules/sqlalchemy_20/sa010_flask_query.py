"""SA010–SA019: Flask-SQLAlchemy's `Model.query` API becomes `db.session` / `db.select` 2.0 style.

Converted only on static evidence in the module itself (see _flask.py):

* `db` is exactly one module-level name: assigned once from flask_sqlalchemy's `SQLAlchemy(…)`,
  or imported (`from … import X [as Y]`, not reassigned) and used as `Y.Model` anywhere in the
  module, or imported under the name `db` in a module that uses `db.session` or imports
  flask_sqlalchemy. The converted code uses that local name (`database.session.get(…)`).
* `M` is a model: a module-level class subclassing `<db>.Model` (or such a class), or a
  capitalised name imported with `from … import M` (not from flask, flask_sqlalchemy,
  sqlalchemy, werkzeug); not reassigned in the module nor rebound in the enclosing function.

Anything else is left alone; a capitalised receiver (or `cls`) in a module with a db is a finding.
The 404 and paginate forms need Flask-SQLAlchemy 3.0+ (`db.get_or_404`, `db.paginate`…).
"""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.sessions import dotted

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._flask import (
    TERMINALS, FlaskQueryRule, UsesFlaskEvidence, model_query)
from migrator.rewrite.rules.sqlalchemy_20._query import (
    QueryChain, finish, method, unique_for, unsupported_step)
from migrator.rewrite.rules.sqlalchemy_20.sa001_query_get import QueryGet

_SPACE = cst.SimpleWhitespace(" ")
_NONE = cst.SimpleWhitespace("")
_PAGINATE = ("page", "per_page", "error_out", "max_per_page")  # Flask-SQLAlchemy 2.x positional order


class FlaskGet(FlaskQueryRule, QueryGet):
    """Flask-SQLAlchemy M.query.get(pk) -> db.session.get(M, pk)"""

    code = "SA010"
    safety = "safe"
    terminals = ("get",)
    needles = (".query.",)


class FlaskAll(FlaskQueryRule):
    """Flask-SQLAlchemy M.query….all() -> db.session.scalars(db.select(M)….).all()"""

    code = "SA011"
    safety = "safe"
    terminals = ("all",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        return finish(chain, "scalars", self.select(chain), "all", unique=unique_for(self, chain))


class FlaskFirstOne(FlaskQueryRule):
    """Flask-SQLAlchemy M.query….first() -> db.session.scalars(db.select(M)….limit(1)).first(); .one()/.one_or_none() likewise"""

    code = "SA012"
    safety = "safe"
    terminals = ("first", "one", "one_or_none")

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        stmt = self.select(chain)
        if chain.terminal == "first":
            stmt = method(stmt, "limit", [cst.Arg(cst.Integer("1"))])  # Query.first() added LIMIT 1 itself
        return finish(chain, "scalars", stmt, chain.terminal, unique=unique_for(self, chain))


class FlaskCount(FlaskQueryRule):
    """Flask-SQLAlchemy M.query….count() -> db.session.scalar(db.select(db.func.count()).select_from(db.select(M)….subquery()))"""

    code = "SA013"
    safety = "safe"
    terminals = ("count",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        counter = cst.Call(self.db_attr("select"), [cst.Arg(method(self.db_attr("func"), "count"))])
        stmt = method(counter, "select_from", [cst.Arg(method(self.select(chain), "subquery"))])
        return chain.terminal_call.with_changes(func=cst.Attribute(chain.receiver, cst.Name("scalar")), args=[cst.Arg(stmt)])


class FlaskGetOr404(FlaskQueryRule):
    """Flask-SQLAlchemy M.query.get_or_404(pk) -> db.get_or_404(M, pk) (description= kept)"""

    code = "SA014"
    safety = "safe"
    terminals = ("get_or_404",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        args = chain.terminal_call.args
        if chain.steps:
            self.report(original_node, f"`.{chain.step_name(chain.steps[0])}()` before .get_or_404(); convert by hand")
            return original_node
        if not args or args[0].keyword or args[0].star or not _keywords(self, original_node, args[1:], ("description",)):
            return original_node
        model = cst.Arg(chain.query_call.args[0].value, comma=cst.Comma(whitespace_after=_SPACE))
        return chain.terminal_call.with_changes(func=self.db_attr("get_or_404"), args=[model, *_named(args, ("ident", "description"))])


class FlaskFirstOr404(FlaskQueryRule):
    """Flask-SQLAlchemy M.query….first_or_404() -> db.first_or_404(db.select(M)….limit(1)); .one_or_404() likewise"""

    code = "SA015"
    safety = "safe"
    terminals = ("first_or_404", "one_or_404")

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        args = chain.terminal_call.args
        why = unsupported_step(chain)
        if why is None and unique_for(self, chain, "first" if chain.terminal == "first_or_404" else "one"):
            # The legacy Query de-duplicated (joined eager loads, joins that repeat rows); db.first_or_404()
            # and db.one_or_404() take a statement and do not apply unique().
            why = (f"joined eager loading or a join that can repeat rows with .{chain.terminal}(): "
                   f"db.{chain.terminal}() does not apply unique(); convert by hand")
        if why:
            self.report(original_node, why)
            return original_node
        if not _keywords(self, original_node, args, ("description",)):
            return original_node
        stmt = self.select(chain)
        if chain.terminal == "first_or_404":
            stmt = method(stmt, "limit", [cst.Arg(cst.Integer("1"))])  # Query.first_or_404() went through first()
        return _call_with_statement(self, chain, stmt, _named(args, ("description",)))


class FlaskPaginate(FlaskQueryRule):
    """Flask-SQLAlchemy M.query….paginate(page=…, per_page=…) -> db.paginate(db.select(M)…, page=…, per_page=…)"""

    code = "SA016"
    safety = "safe"
    terminals = ("paginate",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        args = chain.terminal_call.args
        why = unsupported_step(chain)
        if why:
            self.report(original_node, why)
            return original_node
        # Flask-SQLAlchemy 2.x took paginate(page, per_page, error_out, max_per_page) positionally.
        if not _keywords(self, original_node, args, _PAGINATE, ("count",)):
            return original_node
        return _call_with_statement(self, chain, self.select(chain), _named(args, _PAGINATE))


class FlaskQueryLeft(UsesFlaskEvidence, Rule):
    """Flask-SQLAlchemy Model.query left as it is (kept in a variable, iterated, other methods): convert by hand"""

    code = "SA019"
    safety = "report"
    needles = (".query",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._finished: set[int] = set()
        self._custom: dict[int, tuple[str, str]] = {}  # `M.query` receivers finished by a custom query class method

    def visit_Call(self, node: cst.Call) -> None:
        # Parents are visited first: mark the `M.query` of every chain a conversion rule handles.
        found = model_query(node)
        if found is not None and found.terminal in TERMINALS:
            self._finished.add(id(found.receiver))
        elif found is not None and id(found.receiver) not in self._custom:
            custom = self.options.evidence.custom_query(dotted(found.receiver) or "")
            if custom is not None and found.terminal in custom[1]:
                self._custom[id(found.receiver)] = (custom[0], found.terminal)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        receiver = node.value
        name = dotted(receiver)
        if node.attr.value != "query" or name is None:
            return
        evidence = self.options.evidence
        project_db = evidence.flask_db[1] if evidence.flask_db else None
        if not (name in self.flask.models or (evidence.is_mapped(name) and (self.flask.db or project_db))):
            return
        if any(name.split(".")[0] in scope for scope in self.scopes[1:]):
            return  # a parameter or local of that name: not the model
        db = self.flask.db or project_db
        if id(receiver) in self._custom:
            query_class, method = self._custom[id(receiver)]
            self.report(node, f"`{name}.query.{method}()` is a method of the custom query class `{query_class}` this "
                              f"project defines, not of SQLAlchemy's Query; convert by hand")
        elif db is not None and id(receiver) not in self._finished:
            self.report(node, f"`{name}.query` is not finished by a method SA010–SA016 convert "
                              f"(kept in a variable, iterated, indexed or another method); use {db}.select({name})")
        elif db is None and self.flask.flask_module:
            self.report(node, f"`{name}.query` looks like Flask-SQLAlchemy but {self.flask.no_db}; "
                              "import db here to convert")


def _keywords(rule: Rule, node: cst.Call, args, names: tuple[str, ...], keywords: tuple[str, ...] = ()) -> bool:
    """True when `args` are at most len(names) positionals, then keywords among names + keywords; else a finding."""
    positional = True
    for index, arg in enumerate(args):
        if arg.star or (arg.keyword is None and (not positional or index >= len(names))) or (
                arg.keyword is not None and arg.keyword.value not in names + keywords):
            rule.report(node, "arguments this rule cannot map onto the Flask-SQLAlchemy 3 call; convert by hand")
            return False
        positional = arg.keyword is None
    return True


def _named(args, names: tuple[str, ...]) -> list[cst.Arg]:
    """Positional arguments become keywords (Flask-SQLAlchemy 3's db.* methods take them so); first name = positional kept."""
    out = []
    for index, arg in enumerate(args):
        if arg.keyword is None and names[index] != "ident":
            arg = arg.with_changes(keyword=cst.Name(names[index]), equal=cst.AssignEqual(_NONE, _NONE))
        out.append(arg)
    return out


def _call_with_statement(rule: FlaskQueryRule, chain: QueryChain, stmt: cst.BaseExpression, args: list[cst.Arg]) -> cst.Call:
    """`db.<terminal>(stmt, <args>)`, the terminal call's own parentheses and argument formatting kept."""
    # Arguments one a line stay so: the statement takes the separator the first argument had.
    comma = args[0].comma if args and isinstance(args[0].comma, cst.Comma) else cst.Comma(whitespace_after=_SPACE)
    first = cst.Arg(stmt, comma=comma if args else cst.MaybeSentinel.DEFAULT)
    return chain.terminal_call.with_changes(func=rule.db_attr(chain.terminal), args=[first, *args])
