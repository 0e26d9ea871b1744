"""Shared by the Query API rules: take a `s.query(…)….terminal(…)` chain apart and build
the 2.0 statement from it, reusing the original dots so chains split over lines keep
their line breaks and comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.project import NO_EVIDENCE, FileEvidence
from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

# Query methods with a same-behaving Select method (filter is where's old name).
CARRIED = {
    "filter": "where", "where": "where", "filter_by": "filter_by", "order_by": "order_by", "limit": "limit",
    "offset": "offset", "join": "join", "outerjoin": "outerjoin", "group_by": "group_by", "having": "having",
    "distinct": "distinct", "options": "options", "select_from": "select_from", "with_for_update": "with_for_update",
    "execution_options": "execution_options", "autoflush": "execution_options",
}
# Query methods whose one argument becomes a keyword of the Select method CARRIED names.
KEYWORD_STEPS = {"autoflush": "autoflush"}


@dataclass
class QueryChain:
    receiver: cst.BaseExpression
    query_call: cst.Call
    steps: list[cst.Call]  # builder calls between .query(…) and the terminal, in order
    terminal: str
    terminal_call: cst.Call

    def step_name(self, step: cst.Call) -> str:
        assert isinstance(step.func, cst.Attribute)
        return step.func.attr.value


def decompose(call: cst.Call) -> Optional[QueryChain]:
    """`s.query(M).filter(x).all()` -> its parts; None when `call` does not end such a chain."""
    if not isinstance(call.func, cst.Attribute):
        return None
    terminal = call.func.attr.value
    node = call.func.value
    steps: list[cst.Call] = []
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return QueryChain(node.func.value, node, steps[::-1], terminal, call)
        steps.append(node)
        node = node.func.value
    return None


def unfinished(expr: cst.BaseExpression) -> Optional[QueryChain]:
    """`s.query(M).filter(x)` (not finished by a terminal) -> its parts; terminal "", terminal_call the whole."""
    steps: list[cst.Call] = []
    node = expr
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return QueryChain(node.func.value, node, steps[::-1], "", expr)  # type: ignore[arg-type]
        if node.func.attr.value not in CARRIED:
            return None
        steps.append(node)
        node = node.func.value
    return None


# Calls that produce an entity (objects come back) and calls that produce column expressions.
_ENTITY_CALLS = {"aliased", "with_polymorphic", "type"}  # type(self): the instance's mapped class
_COLUMN_CALLS = {"cast", "literal", "literal_column", "case", "label", "distinct", "coalesce", "type_coerce",
                 "null", "true", "false", "column", "desc", "asc"}


def runner_for(chain: QueryChain, entity_names: tuple[str, ...] = ()) -> Optional[str]:
    """"scalars" when the query selects one entity (objects), "execute" for rows, None when unknowable.

    `query(User)` returns objects and `query(User.email)` Rows; `query(self.model)` or
    `query(model)` could be either, and guessing wrong changes what the caller gets.
    Capitalised names are classes by Python convention; `cls` is a class; `entity_names`
    are the expressions the team declared ([rewrite] entity_names, --entity-name).
    """
    args = chain.query_call.args
    if len(args) != 1:
        return "execute"
    value = args[0].value
    if isinstance(value, cst.Call):
        name = dotted(value.func) or ""
        last = name.split(".")[-1]
        if last in _ENTITY_CALLS:
            return "scalars"
        if name.startswith(("func.", "sa.func.", "sqlalchemy.func.")) or last in _COLUMN_CALLS:
            return "execute"
        return None
    name = dotted(value)
    if name is None:
        return "execute" if isinstance(value, (cst.BinaryOperation, cst.Comparison, cst.UnaryOperation)) else None
    parts = name.split(".")
    if parts[-1][:1].isupper() or parts[-1] == "cls" or name in entity_names:
        return "scalars"
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return "execute"  # User.email: a column of a class
    return None


def unknown_entity(chain: QueryChain) -> str:
    arg = chain.query_call.args[0].value
    shown = cst.Module([]).code_for_node(arg)
    return (f"cannot tell whether `{shown}` is a mapped class (objects) or a column (rows); "
            f"if it always holds a class, name it with --entity-name {shown!r}")


def unsupported_step(chain: QueryChain) -> Optional[str]:
    """Why the chain's builder steps cannot be carried over to select(), or None."""
    if not chain.query_call.args or any(a.keyword is not None or a.star for a in chain.query_call.args):
        return "query() without plain entities"
    for step in chain.steps:
        name = chain.step_name(step)
        if name not in CARRIED:
            return f"`.{name}()` has no select() equivalent this rule knows"
        if name in ("join", "outerjoin") and any(
            (a.keyword is not None and a.keyword.value == "aliased") or isinstance(a.value, cst.Tuple) for a in step.args
        ):
            return f"legacy `.{name}()` form (aliased=True or tuple arguments)"
        if name in ("join", "outerjoin") and (  # Select.join(target, onclause=None, *, isouter, full) only
            any(a.keyword is not None and a.keyword.value not in ("onclause", "isouter", "full") for a in step.args)
            or any(isinstance(a.value, (cst.SimpleString, cst.ConcatenatedString)) for a in step.args)
            or sum(1 for a in step.args if a.keyword is None) > 2 or any(a.star for a in step.args)
        ):
            return (f"legacy `.{name}()` form (a relationship name as a string, several targets in one call, "
                    f"*args or from_joinpoint=) that Select.{name}() does not take")
    return None


