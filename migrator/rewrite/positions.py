"""Positions, parents and scopes for one top-level statement instead of the whole module.

libcst resolves metadata over a whole Module: a position table is a full code generation,
parents and scopes a full walk, about a second for a 3,000-line module. A rule asks for
them at a handful of sites, all inside the function it is visiting, so each provider is
resolved here on a Module holding only the enclosing top-level statement (cached per
statement; `resolve` skips MetadataWrapper's extra pass) and the answer is translated back:

- positions (PositionProvider, WhitespaceInclusivePositionProvider): every top-level
  statement starts at column 0 of a line, so a position in the one-statement module is the
  same position `offset` lines further down, `offset` being the number of lines before the
  statement (the module header and every earlier statement, leading comments, blank lines
  and decorators included). It comes from Python's own parser (the line of the statement's
  first token, less the comment and blank lines libcst attaches to it) and is proven before
  use: the statement's code must be the source text at that line. When it is not (e.g.
  `@(\\n dec)`, whose ast line is the name's), the lines of the preceding statements are
  counted from their code, which is exact.
- parents (ParentNodeProvider): from one pass over the nodes' fields (`parents`), several times
  faster than libcst's visitor and the same table (a node's children are its node-valued
  fields); the statement's parent is the module itself.
- scopes (ScopeProvider): function and class scopes are exact, since Python decides what is
  local to a function from the function alone: their assignments, accesses and references
  are the same. The module scope is not: it holds only this statement's names, so a node whose
  scope is the module's is answered from the whole module, and the module scope reached from a
  function's (`scope.parent`, `scope.globals`, what a global name refers to) must not be
  relied on; ask with a module-level node for module facts.

The statement is the one the walk is in (the rule's `ancestors`); a node elsewhere, or asked
about outside the walk (in visit_Module), is found in its own statement (one visitor-free
walk of the module, once). Other providers, and nodes of no statement (the module itself), are
answered from the whole module, as libcst would.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any, Mapping, Optional

import libcst as cst
from libcst.metadata import (CodePosition, CodeRange, ExpressionContextProvider, GlobalScope, MetadataWrapper,
                             ParentNodeProvider, PositionProvider, ScopeProvider, WhitespaceInclusivePositionProvider)

_POSITIONS = (PositionProvider, WhitespaceInclusivePositionProvider)
LOCAL_PROVIDERS = frozenset({*_POSITIONS, ParentNodeProvider, ScopeProvider})
NEWLINE = re.compile(r"\r\n?|\n")  # libcst's (and Python's tokenizer's) line ends, not str.splitlines'
_MISSING = object()


class ModuleMetadata:
    """Metadata of one module, resolved per top-level statement on demand (see the module docstring)."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.index = {id(stmt): i for i, stmt in enumerate(module.body)}
        self.whole: dict[Any, Mapping] = {}  # provider -> its table over the whole module
        self._modules: dict[int, cst.Module] = {}  # statement index -> a module of that statement alone
        self._owners: Optional[dict[int, int]] = None  # id(node) -> index of its top-level statement
        self._tables: dict[tuple[int, Any], Mapping] = {}
        self._offsets: dict[int, int] = {}
        self._text: Optional[str] = None
        self._tree: Optional[ast.Module] = None
        self._hints: Optional[dict[int, int]] = None  # statement index -> its first line, from ast (unproven)
        self._line_starts: Optional[list[int]] = None
        self._counted = [len(module.header)]  # _counted[i]: exact lines before statement i (grown on demand)

    def use_source(self, text: str, tree: Optional[ast.Module] = None) -> None:
        """The text the module was parsed from (and its ast, when already parsed): cheap statement offsets."""
        if self._text is None:
            self._text, self._tree = text, tree

    # -- lookups -------------------------------------------------------------------------
    def value(self, provider, node: cst.CSTNode, statement: Optional[cst.CSTNode] = None):
        """`provider`'s value for `node`, which lies in the top-level `statement` (a hint: when it is
        None or wrong, the statement holding `node` is looked up)."""
        if provider not in LOCAL_PROVIDERS:
            return self.whole_table(provider)[node]
        index = self.index.get(id(node))
        if index is not None:  # a top-level statement itself
            if provider is ParentNodeProvider:
                return self.module
        elif statement is not None:
            index = self.index.get(id(statement))
        found = self.table(index, provider).get(node, _MISSING) if index is not None else _MISSING
        if found is _MISSING:
            owner = self.owner(node)
            if owner is None:  # the module, its header or footer, or not a node of it: as libcst answers
                return self.whole_table(provider)[node]
            if owner == index:  # a node of this statement the provider has nothing for (scopes: whitespace…)
                raise KeyError(node)
            index = owner
            found = self.table(index, provider).get(node, _MISSING)
            if found is _MISSING:
                return self.whole_table(provider)[node]
        if provider in _POSITIONS:
            offset = self.offset(index)
            if offset:
                found = CodeRange(CodePosition(found.start.line + offset, found.start.column),
                                  CodePosition(found.end.line + offset, found.end.column))
        elif isinstance(found, GlobalScope):
            return self.whole_table(provider)[node]
        return found

    def owner(self, node: cst.CSTNode) -> Optional[int]:
        """The index of the top-level statement holding `node` (None: none does), from one walk of the module."""
        if self._owners is None:
            owners: dict[int, int] = {}
            for index, stmt in enumerate(self.module.body):
                owners[id(stmt)] = index
                for child in descendants(stmt):
                    owners[id(child)] = index
            self._owners = owners
        return self._owners.get(id(node))

    def whole_table(self, provider) -> Mapping:
        table = self.whole.get(provider)
        if table is None:
            table = self.whole[provider] = parents(self.module) if provider is ParentNodeProvider else resolve(self.module, provider)
        return table

    def table(self, index: int, provider) -> Mapping:
        """`provider`'s table for statement `index`, keyed by the original nodes (positions unshifted)."""
        key = (index, provider)
        table = self._tables.get(key)
        if table is None:
            if provider is ParentNodeProvider:
                table = parents(self.module.body[index])
            else:
                table = resolve(self.statement_module(index), provider)
            self._tables[key] = table
        return table

    def statement_module(self, index: int) -> cst.Module:
        """A module of statement `index` alone (same indentation and newline), sharing its nodes."""
        module = self._modules.get(index)
        if module is None:
            module = self._modules[index] = self.module.with_changes(
                header=(), body=(self.module.body[index],), footer=(), has_trailing_newline=True)
        return module

    # -- line offsets ----------------------------------------------------------------------
    def offset(self, index: int) -> int:
        """How many lines of the module come before statement `index` (header and leading lines of earlier ones)."""
        found = self._offsets.get(index)
        if found is None:
            found = self._proven_hint(index)
            if found is None:
                found = self.counted_offset(index)
            self._offsets[index] = found
        return found

    def counted_offset(self, index: int) -> int:
        """The exact offset, counting the lines of the code of every earlier statement."""
        counted, body, code = self._counted, self.module.body, self.module.code_for_node
        while len(counted) <= index:
            stmt = body[len(counted) - 1]
            counted.append(counted[-1] + len(NEWLINE.findall(code(stmt))))
        return counted[index]

    def _proven_hint(self, index: int) -> Optional[int]:
        if self._text is None:
            return None
        if self._hints is None:
            self._hints = _first_lines(self.module, self._text, self._tree)
        first = self._hints.get(index)
        if first is None:
            return None
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in NEWLINE.finditer(self._text))]
        if not 1 <= first <= len(self._line_starts):
            return None
        stmt_code = self.module.code_for_node(self.module.body[index])
        start = self._line_starts[first - 1]
        if self._text.startswith(stmt_code, start):
            return first - 1
        # The file's last statement, when the file has no final newline: libcst dropped it.
        rest = self._text[start:] if index == len(self.module.body) - 1 and not self.module.footer else ""
        if rest and stmt_code.startswith(rest) and NEWLINE.fullmatch(stmt_code[len(rest):]):
            return first - 1
        return None


