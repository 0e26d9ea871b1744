"""Run every rule of a file in one walk of its tree.

libcst runs one transformer per walk, and each codemod resolves its own metadata, so N
rules cost N walks and N position tables: about two seconds per rule on a 50 KB module.
RuleBatch is a single transformer that forwards each node to the rules that handle its
type, in code order, so a file costs one walk and one metadata resolution, whatever
the number of rules. Each rule still sees the original node in visit_/leave_ (metadata
and findings refer to the file as read); leave_ handlers are chained, so a rule receives
the node as the rules before it left it, exactly as when they ran one after another.
A rule whose changes are not kept (report rules; unsafe rules without --unsafe) runs
all the same, for its findings, but what it returns is dropped.
"""

from __future__ import annotations

import ast
import gc
from collections import defaultdict
from typing import Iterable, Optional, Union

import libcst as cst
from libcst.metadata import MetadataWrapper

from migrator.rewrite.positions import NEWLINE
from migrator.rewrite.rules import Rule, _metadata_cache


def _handled(cls: type, prefix: str) -> set[str]:
    """Node type names for which `cls` (not libcst's no-op defaults) defines `<prefix><Type>`."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] == "libcst":
            continue
        names.update(attr[len(prefix):] for attr in vars(klass) if attr.startswith(prefix))
    attribute_handlers = sorted(n for n in names if "_" in n)
    if attribute_handlers:
        raise TypeError(f"{cls.__name__}: attribute visitors are not supported by RuleBatch: {attribute_handlers}")
    return names


class RuleBatch(cst.CSTTransformer):
    def __init__(self, rules: list[tuple[Rule, bool]], quiet: Optional[set[int]] = None) -> None:
        super().__init__()
        self.quiet = quiet or set()  # ids of definitions no rule can match in: not walked at all
        self.keep = [keep for _, keep in rules]
        self.rules = [rule for rule, _ in rules]
        # Node type name -> [(rule index, bound handler)], in code order; built once per file.
        self.visitors: dict[str, list] = defaultdict(list)
        self.leavers: dict[str, list] = defaultdict(list)
        self.ancestors: list[cst.CSTNode] = []  # the path from the module to the node being visited
        for index, (rule, _) in enumerate(rules):
            for name in _handled(type(rule), "visit_"):
                self.visitors[name].append((index, getattr(rule, f"visit_{name}")))
            for name in _handled(type(rule), "leave_"):
                self.leavers[name].append((index, getattr(rule, f"leave_{name}")))
            rule.ancestors = self.ancestors
        self.skipping: dict[int, cst.CSTNode] = {}  # rule index -> node whose children it declined

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.quiet:
            return False
        self.ancestors.append(node)
        handlers = self.visitors.get(type(node).__name__)
        if handlers:
            for index, handler in handlers:
                if index not in self.skipping and handler(node) is False:
                    self.skipping[index] = node
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]:
        if id(original_node) in self.quiet:
            return updated_node
        self.ancestors.pop()
        handlers = self.leavers.get(type(original_node).__name__)
        if not handlers:
            return updated_node
        result: Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel] = updated_node
        kind = type(original_node)
        for index, handler in handlers:
            declined = self.skipping.get(index)
            if declined is not None and declined is not original_node:
                continue
            if type(result) is not kind:
                break  # an earlier rule replaced the node with another kind: nothing left for the rest
            changed = handler(original_node, result)
            if self.keep[index]:
                if changed is not result:
                    self.rules[index].converted.append(original_node)  # for --report-only and the counts
                result = changed
        if self.skipping:
            for index in [i for i, node in self.skipping.items() if node is original_node]:
                del self.skipping[index]
        return result

    # Rules define no attribute visitors (visit_Call_func…): skip libcst's per-attribute dispatch.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


class _Mismatch(Exception):
    pass


def quiet_definitions(module: cst.Module, text: str, rules: Iterable[Rule], tree: Optional[ast.Module] = None) -> set[int]:
    """ids of the functions and classes in whose source no rule's pre-filter matches: no site can be there.

    A libcst walk costs about as much as the parse, and most of a module is code no rule
    cares about. Python's own parser (a tenth of libcst's time) gives every statement's
    lines; statements are matched one to one (a libcst line of `a; b` is two of ast's), and
    any disagreement means nothing is skipped. Only `def` and `class` are skipped: imports
    and assignments, the rules' evidence, are always walked, including those under `if`/`try`.
    """
    if tree is None:
        tree = _parse(text)
    if tree is None:
        return set()
    # ast's line ends (\n, \r\n, \r), not str.splitlines' (which also splits at \f, \x1c, \u2028…
    # inside comments and strings, and would shift every later definition's source).
    lines = NEWLINE.split(text)
    lines = [line + end for line, end in zip(lines, NEWLINE.findall(text) + [""])]
    # A rule's evidence words usually sit in the imports, outside the definition: not required here.
    tests = [(rule.required, _definition_needles(rule, text)) for rule in rules]
    quiet: set[int] = set()

    def block(statements, nodes) -> None:
        index = 0
        for stmt in statements:
            if isinstance(stmt, cst.SimpleStatementLine):
                index += len(stmt.body)
                continue
            if index >= len(nodes):
                raise _Mismatch
            node = nodes[index]
            index += 1
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) != isinstance(node, _DEFINITIONS):
                raise _Mismatch
            if not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            source = "".join(lines[start - 1:node.end_lineno])
            if not any(all(r in source for r in required) and any(n in source for n in needles)
                       for required, needles in tests):
                quiet.add(id(stmt))
            elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
                block(stmt.body.body, node.body)
        if index != len(nodes):
            raise _Mismatch

    try:
        block(module.body, tree.body)
    except _Mismatch:
        return set()
    return quiet


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _definition_needles(rule: Rule, text: str) -> tuple[str, ...]:
    """A rule's needles for one definition; a rule that rewrites across functions (SA021: the
    callers of a function it converts) may add some found in the module's text."""
    extra = getattr(rule, "definition_needles", None)
    if extra is None or (isinstance(rule, type) and not isinstance(rule.__dict__.get("definition_needles"), classmethod)):
        return rule.needles  # a rule class, not an instance: its static needles
    return extra(text)


def run_rules(module: cst.Module, rules: list[tuple[Rule, bool]], text: Optional[str] = None) -> cst.Module:
    """`module` after one walk that applies `rules`; definitions without any rule's needle are skipped."""
    needed = set().union(*(rule.get_inherited_dependencies() for rule, _ in rules)) if rules else set()
    # Rules declare no eager metadata (they resolve positions, parents and scopes per statement,
    # on demand: Rule.lazy_metadata); a rule that does gets it over the whole module.
    metadata = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(needed) if needed else {}
    for rule, _ in rules:
        rule.metadata = metadata
    # A parsed module is a few hundred thousand objects: the cyclic collector, run every 700
    # allocations, spends a fifth of the walk's time traversing them to find no cycles (nodes
    # form none). It is off for the walk; what cycles there are (scopes) go at the next collection.
    collecting = gc.isenabled()
    gc.disable()
    try:
        quiet: set[int] = set()
        if text is not None:
            tree = _parse(text)  # once: definitions to skip, and where each top-level statement starts
            _metadata_cache(module).use_source(text, tree)
            quiet = quiet_definitions(module, text, [rule for rule, _ in rules], tree)
        return module.visit(RuleBatch(rules, quiet))
    finally:
        if collecting:
            gc.enable()


def _parse(text: str) -> Optional[ast.Module]:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