# --- .unique(): where a legacy Query de-duplicated and a 2.0 result does not -------------------
#
# A legacy Query whose entities include a mapped class de-duplicates its rows (one object per
# identity; several entities: one row per tuple of identities); `session.scalars/execute` do
# not. `needs_unique` says when the 2.0 form must call `.unique()` to return what the Query
# returned. Adding it to an entity query is always behaviour-preserving, so every doubt counts
# as "yes"; column-only queries were never de-duplicated and never get it.

# Loader options: joinedload/contains_eager of a collection multiply the parent's rows (2.0
# raises "The unique() method must be invoked" without it); the others do not.
_EAGER_JOINS = {"joinedload", "contains_eager", "eagerload", "joinedload_all"}
_LOADERS = _EAGER_JOINS | {
    "selectinload", "subqueryload", "lazyload", "noload", "raiseload", "defer", "undefer", "undefer_group",
    "load_only", "defaultload", "immediateload", "selectin_polymorphic", "with_expression", "Load",
    "with_loader_criteria", "subqueryload_all", "selectinload_all", "defaultload_all", "noload_all"}
# Calls whose arguments are a subquery (correlated or not): classes named there add no FROM.
_SUBQUERY_CALLS = {"select", "exists", "query", "subquery", "scalar_subquery", "cte", "aliased", "union",
                   "union_all", "lateral", "any", "has",
                   # …and calls that run a query in Python first (`Group.query.get(1).id`): a value, no FROM
                   "all", "first", "one", "one_or_none", "get", "scalar", "scalars", "execute", "count"}
_MUTATORS = {"append": 0, "extend": 0, "insert": 1}  # list methods that add to a traced list: argument index


