"""Metadata per top-level statement (migrator.rewrite.positions) equals libcst's over the whole module.

Positions are resolved on a module of one statement and moved down by the lines before it;
the fixtures hold everything that moves a statement's first line: a header, decorators
(one of them parenthesized over three lines, where ast's line is not the `@`'s), comments
between decorators and before definitions, blank lines, multi-line strings, backslash
continuations, `a; b` lines, form feeds and U+2028 in comments and strings (not line ends
for Python), CRLF and CR files, tab indentation, a footer and a missing final newline.
Every node of every statement is compared with the whole-module table.
"""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

import libcst as cst
import pytest
from libcst.metadata import (ClassScope, FunctionScope, GlobalScope, MetadataWrapper, ParentNodeProvider,
                             PositionProvider, ScopeProvider, WhitespaceInclusivePositionProvider)

from migrator.rewrite.batch import quiet_definitions
from migrator.rewrite.engine import Selection, rewrite_text
from migrator.rewrite.positions import ModuleMetadata, parents, resolve

FIXTURE = textwrap.dedent('''\
    #!/usr/bin/env python
    # -*- coding: utf-8 -*-
    """Module docstring,
    over three lines."""

    import functools
    from sqlalchemy.orm import Session  # a trailing comment
    x = 1; y = 2

    QUERY = """
    SELECT *
      FROM t
    """


    # A comment before a decorated function.
    @(
        functools.wraps(print)
    )
    # a comment between decorators
    @functools.lru_cache(maxsize=None)

    def decorated(session, a=QUERY,
                  b=2):
        """Docstring
        with lines."""
        q = session.query(Thing) \\
            .filter(Thing.a == a)
        text = \'\'\'multi
    line\'\'\'; other = 3
        return q.all(), text, other
    \f
    # page break above (a form feed, not a line end for Python); U+2028 here: \u2028 still one line
    class Holder(object):
        """Class docstring."""

        attribute = "\u2028 in a string"

        @staticmethod
        def method(session):
            rows = session.query(Thing).all()

            def inner():
                return rows
            return inner


    if True:
        def conditional(s):
            return s.query(Thing).get(1)
    else:
        pass

    async def coroutine(session):
        async with session.begin():
            result = await session.execute(statement)
        return [r for r in result]

    lambda_value = (lambda s: s.query(Thing)
                    .count())
    # a footer comment
''')


def variants() -> dict[str, str]:
    tabs = FIXTURE.replace("    ", "\t")
    return {
        "lf": FIXTURE,
        "crlf": FIXTURE.replace("\n", "\r\n"),
        "cr": FIXTURE.replace("\n", "\r"),
        "tabs": tabs,
        "no-final-newline": FIXTURE.rstrip("\n"),
        "no-footer-no-final-newline": FIXTURE.replace("# a footer comment\n", "").rstrip("\n"),
        "leading-blank-lines": "\n\n# first\n\n" + FIXTURE,
        "one-statement": "def only(session):\n    return session.query(Thing).all()\n",
    }


def _every_node(root: cst.CSTNode) -> list[cst.CSTNode]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


@pytest.mark.parametrize("name", list(variants()))
@pytest.mark.parametrize("with_source", [True, False])
def test_positions_and_parents_per_statement_equal_the_whole_modules(name: str, with_source: bool) -> None:
    text = variants()[name]
    module = cst.parse_module(text)  # (libcst drops a CR file's last CR: then the last statement is counted)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(
        {PositionProvider, WhitespaceInclusivePositionProvider, ParentNodeProvider})
    metadata = ModuleMetadata(module)
    if with_source:
        metadata.use_source(text)
    compared = 0
    for stmt in module.body:
        for node in _every_node(stmt):
            for provider in (PositionProvider, WhitespaceInclusivePositionProvider, ParentNodeProvider):
                assert metadata.value(provider, node, stmt) == whole[provider][node], (name, provider, node)
            compared += 1
    assert compared > (100 if name != "one-statement" else 10)
    assert metadata.whole == {}  # nothing fell back to the whole module
    for index in range(len(module.body)):
        assert metadata.offset(index) == metadata.counted_offset(index)


def test_a_wrong_ast_line_is_caught_and_counted_instead() -> None:
    module = cst.parse_module(FIXTURE)
    metadata = ModuleMetadata(module)
    metadata.use_source(FIXTURE)
    index = next(i for i, s in enumerate(module.body) if isinstance(s, cst.FunctionDef) and s.name.value == "decorated")
    assert metadata._proven_hint(index) is None  # ast reads `@(\n functools.wraps` at the name's line
    counted = metadata.counted_offset(index)
    assert metadata.offset(index) == counted
    assert FIXTURE.splitlines()[counted] == ""  # the blank line before its leading comment
    other = next(i for i, s in enumerate(module.body) if isinstance(s, cst.ClassDef))
    assert metadata._proven_hint(other) == metadata.counted_offset(other)


