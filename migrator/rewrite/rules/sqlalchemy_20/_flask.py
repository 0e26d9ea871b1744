"""Shared by the Flask-SQLAlchemy rules (SA010–SA019): which name is the `db` extension and
which names are models, as far as static evidence in one module goes, and `M.query…` chains.

The evidence rule (also in sa010_flask_query.py's docstring):

* the db: exactly one module-level name that is either assigned once from
  `SQLAlchemy(…)` (imported from flask_sqlalchemy, any alias, or `flask_sqlalchemy.SQLAlchemy`),
  or imported with `from … import X` (any alias, not reassigned in the module) where the module
  uses `X.Model`, or where the imported name is `db` and the module uses `X.session` or imports
  flask_sqlalchemy. Two candidates: no db (ambiguous).
* a model: a module-level class whose bases include `<db>.Model` or an earlier such class, or a
  name imported with `from … import M` whose local name starts with a capital letter (imports from
  flask, flask_sqlalchemy, sqlalchemy, werkzeug excepted); in both cases not reassigned at module
  level. Neither the model nor the db may be rebound by a parameter or assignment in an
  enclosing function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from migrator.rewrite.positions import descendants
from migrator.rewrite.rules import per_module
from migrator.rewrite.rules.sqlalchemy_20._query import QueryChain, QueryRule, select_with_steps
from migrator.rewrite.sessions import dotted

NOT_MODEL_SOURCES = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug")
# Every terminal one of SA010–SA016 converts (or reports when it cannot).
TERMINALS = ("get", "all", "first", "one", "one_or_none", "count", "get_or_404", "first_or_404", "one_or_404", "paginate")


@dataclass
class FlaskEvidence:
    db: Optional[str] = None
    no_db: str = "no Flask-SQLAlchemy `db` is bound in this module"
    models: set[str] = field(default_factory=set)
    flask_module: bool = False  # imports flask or flask_sqlalchemy


class _References(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[tuple[str, str]] = set()  # (name, attr) for `name.Model` / `name.session`

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.attr.value in ("Model", "session"):
            self.found.add((node.value.value, node.attr.value))


@per_module
def scan(module: cst.Module) -> FlaskEvidence:
    """The module's db name and models (see the module docstring for the rule)."""
    evidence = FlaskEvidence()
    extension_names: set[str] = set()   # local names meaning flask_sqlalchemy.SQLAlchemy
    imports_fsa = False
    imported: dict[str, tuple[str, str]] = {}  # local -> (source root, imported name)
    assigned: dict[str, list[Optional[cst.BaseExpression]]] = {}
    classes: list[cst.ClassDef] = []
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef):
            classes.append(stmt)
            assigned.setdefault(stmt.name.value, [])
        elif isinstance(stmt, cst.FunctionDef):
            assigned.setdefault(stmt.name.value, []).append(None)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        name = dotted(alias.name) or ""
                        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                        root = name.split(".")[0]
                        evidence.flask_module |= root in ("flask", "flask_sqlalchemy")
                        if name == "flask_sqlalchemy":
                            imports_fsa = True
                            extension_names.add(f"{local}.SQLAlchemy")
                        assigned.setdefault(local.split(".")[0], []).append(None)
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    root = (dotted(small.module) or "").split(".")[0] if small.module is not None else ""
                    evidence.flask_module |= root in ("flask", "flask_sqlalchemy")
                    imports_fsa |= root == "flask_sqlalchemy"
                    for alias in small.names:
                        name = dotted(alias.name) or ""
                        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                        if root == "flask_sqlalchemy" and name == "SQLAlchemy":
                            extension_names.add(local)
                        if local in imported:
                            assigned.setdefault(local, []).append(None)  # imported twice: not provable
                        imported[local] = (root, name)
                elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    value = small.value if not isinstance(small, cst.AugAssign) else None
                    for target in targets:
                        if isinstance(target, cst.Name):
                            assigned.setdefault(target.value, []).append(value)
    refs = _References()
    for node in descendants(module):  # a visitor-free walk: several times faster than module.visit(refs)
        if isinstance(node, cst.Attribute):
            refs.visit_Attribute(node)

    candidates: set[str] = set()
    for name, values in assigned.items():
        if (len(values) == 1 and name not in imported and isinstance(values[0], cst.Call)
                and dotted(values[0].func) in extension_names):
            candidates.add(name)
    for local, (root, name) in imported.items():
        if local in assigned or root in NOT_MODEL_SOURCES:
            continue
        if (local, "Model") in refs.found or (name == "db" and ((local, "session") in refs.found or imports_fsa)):
            candidates.add(local)
    if len(candidates) > 1:
        evidence.no_db = f"several names could be the Flask-SQLAlchemy db ({', '.join(sorted(candidates))})"
    else:
        evidence.db = next(iter(candidates), None)

    if evidence.db is not None:
        for cls in classes:
            bases = {dotted(arg.value) for arg in cls.bases if arg.keyword is None}
            if (f"{evidence.db}.Model" in bases or bases & evidence.models) and assigned[cls.name.value] == []:
                evidence.models.add(cls.name.value)
    for local, (root, _name) in imported.items():
        if local[:1].isupper() and root not in NOT_MODEL_SOURCES and local not in assigned:
            evidence.models.add(local)
    return evidence