def needs_unique(chain: QueryChain, evidence: FileEvidence = NO_EVIDENCE, entity_names: tuple[str, ...] = (),
                 ancestors: Sequence[cst.CSTNode] = (), terminal: Optional[str] = None) -> bool:
    """True when `chain` selects a mapped entity and its rows can repeat an identity.

    - joinedload()/contains_eager() in `.options(…)`, or options that cannot be traced to loader
      calls (`.options(*args)` with `args` bound elsewhere): every terminal;
    - otherwise, except for `.first()` (LIMIT 1 returns one row): a `join`/`outerjoin` that is not
      a relationship the project declares scalar (many-to-one) — a collection, an unknown
      relationship, an explicit ON clause or a bare target; a `select_from` with joins or of
      another target; no join but another class named in filter/where/having/order_by or in a
      column next to the entity (implicit FROM, a cartesian product). `.distinct()` (without
      eager joins or order_by) already removes repeated rows; `yield_per` turns it all off.

    `ancestors` (the path from the module to the chain) lets `.options(*opts)` be traced to a
    list or tuple bound in the function, the module or (`self.opts`) the class.
    """
    if not _selects_entity(chain, evidence, entity_names) or any(_yield_per(chain, step) for step in chain.steps):
        return False  # Query.yield_per() turned de-duplication off; 2.0 refuses unique() with yield_per
    if any(_eager_in(arg.value, ancestors, set()) for step in chain.steps if chain.step_name(step) == "options"
           for arg in step.args):
        return True
    if (terminal if terminal is not None else chain.terminal) == "first":
        return False
    names = [chain.step_name(step) for step in chain.steps]
    if "order_by" not in names and any(name == "distinct" and not step.args for name, step in zip(names, chain.steps)):
        return False  # (with order_by, a legacy DISTINCT also selected the ORDER BY columns: rows could repeat)
    joins = [step for name, step in zip(names, chain.steps) if name in ("join", "outerjoin")]
    froms = [step for name, step in zip(names, chain.steps) if name == "select_from"]
    if froms:
        selected = {cst.Module([]).code_for_node(a.value) for a in chain.query_call.args}
        if joins or any(cst.Module([]).code_for_node(a.value) not in selected for s in froms for a in s.args):
            return True  # select_from(Book).join(Book.author): a many-to-one join seen from the other side
    if joins:
        return any(_join_repeats(step, evidence) for step in joins)
    return _implicit_from(chain, evidence, entity_names)


def _yield_per(chain: QueryChain, step: cst.Call) -> bool:
    name = chain.step_name(step)
    return name == "yield_per" or (name == "execution_options" and any(
        a.keyword is not None and a.keyword.value == "yield_per" for a in step.args))


def unique_for(rule: Rule, chain: QueryChain, terminal: Optional[str] = None) -> bool:
    """needs_unique() with the rule's project evidence, declared entity names and position."""
    return needs_unique(chain, rule.options.evidence, rule.options.entity_names, rule.ancestors, terminal)


def _is_entity(chain: QueryChain, arg: cst.Arg, evidence: FileEvidence, entity_names: tuple[str, ...]) -> bool:
    if arg.keyword is not None or arg.star:
        return False
    name = dotted(arg.value)
    if name is not None and evidence.is_mapped(name):
        return True
    single = QueryChain(chain.receiver, chain.query_call.with_changes(args=[arg]), [], "", chain.terminal_call)
    return runner_for(single, entity_names) == "scalars"


def _selects_entity(chain: QueryChain, evidence: FileEvidence, entity_names: tuple[str, ...]) -> bool:
    return any(_is_entity(chain, arg, evidence, entity_names) for arg in chain.query_call.args)


