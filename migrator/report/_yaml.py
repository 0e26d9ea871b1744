"""YAML for the report's Compose checks: PyYAML's composer, with the line of every key and item.

Why a library: Compose files are real YAML — anchors and aliases, `<<` merge keys, tags
(`!reset`, `!override`), several documents in one file, flow collections across lines,
block scalars with chomping and indentation indicators, every quoting and escape rule.
A hand-written subset reader (this module's previous 331 lines) kept meeting files it
could not read. PyYAML is the reference Python implementation and is small and pure Python
when its C extension is missing.

Why `compose` and not `safe_load`: the findings point at `compose.yaml:LINE`, and only the
node graph keeps positions (`node.start_mark.line`, 0-based). Composing also never
constructs Python values: custom tags such as Compose's `!reset` need no constructor,
and no scalar is turned into an int, bool or date by YAML 1.1's resolvers (`22:22` stays
`22:22`, not 1342). Every scalar is its text, or None when it resolves to null (empty,
`~`, `null`): the rules compare text, as the old reader did.

What this module adds to PyYAML: the conversion of nodes to YMap/YSeq (dicts and lists
that know their lines); `<<` merge keys, which PyYAML applies only when constructing
(explicit keys win over merged ones, earlier merged maps over later ones, and a merged
key keeps the line where the anchor defines it); a plain null under an application tag
(Compose's `!reset null`) read as None; duplicate keys as errors, as
`docker compose` (go-yaml v3) reports them while PyYAML keeps the last; and one-line
errors with line and column instead of PyYAML's multi-line messages. Aliases share one
converted object, so an alias bomb costs no more than its anchors.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


class YamlError(ValueError):
    """Text that is not YAML (or not the YAML Compose accepts), at a 1-based line and column."""

    def __init__(self, line: int, message: str, column: int = 1) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.problem = message


class YMap(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of each key (`lines[key]`) and of itself (`line`)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


class YSeq(list):  # type: ignore[type-arg]
    """A sequence that knows the line of each item (`lines[i]`) and of itself (`line`)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


def load_all(text: str) -> list[Any]:
    """Every document of `text` (none for an empty or comment-only stream), as YMap/YSeq/str/None."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        converter = _Converter()
        return [converter.convert(node) for node in nodes]
    except yaml.MarkedYAMLError as exc:
        raise _error(exc, text) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise YamlError(line, str(exc).splitlines()[0].strip(), column) from None
    except RecursionError:
        raise YamlError(1, "nested too deeply to read") from None


def loads(text: str) -> Any:
    """The one document of `text` (None when empty); a stream of several is an error (use load_all)."""
    documents = load_all(text)
    if len(documents) > 1:
        second = _document_starts(text)
        raise YamlError(second, "expected a single document, found another (read it with load_all)")
    return documents[0] if documents else None


def _document_starts(text: str) -> int:
    """The line of the second document's start, for the error above."""
    starts = [e.start_mark.line + 1 for e in yaml.parse(text, Loader=yaml.SafeLoader)
              if isinstance(e, yaml.DocumentStartEvent)]
    return starts[1] if len(starts) > 1 else 1


def _error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    problem = exc.problem or exc.context or "not YAML"
    if exc.context and context and mark and mark.index >= len(text.rstrip()):
        # Ran off the end (an unclosed quote or bracket): where it starts is the useful place.
        return YamlError(context.line + 1, f"{problem} ({exc.context}, which starts here)", context.column + 1)
    where = ""
    if exc.context and context and mark and (context.line, context.column) != (mark.line, mark.column):
        where = f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return YamlError(line, f"{problem}{where}", column)


def _local_null(node: ScalarNode) -> bool:
    """`!reset null`, `!reset ~` or a bare `!reset`: an application tag on a plain null is still null."""
    return node.tag.startswith("!") and node.style is None and node.value in ("", "~", "null", "Null", "NULL")


class _Converter:
    def __init__(self) -> None:
        self.done: dict[int, Any] = {}  # id(node) -> converted: aliases share, cycles end

    def convert(self, node: Node) -> Any:
        if id(node) in self.done:
            return self.done[id(node)]
        line = node.start_mark.line + 1
        if isinstance(node, ScalarNode):
            value = None if node.tag == _NULL or _local_null(node) else node.value
            self.done[id(node)] = value
            return value
        if isinstance(node, SequenceNode):
            seq = YSeq(line)
            self.done[id(node)] = seq
            for item in node.value:
                seq.append(self.convert(item))
                seq.lines.append(item.start_mark.line + 1)
            return seq
        assert isinstance(node, MappingNode)
        mapping = YMap(line)
        self.done[id(node)] = mapping
        merged: list[YMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                raise YamlError(key_node.start_mark.line + 1, "a key must be a plain value, not a collection",
                                key_node.start_mark.column + 1)
            key = key_node.value
            if key in mapping:
                raise YamlError(key_node.start_mark.line + 1,
                                f"duplicate key {key!r} (first at line {mapping.lines[key]}); "
                                f"docker compose refuses such a file", key_node.start_mark.column + 1)
            mapping[key] = self.convert(value_node)
            mapping.lines[key] = key_node.start_mark.line + 1
        for source in merged:  # explicit keys win, then earlier merged maps over later ones
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value
                    mapping.lines[key] = source.lines.get(key, source.line)
        return mapping

    def _merge_sources(self, node: Node) -> list[YMap]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        out = []
        for source in sources:
            value = self.convert(source)
            if not isinstance(value, YMap):
                raise YamlError(source.start_mark.line + 1, "`<<` merges a mapping or a list of mappings",
                                source.start_mark.column + 1)
            out.append(value)
        return out