def _first_lines(module: cst.Module, text: str, tree: Optional[ast.Module]) -> dict[int, int]:
    """Top-level statement index -> the line its code (leading comments and blank lines included) starts on.

    Python's parser gives each statement's first token (a decorated definition: its first
    decorator, read from the decorator's expression); libcst's statement starts that many
    leading lines earlier. Statements are matched one to one (libcst's `a; b` is two of ast's);
    any disagreement gives nothing. Unproven: ModuleMetadata checks each against the text.
    """
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return {}
    nodes = tree.body
    found: dict[int, int] = {}
    position = 0
    for index, stmt in enumerate(module.body):
        if position >= len(nodes):
            return {}
        node = nodes[position]
        leading = len(stmt.leading_lines)
        if isinstance(stmt, cst.SimpleStatementLine):
            position += len(stmt.body)
            line = node.lineno
        else:
            position += 1
            line = node.lineno
            decorators = getattr(stmt, "decorators", ())
            if decorators and getattr(node, "decorator_list", None):
                line = node.decorator_list[0].lineno
                leading += len(decorators[0].leading_lines)
        found[index] = line - leading
    if position != len(nodes):
        return {}
    return found


def resolve(module: cst.Module, provider) -> Mapping:
    """`provider`'s table over `module`, what `MetadataWrapper(module).resolve(provider)` returns.

    For positions and scopes, without the wrapper's batched pass: the providers do their work
    in `_gen_impl` / `visit_Module` (scopes: their own walks), after which libcst walks the
    whole module again to dispatch to no other method, and it looks the providers' methods up
    with inspect.getmembers each time: most of the cost on a function-sized module. Should
    libcst's internals move, the public way is taken.
    """
    try:
        if provider in _POSITIONS:
            positions = provider()
            positions._gen_impl(module)
            return positions._computed
        if provider is ScopeProvider:
            contexts = ExpressionContextProvider()
            contexts.visit_Module(module)
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            wrapper._metadata[ExpressionContextProvider] = contexts._computed
            scopes = ScopeProvider()
            with scopes.resolve(wrapper):
                scopes.visit_Module(module)
            return scopes._computed
    except (AttributeError, TypeError):
        pass
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(provider)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def parents(root: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Every node under `root` -> its parent: ParentNodeProvider's table for `root`'s subtree.

    libcst's `children` are the nodes among a node's dataclass fields, directly or in a
    sequence (what `_visit_and_replace_children` visits); reading the fields directly avoids
    a visitor call per node and per attribute.
    """
    return dict(_edges(root))


def descendants(root: cst.CSTNode):
    """Every node under `root` (not `root` itself), in no particular order: a walk without a visitor.

    For scans that only look at nodes (no replacement, no order): several times faster than
    `root.visit(CSTVisitor)`, which dispatches a call per node and per attribute.
    """
    return (child for child, _ in _edges(root))


def _edges(root: cst.CSTNode):
    """(child, parent) for every node under `root`, read from the dataclass fields (no visitor)."""
    fields_of = _CHILD_FIELDS
    stack = [root]
    pop, push = stack.pop, stack.append
    node_type = cst.CSTNode
    while stack:
        node = pop()
        kind = type(node)
        names = fields_of.get(kind)
        if names is None:
            names = fields_of[kind] = tuple(f.name for f in dataclasses.fields(kind))
        for name in names:
            value = getattr(node, name)
            if isinstance(value, node_type):
                push(value)
                yield value, node
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, node_type):
                        push(item)
                        yield item, node