def _relationship(expr: cst.BaseExpression) -> Optional[tuple[str, str]]:
    """`Recipe.categories` (also `.of_type(…)`, `.and_(…)`) -> ("Recipe", "categories")."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("of_type", "and_"):
        expr = expr.func.value
    if isinstance(expr, cst.Attribute):
        owner = dotted(expr.value)
        if owner is not None:
            return owner.rpartition(".")[2], expr.attr.value
    return None


def _join_repeats(step: cst.Call, evidence: FileEvidence) -> bool:
    """False only for a join along a relationship the project declares scalar (many-to-one)."""
    positional = [a.value for a in step.args if a.keyword is None and not a.star]
    if not positional or len(positional) > 2 or any(a.star for a in step.args):
        return True
    found = _relationship(positional[-1])
    if found is None:
        return True  # a bare target or an explicit ON clause: how many rows match is unknown
    return evidence.relationship_kind(*found) != "scalar"


def _implicit_from(chain: QueryChain, evidence: FileEvidence, entity_names: tuple[str, ...]) -> bool:
    """Another class in a column or a criterion of an unjoined query: a cartesian product."""
    entities = {(dotted(a.value) or "").rpartition(".")[2] for a in chain.query_call.args
                if _is_entity(chain, a, evidence, entity_names)}
    others: set[str] = set()
    for arg in chain.query_call.args:
        if not _is_entity(chain, arg, evidence, entity_names):
            others.update(_class_refs(arg.value, evidence))
    for step in chain.steps:
        if chain.step_name(step) in ("filter", "where", "having", "order_by", "group_by"):
            for arg in step.args:
                others.update(_class_refs(arg.value, evidence))
    return bool(others - entities)


def _class_refs(node: cst.CSTNode, evidence: FileEvidence):
    """Class names used as `Class.attribute` in an expression, outside subqueries and Python-side values."""
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp, cst.Lambda)):
        return
    if isinstance(node, cst.Call):
        last = (dotted(node.func) or "").rpartition(".")[2] or (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
        if last in ("any", "has") and isinstance(node.func, cst.Attribute):
            yield from _class_refs(node.func.value, evidence)  # Book.reviews.any(…): Book is used, Review correlated
            return
        if last in _SUBQUERY_CALLS:
            return
    if isinstance(node, cst.Attribute):
        owner = (dotted(node.value) or "").rpartition(".")[2]
        if evidence.mapped_classes:
            is_class = evidence.is_mapped(owner)
        else:  # no project evidence: a capitalised owner of a lower-case attribute (not `Status.ACTIVE`)
            is_class = (owner[:1].isupper() and not node.attr.value.isupper() and not node.attr.value.startswith("_")
                        and node.attr.value != "query")  # Flask-SQLAlchemy's Model.query
        if is_class:
            yield owner
        else:
            yield from _class_refs(node.value, evidence)
        return
    for child in node.children:
        yield from _class_refs(child, evidence)


def _eager_in(expr: cst.BaseExpression, ancestors: Sequence[cst.CSTNode], seen: set) -> bool:
    """True when a loader option (or what it is bound to) holds joinedload/contains_eager, or cannot be told."""
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return any(_eager_in(e.value, ancestors, seen) for e in expr.elements)
    if isinstance(expr, cst.Call):
        root = expr
        while isinstance(root.func, cst.Attribute) and isinstance(root.func.value, cst.Call):
            root = root.func.value  # joinedload(A.b).selectinload(B.c): the chain's first call
        name = (dotted(root.func) or "").rpartition(".")[2]
        if name in _LOADERS:
            return any(isinstance(c.func, (cst.Name, cst.Attribute)) and
                       (c.func.value if isinstance(c.func, cst.Name) else c.func.attr.value) in _EAGER_JOINS
                       for c in _calls(expr))
        if name in ("list", "tuple") and root is expr and len(expr.args) == 1:
            return _eager_in(expr.args[0].value, ancestors, seen)
        return True
    if isinstance(expr, (cst.Name, cst.Attribute)):
        key = dotted(expr)
        if key is None:
            return True
        if key in seen:
            return False  # `opts = opts + […]`: its other sources are looked at anyway
        sources = _bound_values(ancestors, key)
        if sources is None:
            return True
        return any(_eager_in(s, ancestors, seen | {key}) for s in sources)
    if isinstance(expr, cst.BinaryOperation):
        return _eager_in(expr.left, ancestors, seen) or _eager_in(expr.right, ancestors, seen)
    if isinstance(expr, cst.IfExp):
        return _eager_in(expr.body, ancestors, seen) or _eager_in(expr.orelse, ancestors, seen)
    if isinstance(expr, cst.Subscript):
        return _eager_in(expr.value, ancestors, seen)
    return True


def _calls(node: cst.CSTNode):
    if isinstance(node, cst.Call):
        yield node
    for child in node.children:
        yield from _calls(child)


_UNTRACEABLE = object()


def _bound_values(ancestors: Sequence[cst.CSTNode], key: str) -> Optional[list[cst.BaseExpression]]:
    """What `key` (a name, or `self.x`/`cls.x`) is bound or added to where the chain is; None when unknown."""
    if not ancestors:
        return None
    parts = key.split(".")
    if len(parts) == 2 and parts[0] in ("self", "cls"):
        klass = next((n for n in reversed(ancestors) if isinstance(n, cst.ClassDef)), None)
        if klass is None:
            return None
        found = _bindings(klass.body, parts[1], None)
        for stmt in _statements(klass.body):
            if isinstance(stmt, cst.FunctionDef):
                more = _bindings(stmt.body, parts[1], parts[0])
                found = None if found is _UNTRACEABLE or more is _UNTRACEABLE else found + more
                if found is None:
                    return None
        return None if found is _UNTRACEABLE or not found else found
    if len(parts) != 1:
        return None
    for node in reversed(ancestors):
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            params = node.params
            every = [*params.posonly_params, *params.params, *params.kwonly_params,
                     *(p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param))]
            if any(p.name.value == key for p in every):
                return None
            if isinstance(node, cst.Lambda):
                continue
        elif not isinstance(node, cst.Module):
            continue
        found = _bindings(node.body, key, None)
        if found is _UNTRACEABLE:
            return None
        if found:
            return found
    return None


def _statements(body) -> list:
    if isinstance(body, (list, tuple)):
        return list(body)  # Module.body
    if isinstance(body, (cst.IndentedBlock, cst.Module)):
        return list(body.body)
    return list(getattr(body, "body", ()))


def _bindings(body, name: str, owner: Optional[str]):
    """Values bound to `name` (or `<owner>.name`) in a scope's own code, with appended items; _UNTRACEABLE."""
    found: list[cst.BaseExpression] = []

    def is_target(node) -> bool:
        if owner is None:
            return isinstance(node, cst.Name) and node.value == name
        return (isinstance(node, cst.Attribute) and node.attr.value == name and isinstance(node.value, cst.Name)
                and node.value.value == owner)

    def walk(node) -> bool:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if owner is None and isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.name.value == name:
                return False
            return True  # another scope
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if is_target(target.target):
                    found.append(node.value)
                elif any(is_target(n) for n in _descendants(target.target)):
                    return False  # unpacking
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)) and is_target(node.target):
            if node.value is None:
                return True
            found.append(node.value)
        elif isinstance(node, (cst.For, cst.CompFor)) and any(is_target(n) for n in (node.target, *_descendants(node.target))):
            return False
        elif isinstance(node, (cst.WithItem, cst.ExceptHandler)) and node.asname is not None and (
                is_target(node.asname.name) or any(is_target(n) for n in _descendants(node.asname.name))):
            return False
        elif isinstance(node, cst.NamedExpr) and is_target(node.target):
            return False
        elif owner is None and isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar):
            if any((dotted(a.asname.name) if a.asname else dotted(a.name)) == name for a in node.names):
                return False
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and is_target(node.func.value):
            index = _MUTATORS.get(node.func.attr.value)
            if index is not None and len(node.args) > index:
                value = node.args[index].value
                found.append(cst.List([cst.Element(value)]) if node.func.attr.value != "extend" else value)
        return all(walk(child) for child in node.children)

    for stmt in _statements(body):
        if not walk(stmt):
            return _UNTRACEABLE
    return found


