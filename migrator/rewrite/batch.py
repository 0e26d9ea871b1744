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
from collections import defaultdict
from typing import Iterable, Optional, Union

import libcst as cst
from libcst.metadata import MetadataWrapper

from migrator.rewrite.rules import Rule


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


def quiet_definitions(module: cst.Module, text: str, rules: Iterable[Rule]) -> set[int]:
    """ids of the functions and classes in whose source no rule's pre-filter matches: no site can be there.

    A libcst walk costs about as much as the parse, and most of a module is code no rule
    cares about. Python's own parser (a tenth of libcst's time) gives every statement's
    lines; statements are matched one to one (a libcst line of `a; b` is two of ast's), and
    any disagreement means nothing is skipped. Only `def` and `class` are skipped: imports
    and assignments, the rules' evidence, are always walked, including those under `if`/`try`.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    lines = text.splitlines(keepends=True)
    # A rule's evidence words usually sit in the imports, outside the definition: not required here.
    tests = [(rule.required, rule.needles) for rule in rules]
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


def run_rules(module: cst.Module, rules: list[tuple[Rule, bool]], text: Optional[str] = None) -> cst.Module:
    """`module` after one walk that applies `rules`; definitions without any rule's needle are skipped."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # fresh from the parser: no shared nodes
    needed = set().union(*(rule.get_inherited_dependencies() for rule, _ in rules)) if rules else set()
    metadata = wrapper.resolve_many(needed)
    for rule, _ in rules:
        rule.metadata = metadata
    quiet = quiet_definitions(wrapper.module, text, [rule for rule, _ in rules]) if text is not None else set()
    return wrapper.module.visit(RuleBatch(rules, quiet))
