"""Rule sets for `migrator rewrite`, and the base class every rule builds on.

A rule is a libcst codemod (VisitorBasedCodemodCommand) in its own module. Its class
attributes say what it is: `code` (SA001…), `safety` (safe: applied by default; unsafe:
applied only with --unsafe, otherwise each site it would change is a finding; report: never
changes code, only produces findings) and `needles`,
the substrings of which a file must hold one (plus all of `required`) to match: the
engine's text pre-filter, which keeps most files from ever being parsed. The
first line of its docstring is its description in `--list-rules`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import ClassVar, Mapping, Optional

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import ParentNodeProvider, PositionProvider

from migrator.rewrite.positions import ModuleMetadata
from migrator.rewrite.project import NO_EVIDENCE, FileEvidence
from migrator.rewrite.sessions import SessionTracker, dotted

SAFETIES = ("safe", "unsafe", "report")

# Rule set name -> the module that lists its rules (imported lazily: workers import it once).
RULE_SETS = {"sqlalchemy-2.0": "migrator.rewrite.rules.sqlalchemy_20"}


@dataclass(frozen=True)
class Finding:
    """A site that a rule recognised but did not (or must not) convert."""

    line: int
    column: int
    code: str
    reason: str


@dataclass(frozen=True)
class RuleOptions:
    session_names: tuple[str, ...] = ()
    unsafe: bool = False  # --unsafe: unsafe rules change code instead of reporting
    entity_names: tuple[str, ...] = ()  # expressions that always hold a mapped class (`self.model`)
    evidence: FileEvidence = NO_EVIDENCE  # what the whole project proves about this file


class Rule(VisitorBasedCodemodCommand, SessionTracker):
    """Base of every rule: session evidence, findings with positions, a description."""

    # No eager metadata: positions, parents and scopes are resolved on first use (`lazy_metadata`),
    # so the many files where no rule reports or analyses anything never pay for them.
    METADATA_DEPENDENCIES = ()
    code: ClassVar[str] = ""
    safety: ClassVar[str] = "safe"
    needles: ClassVar[tuple[str, ...]] = ()   # the file must contain one of these…
    required: ClassVar[tuple[str, ...]] = ()  # …and all of these, or the rule cannot match

    evidence: ClassVar[tuple[str, ...]] = ()  # …and, when set, one of these or a configured name

    @classmethod
    def matches(cls, text: str, names: tuple[str, ...] = ()) -> bool:
        """The text pre-filter: False means no site of this rule can be in `text`.

        `names` are the configured session names, which count as evidence on their own.
        """
        return (all(r in text for r in cls.required) and any(n in text for n in cls.needles)
                and (not cls.evidence or any(e in text for e in cls.evidence) or any(n in text for n in names)))

    _init_templates: ClassVar[dict[type, dict]] = {}

    def __init__(self, context: CodemodContext, options: RuleOptions = RuleOptions()) -> None:
        # libcst's transformer __init__ looks for @visit/@leave matcher functions with dir() and
        # getattr over every attribute: ~13 ms, paid per rule per file. Rules use none, so the
        # state it builds is computed once per class and copied.
        template = Rule._init_templates.get(type(self))
        if template is None:
            super().__init__(context)
            state = {k: v for k, v in vars(self).items() if k != "context"}
            if not any(state.get(k) for k in ("_extra_visit_funcs", "_extra_leave_funcs")):
                Rule._init_templates[type(self)] = state
        else:
            self.__dict__.update(template)
            self.context = context
        self.init_tracker(options.session_names, options.evidence.session_receivers)
        self.options = options
        self.findings: list[Finding] = []
        self.converted: list[cst.CSTNode] = []  # original nodes this rule replaced (set by the batch)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        # Imports requested through AddImportsVisitor/RemoveImportsVisitor are applied once by
        # the engine after the last rule: inserting them here would shift the lines every later
        # rule reports its findings on.
        return Codemod.transform_module(self, tree)

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def visit_Module(self, node: cst.Module) -> None:
        self.module_node = node
        self.module_bindings = module_bindings(node)

    ancestors: list = []  # set by the batch: the path from the module to the node being visited

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """`node`'s parent: from the walk's own path when `node` is on it (free), else metadata."""
        path = self.ancestors
        for index in range(len(path) - 1, 0, -1):
            if path[index] is node:
                return path[index - 1]
        return self.lazy_metadata(ParentNodeProvider, node)

    def lazy_metadata(self, provider, node: cst.CSTNode):
        """`provider`'s value for `node`, resolved once and shared by every rule.

        Positions, parents and scopes are resolved for the top-level statement that holds
        `node` (the one being visited, or found), not the whole module: the same values for a
        fraction of the cost (migrator.rewrite.positions; a module-level node's scope, and other
        providers, come from the whole module).
        """
        path = self.ancestors
        return _metadata_cache(self.module_node).value(provider, node, path[1] if len(path) > 1 else None)

    def free_name(self, name: str, module: str = "sqlalchemy") -> bool:
        """True when `from <module> import <name>` can be added here without a clash.

        A rule that introduces `select`, `func`, `update`… must not capture a module-level
        function of that name nor be shadowed by a parameter (`def search(session, text)`).
        """
        bound = self.module_bindings.get(name)
        if bound is not None and bound != module:
            return False
        return not any(name in scope for scope in self.scopes[1:])

    def line_of(self, node: cst.CSTNode) -> int:
        return self.lazy_metadata(PositionProvider, node).start.line

    def report(self, node: cst.CSTNode, reason: str) -> None:
        pos = self.lazy_metadata(PositionProvider, node).start
        self.findings.append(Finding(pos.line, pos.column + 1, self.code, reason))

    # Session evidence is collected in source order by every rule, so `is_session`
    # answers for the scope the rule is visiting.
    def visit_Import(self, node: cst.Import) -> None:
        self.track_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.track_import_from(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.push_scope(node.params)
        self.qualname.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.pop_scope()
        self.qualname.pop()
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.push_scope(node.params)

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.BaseExpression) -> cst.BaseExpression:
        self.pop_scope()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.push_class(node)
        self.qualname.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.pop_class()
        self.qualname.pop()
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind(node.target, node.value, node.annotation.annotation)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.bind(node.asname.name, node.item)


def per_module(compute):
    """Memoize a function of a module for the module being rewritten (the last one seen).

    Every rule of a file visits the same Module object; facts about it (imports, Flask
    evidence, metadata) are computed by the first rule that asks and reused by the rest.
    """
    last: list = [None, None]

    def cached(module: cst.Module):
        if last[0] is not module:
            last[0], last[1] = module, compute(module)
        return last[1]

    return cached


@per_module
def _metadata_cache(module: cst.Module) -> ModuleMetadata:
    return ModuleMetadata(module)


def _resolved(module: cst.Module, provider) -> Mapping:
    """`provider`'s table over the whole `module` (prefer `Rule.lazy_metadata`: per statement)."""
    return _metadata_cache(module).whole_table(provider)