@dataclass
class ModelQuery:
    """`<receiver>.query.<steps>.<terminal>(…)` taken apart."""

    receiver: cst.BaseExpression
    steps: list[cst.Call]
    terminal: str
    terminal_call: cst.Call


def model_query(call: cst.Call) -> Optional[ModelQuery]:
    if not isinstance(call.func, cst.Attribute):
        return None
    terminal = call.func.attr.value
    node = call.func.value
    steps: list[cst.Call] = []
    while True:
        if isinstance(node, cst.Attribute) and node.attr.value == "query":
            return ModelQuery(node.value, steps[::-1], terminal, call)
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return None
        steps.append(node)
        node = node.func.value


def looks_like_model(receiver: cst.BaseExpression) -> bool:
    """A capitalised name (`User`, `models.User`) or `cls`: worth a finding when not provable."""
    name = dotted(receiver) or ""
    last = name.split(".")[-1]
    return last[:1].isupper() or name == "cls"


class UsesFlaskEvidence:
    """Mixin: the module's Flask-SQLAlchemy evidence, and the words without which there is none."""

    # Every Flask evidence rule (see scan) needs one of these words in the text.
    evidence = ("flask_sqlalchemy", "SQLAlchemy(", ".Model", ".session")

    @property
    def flask(self) -> FlaskEvidence:
        return scan(self.module_node)  # computed once per module, on the first `.query` site


class FlaskQueryRule(UsesFlaskEvidence, QueryRule):
    """Base of SA010–SA016: `M.query…<terminal>()` of a provable model, converted with the module's db."""

    needles = (".query.",)
    required = ()
    imports_needed: tuple[str, ...] = ()  # everything comes from `db.`


    def shadowed(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes[1:])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        found = model_query(updated_node)
        if found is None or found.terminal not in self.terminals:
            return updated_node
        evidence = self.options.evidence
        db = self.flask.db
        receiver = dotted(found.receiver)
        model = found.receiver.value if isinstance(found.receiver, cst.Name) else None
        # The project index proves models anywhere (`models.Person.query…`), and names the one db.
        proven = model in self.flask.models or (
            receiver is not None and evidence.is_mapped(receiver) and (db is not None or evidence.flask_db is not None))
        if receiver == "self" and self.in_model_method() and not self.shadowed("type"):
            # `self.query` in a method of a model: the query of the instance's class.
            found.receiver = cst.Call(cst.Name("type"), [cst.Arg(cst.Name("self"))])
            receiver, proven = None, True
        if db is None and proven and evidence.flask_db is not None:
            db = self.project_db(original_node)
            if db is None:
                return updated_node
        if db is None or not proven:
            if db is not None and looks_like_model(found.receiver):
                self.report(original_node, f"`{receiver or 'the receiver'}` is not provably a "
                                           f"Flask-SQLAlchemy model (not a {db}.Model class of this project)")
            return updated_node
        custom = evidence.custom_query(receiver or "")
        if custom is not None:
            query_class, methods = custom
            used = [name for name in (*(step.func.attr.value for step in found.steps
                                        if isinstance(step.func, cst.Attribute)), found.terminal) if name in methods]
            if used:
                self.report(original_node, f"`{receiver}.query` is the custom query class `{query_class}`, whose "
                                           f"`{used[0]}()` this project defines; convert by hand")
                return updated_node
        root = (receiver or "").split(".")[0]
        rebound = next((name for name in (root, db) if name and self.shadowed(name)), None)
        if rebound:
            self.report(original_node, f"`{rebound}` is rebound in this function; convert by hand")
            return updated_node
        self.db_name = db
        chain = QueryChain(self.db_attr("session"), cst.Call(cst.Name("query"), [cst.Arg(found.receiver)]),
                           found.steps, found.terminal, found.terminal_call)
        return self.convert(original_node, chain)

    def in_model_method(self) -> bool:
        """Directly in a method of a Flask-SQLAlchemy model class (of this module or of the project)."""
        if len(self.qualname) < 2 or not self.classes:
            return False
        owner = self.qualname[-2]
        return owner in self.flask.models or (self.options.evidence.is_mapped(owner) and
                                              (self.flask.db is not None or self.options.evidence.flask_db is not None))

    db_name: Optional[str] = None  # the db the current conversion uses (the module's, or the project's imported)

    def project_db(self, node: cst.Call) -> Optional[str]:
        """The project's one `db`, imported here: its name, or None (with a finding) when it cannot be."""
        module, name = self.options.evidence.flask_db or ("", "")
        if self.module_bindings.get(name) is not None or self.shadowed(name):
            self.report(node, f"`{name}` (the project's Flask-SQLAlchemy db in {module}) means something else "
                              f"here; convert by hand")
            return None
        from libcst.codemod.visitors import AddImportsVisitor

        AddImportsVisitor.add_needed_import(self.context, module, name)
        return name

    def db_attr(self, name: str) -> cst.Attribute:
        return cst.Attribute(cst.Name(self.db_name or self.flask.db or "db"), cst.Name(name))

    def select(self, chain: QueryChain) -> cst.BaseExpression:
        """`db.select(M)` with the chain's builder steps."""
        return select_with_steps(self.db_attr("select"), chain)