def _descendants(node: cst.CSTNode):
    for child in node.children:
        yield child
        yield from _descendants(child)


def build_select(rule: Rule, chain: QueryChain) -> cst.BaseExpression:
    """select(<query args>) with the builder steps applied, importing `select`."""
    AddImportsVisitor.add_needed_import(rule.context, "sqlalchemy", "select")
    return select_with_steps(cst.Name("select"), chain)


def select_with_steps(select_func: cst.BaseExpression, chain: QueryChain) -> cst.BaseExpression:
    """`<select_func>(<query args>)` with the builder steps applied (e.g. `db.select` for Flask-SQLAlchemy)."""
    stmt: cst.BaseExpression = cst.Call(func=select_func, args=_strip_last_comma(chain.query_call.args))
    for step in chain.steps:
        stmt = carried(step, stmt)
    return stmt


def carried(step: cst.Call, value: cst.BaseExpression) -> cst.Call:
    """The Select form of a Query builder step, applied to `value`: `.filter(x)` -> `.where(x)`,
    `.autoflush(False)` -> `.execution_options(autoflush=False)` (an ORM execution option in 2.0)."""
    assert isinstance(step.func, cst.Attribute)
    name = step.func.attr.value
    args = step.args
    if name in KEYWORD_STEPS:
        first = args[0] if args else cst.Arg(cst.Name("True"))
        args = [first.with_changes(keyword=cst.Name(KEYWORD_STEPS[name]),
                                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]
    return step.with_changes(func=step.func.with_changes(value=value, attr=cst.Name(CARRIED.get(name, name))), args=args)


def _strip_last_comma(args):
    args = list(args)
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args


def method(value: cst.BaseExpression, name: str, args=(), dot: Optional[cst.Dot] = None) -> cst.Call:
    attr = cst.Attribute(value=value, attr=cst.Name(name), dot=dot or cst.Dot())
    return cst.Call(func=attr, args=list(args))


def run_statement(rule: Rule, chain: QueryChain, stmt: Optional[cst.BaseExpression] = None) -> cst.BaseExpression:
    """`s.scalars(stmt)` for entity queries, `s.execute(stmt)` for column queries; `.unique()` where needs_unique()."""
    runner = runner_for(chain, rule.options.entity_names) or "execute"
    result: cst.BaseExpression = method(chain.receiver, runner, [cst.Arg(stmt if stmt is not None else build_select(rule, chain))])
    return method(result, "unique") if unique_for(rule, chain) else result


def finish(chain: QueryChain, runner: str, stmt: cst.BaseExpression, terminal: str, unique: bool = False) -> cst.Call:
    """`<receiver>.<runner>(stmt)[.unique()].<terminal>()`, keeping the terminal's dot and arguments."""
    result: cst.BaseExpression = method(chain.receiver, runner, [cst.Arg(stmt)])
    if unique:
        result = method(result, "unique")
    assert isinstance(chain.terminal_call.func, cst.Attribute)
    func = chain.terminal_call.func.with_changes(value=result, attr=cst.Name(terminal))
    return chain.terminal_call.with_changes(func=func)


class QueryRule(Rule):
    """Base of the rules that finish a Query chain: the receiver check and its finding."""

    terminals: tuple[str, ...] = ()
    needles = (".query(",)
    required = (".query(",)
    imports_needed: tuple[str, ...] = ("select",)  # names the converted code imports from sqlalchemy

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        chain = decompose(updated_node)
        if chain is None or chain.terminal not in self.terminals:
            return updated_node
        if not self.is_session(chain.receiver):
            if self.imports_orm_layer:
                self.report(original_node, self.why_not_session(chain.receiver, self.line_of))
            return updated_node
        return self.convert(original_node, chain)

    def convertible(self, original_node: cst.Call, chain: QueryChain, needs_runner: bool = True) -> bool:
        """False (with a finding when it is worth one) for chains select() cannot express."""
        if chain.terminal_call.args:
            return False
        why = self.why_not_select(chain, needs_runner)
        if why:
            self.report(original_node, why)
            return False
        return True

    def why_not_select(self, chain: QueryChain, needs_runner: bool = True) -> Optional[str]:
        """Why the chain cannot become a select() run on its session here, or None."""
        why = unsupported_step(chain) or self.name_clash()
        if why is None and needs_runner and runner_for(chain, self.options.entity_names) is None:
            why = unknown_entity(chain)
        return why

    def name_clash(self) -> Optional[str]:
        clash = next((name for name in self.imports_needed if not self.free_name(name)), None)
        return f"`{clash}` already means something else here; convert by hand" if clash else None

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:  # pragma: no cover
        raise NotImplementedError