@per_module
def module_bindings(module: cst.Module) -> dict[str, str]:
    """Top-level names -> where they come from ("sqlalchemy" for its imports, else "other")."""
    found: dict[str, str] = {}

    def walk(statements) -> None:
        for stmt in statements:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                found[stmt.name.value] = "other"
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    _bind_small(small, found)
            elif isinstance(stmt, cst.If):
                walk(_block(stmt.body))
                if stmt.orelse is not None:
                    walk([stmt.orelse] if isinstance(stmt.orelse, cst.If) else _block(stmt.orelse.body))
            elif isinstance(stmt, cst.Try):
                for suite in (stmt.body, *(h.body for h in stmt.handlers), *(x.body for x in (stmt.orelse, stmt.finalbody) if x)):
                    walk(_block(suite))
            elif isinstance(stmt, cst.With):
                walk(_block(stmt.body))

    walk(module.body)
    return found


def _block(suite: cst.BaseSuite) -> list:
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    return [cst.SimpleStatementLine(body=suite.body)]  # `if x: import y` on one line


def _bind_small(small: cst.BaseSmallStatement, found: dict[str, str]) -> None:
    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
        source = "sqlalchemy" if small.module is not None and (dotted(small.module) or "").split(".")[0] == "sqlalchemy" else "other"
        for alias in small.names:
            local = alias.asname.name if alias.asname else alias.name
            name = dotted(local) if isinstance(local, (cst.Name, cst.Attribute)) else None
            if name:
                found[name] = source if alias.asname is None else "other"
    elif isinstance(small, cst.Import):
        for alias in small.names:
            local = alias.asname.name if alias.asname else alias.name
            name = dotted(local) if isinstance(local, (cst.Name, cst.Attribute)) else None
            if name:
                found[name.split(".")[0]] = "other"
    elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        for target in targets:
            if isinstance(target, cst.Name):
                found[target.value] = "other"


def discover(package: str) -> list[type[Rule]]:
    """Every rule class defined in the modules of `package` (modules named `_…` are helpers)."""
    found: list[type[Rule]] = []
    root = importlib.import_module(package)
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        found.extend(obj for obj in vars(module).values()
                     if isinstance(obj, type) and issubclass(obj, Rule) and obj.__module__ == module.__name__ and obj.code)
    codes = [rule.code for rule in found]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise RuntimeError(f"{package}: rule codes used twice: {', '.join(duplicated)}")
    return sorted(found, key=lambda rule: rule.code)


def rule_set(name: str) -> list[type[Rule]]:
    """The rules of a set in code order; KeyError for an unknown set."""
    module = importlib.import_module(RULE_SETS[name])
    return sorted(module.RULES, key=lambda rule: rule.code)


def find_rule(rules: list[type[Rule]], code: str) -> Optional[type[Rule]]:
    return next((rule for rule in rules if rule.code == code.upper()), None)