def test_a_node_outside_the_given_statement_is_found_in_its_own() -> None:
    module = cst.parse_module(FIXTURE)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many({PositionProvider, ParentNodeProvider})
    metadata = ModuleMetadata(module)
    last = module.body[-1]
    function = next(s for s in module.body if isinstance(s, cst.FunctionDef))
    inner = function.body.body[-1]  # `return q.all(), text, other`
    for node, hint in ((function.name, last), (function.name, None), (inner, None), (inner, function)):
        assert metadata.value(PositionProvider, node, hint) == whole[PositionProvider][node]
        assert metadata.value(ParentNodeProvider, node, hint) is whole[ParentNodeProvider][node]
    assert metadata.value(ParentNodeProvider, function, last) is module
    assert metadata.whole == {}  # found in their statements, nothing resolved over the whole module
    assert metadata.value(PositionProvider, module, None) == whole[PositionProvider][module]  # the module: as libcst
    with pytest.raises(KeyError):
        metadata.value(PositionProvider, cst.Name("elsewhere"), function)


def facts(scope):
    """What a rule reads from a scope: its kind, its assignments with their references, its accesses."""
    if scope is None:
        return None
    return (type(scope).__name__,
            sorted((name, id(a.node), sorted(id(r.node) for r in a.references))
                   for name, found in scope._assignments.items() for a in found),
            sorted(id(a.node) for a in scope.accesses))


def test_function_and_class_scopes_per_statement_equal_the_whole_modules() -> None:
    module = cst.parse_module(FIXTURE)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    metadata = ModuleMetadata(module)

    local = module_level = 0
    missing = 0
    for stmt in module.body:
        for node in _every_node(stmt):
            if node not in whole:  # whitespace, parentheses…: no scope, a KeyError as from libcst
                with pytest.raises(KeyError):
                    metadata.value(ScopeProvider, node, stmt)
                missing += 1
                continue
            mine = metadata.value(ScopeProvider, node, stmt)
            if isinstance(whole[node], (FunctionScope, ClassScope)):
                assert facts(mine) == facts(whole[node]), node
                local += 1
            elif isinstance(whole[node], GlobalScope):
                assert mine is whole[node] or mine is metadata.whole_table(ScopeProvider)[node]
                module_level += 1
    assert local > 30 and module_level > 10 and missing > 10


@pytest.mark.parametrize("provider", [PositionProvider, WhitespaceInclusivePositionProvider, ScopeProvider])
@pytest.mark.parametrize("name", ["lf", "crlf", "tabs", "no-final-newline"])
def test_direct_resolution_equals_the_metadata_wrappers(provider, name: str) -> None:
    module = cst.parse_module(variants()[name])
    mine = resolve(module, provider)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(provider)
    assert set(mine) == set(theirs)
    if provider is ScopeProvider:
        assert all(facts(mine[node]) == facts(theirs[node]) for node in theirs)
    else:
        assert dict(mine) == dict(theirs)


def test_fast_parents_equal_libcsts() -> None:
    for text in variants().values():
        module = cst.parse_module(text)
        assert parents(module) == dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider))


def test_definitions_after_form_feeds_and_line_separators_keep_their_lines() -> None:
    # str.splitlines() splits at \f and U+2028 too: the source read for `late` was a line early,
    # missed its only `.query(` and skipped the function.
    text = "x = 1\n# \f \u2028 \x1c\ndef late(session):\n    a = 1\n    return session.query(T)\n"
    module = cst.parse_module(text)
    rule = SimpleNamespace(required=(), needles=(".query(",))
    assert quiet_definitions(module, text, [rule]) == set()


def test_findings_lines_are_those_of_the_whole_module() -> None:
    source = textwrap.dedent('''\
        from sqlalchemy.orm import Session


        @decorator(
            "multi-line"
        )
        # comment
        def one(session: Session):
            q = session.query(User)
            return q


        QUERY = """
        lines
        """


        class Service:
            @property
            def two(self, session: Session):
                q = session.query(User).filter(User.a == 1)
                return q
        ''')
    result = rewrite_text(source, "service.py", Selection())
    lines = source.splitlines()
    assert result.findings, result
    for finding in result.findings:
        assert lines[finding.line - 1][finding.column - 1:].startswith("session.query("), finding
