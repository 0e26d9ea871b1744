"""A reader for the part of YAML that Compose files use, with the line of every key and item.

PyYAML is not a dependency of migrator, and the report needs line numbers, which
yaml.safe_load drops anyway. This reads block mappings and sequences (including a
sequence at its key's indentation and `- key: value` items), flow sequences and mappings
(`["CMD", "pg_isready"]`, `{a: b}`, across lines), plain, single- and double-quoted
scalars, `|` and `>` block scalars, comments, anchors, aliases and `<<` merge keys. Every
scalar is a string (or None for an empty value, `~` and `null`): the rules compare text.
Only the first document of a stream is read. Anything else is a YamlError with its line.
"""

from __future__ import annotations

import re
from typing import Any


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


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


_KEY = re.compile(r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{\[][^#]*?|<<)\s*:(?:\s+|$)(?P<rest>.*)$""")
_ANCHOR = re.compile(r"^&([^\s\[\]{},]+)\s*(.*)$")


def loads(text: str) -> Any:
    return _Reader(text).read()


def _strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # that starts the line or follows a space, outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


class _Reader:
    def __init__(self, text: str) -> None:
        self.raw = text.splitlines()
        # (indent, content, 1-based line); blank and comment-only lines dropped.
        self.lines: list[tuple[int, str, int]] = []
        for number, raw in enumerate(self.raw, start=1):
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise YamlError(number, "tabs cannot indent YAML")
            content = _strip_comment(raw)
            stripped = content.strip()
            if not stripped or stripped.startswith("%"):
                continue
            if stripped in ("---", "...") or stripped.startswith("--- "):
                if self.lines:
                    break  # the first document only
                continue
            self.lines.append((len(content) - len(content.lstrip()), stripped, number))
        self.i = 0
        self.anchors: dict[str, Any] = {}

    def read(self) -> Any:
        if not self.lines:
            return None
        node = self.block(self.lines[0][0])
        if self.i < len(self.lines):
            raise YamlError(self.lines[self.i][2], "unexpected indentation")
        return node

    # -- block structure ---------------------------------------------------

    def block(self, indent: int) -> Any:
        _, text, _ = self.lines[self.i]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent)
        if _KEY.match(text):
            return self.mapping(indent)
        self.i += 1
        return self.inline(text, self.lines[self.i - 1][2])

    def sequence(self, indent: int) -> YSeq:
        seq = YSeq(self.lines[self.i][2])
        while self.i < len(self.lines):
            ind, text, number = self.lines[self.i]
            if ind != indent or not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].lstrip()
            seq.lines.append(number)
            if not rest:
                self.i += 1
                seq.append(self.child(indent, number))
            elif rest[0] not in "[{" and _KEY.match(rest):
                # `- key: value`: a mapping whose first key sits after the dash.
                self.lines[self.i] = (indent + (len(text) - len(rest)), rest, number)
                seq.append(self.mapping(self.lines[self.i][0]))
            else:
                self.i += 1
                seq.append(self.value(rest, number, indent))
        return seq

    def mapping(self, indent: int) -> YMap:
        node = YMap(self.lines[self.i][2])
        merges: list[Any] = []
        while self.i < len(self.lines):
            ind, text, number = self.lines[self.i]
            if ind != indent:
                if ind > indent:
                    raise YamlError(number, "unexpected indentation")
                break
            match = _KEY.match(text)
            if not match or text.startswith("- "):
                break
            key = _scalar(match.group("key").strip(), number)
            self.i += 1
            value = self.value(match.group("rest").strip(), number, indent, allow_same_indent_seq=True)
            if key == "<<":
                merges.extend(value if isinstance(value, list) else [value])
                continue
            node[key] = value
            node.lines[key] = number
        for merged in merges:
            if isinstance(merged, YMap):
                for key, value in merged.items():
                    if key not in node:
                        node[key] = value
                        node.lines[key] = merged.lines.get(key, merged.line)
        return node

    def child(self, indent: int, number: int, allow_same_indent_seq: bool = False) -> Any:
        """The block under a key or dash on line `number`, or None when nothing is nested."""
        if self.i >= len(self.lines):
            return None
        ind, text, _ = self.lines[self.i]
        if ind > indent:
            return self.block(ind)
        if allow_same_indent_seq and ind == indent and (text == "-" or text.startswith("- ")):
            return self.sequence(ind)  # Compose style: a key's list at the key's own indentation
        return None

    def value(self, rest: str, number: int, indent: int, allow_same_indent_seq: bool = False) -> Any:
        anchor = None
        match = _ANCHOR.match(rest)
        if match:
            anchor, rest = match.group(1), match.group(2).strip()
        if not rest:
            result = self.child(indent, number, allow_same_indent_seq)
        elif rest[0] in "|>":
            result = self.block_scalar(rest, indent)
        elif rest[0] in "[{" and not _balanced(rest):
            result = self.inline(self.join_flow(rest), number)
        else:
            result = self.inline(rest, number)
        if anchor:
            self.anchors[anchor] = result
        return result

    def join_flow(self, rest: str) -> str:
        parts = [rest]
        while not _balanced(" ".join(parts)):
            if self.i >= len(self.lines):
                raise YamlError(self.lines[-1][2], "unclosed flow collection")
            parts.append(self.lines[self.i][1])
            self.i += 1
        return " ".join(parts)

    def block_scalar(self, header: str, indent: int) -> str:
        """`|` keeps newlines, `>` folds them into spaces; read from the raw text (comments are text here)."""
        if self.i >= len(self.lines):
            return ""
        start = self.lines[self.i - 1][2]  # the header's line; content follows it in the raw text
        out: list[str] = []
        end = start
        block_indent = None
        for number in range(start + 1, len(self.raw) + 1):
            raw = self.raw[number - 1]
            if raw.strip():
                ind = len(raw) - len(raw.lstrip())
                if ind <= indent:
                    break
                block_indent = ind if block_indent is None else block_indent
                out.append(raw[block_indent:])
            else:
                out.append("")
            end = number
        while self.i < len(self.lines) and self.lines[self.i][2] <= end:
            self.i += 1
        while out and not out[-1]:
            out.pop()
        joined = "\n".join(out) if header[0] == "|" else " ".join(line for line in out if line)
        return joined if header.endswith("-") else joined + "\n"

    # -- flow and scalars --------------------------------------------------

    def inline(self, text: str, number: int) -> Any:
        node, pos = self.flow(text, 0, number)
        if text[pos:].strip():
            raise YamlError(number, f"unexpected text after a value: {text[pos:].strip()!r}")
        return node

    def flow(self, text: str, pos: int, number: int, inside: bool = False) -> tuple[Any, int]:
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == "[":
            seq = YSeq(number)
            pos = _skip(text, pos + 1)
            while pos < len(text) and text[pos] != "]":
                item, pos = self.flow(text, pos, number, inside=True)
                seq.append(item)
                seq.lines.append(number)
                pos = _skip(text, pos)
                if pos < len(text) and text[pos] == ",":
                    pos = _skip(text, pos + 1)
            if pos >= len(text):
                raise YamlError(number, "unclosed [")
            return seq, pos + 1
        if pos < len(text) and text[pos] == "{":
            node = YMap(number)
            pos = _skip(text, pos + 1)
            while pos < len(text) and text[pos] != "}":
                key, pos = self.flow(text, pos, number, inside=True)
                pos = _skip(text, pos)
                value = None
                if pos < len(text) and text[pos] == ":":
                    value, pos = self.flow(text, pos + 1, number, inside=True)
                    pos = _skip(text, pos)
                node[key] = value
                node.lines[key] = number
                if pos < len(text) and text[pos] == ",":
                    pos = _skip(text, pos + 1)
            if pos >= len(text):
                raise YamlError(number, "unclosed {")
            return node, pos + 1
        if pos < len(text) and text[pos] in "\"'":
            end = _quote_end(text, pos, number)
            return _scalar(text[pos:end], number), end
        stops = ",]}" if inside else ""
        end = pos
        while end < len(text) and text[end] not in stops and not (inside and text.startswith(": ", end)):
            end += 1
        word = text[pos:end].strip()
        if word.startswith("*"):
            name = word[1:]
            if name not in self.anchors:
                raise YamlError(number, f"unknown alias *{name}")
            return self.anchors[name], end
        return _scalar(word, number), end


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _quote_end(text: str, pos: int, number: int) -> int:
    quote = text[pos]
    i = pos + 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1:i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    raise YamlError(number, "unclosed quote")


def _balanced(text: str) -> bool:
    depth, quote, i = 0, None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth <= 0


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "0": "\0", "r": "\r"}


def _scalar(text: str, number: int) -> str | None:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        out, i, body = [], 0, text[1:-1]
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)
    if text[:1] in ("'", '"'):
        raise YamlError(number, "unclosed quote")
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    return text
