"""The Prisma Schema Language, read into a small syntax tree.

This module knows the grammar only: blocks (datasource, generator, model, view, enum,
type), fields with their type modifiers, `@field` and `@@block` attributes with
positional and named arguments, and values (strings, numbers, identifiers, calls such as
`now()` or `title(sort: Desc)`, and lists). What the attributes mean for a database is
migrator.inspect._prisma_physical's business.

The parser is a regular-expression tokenizer plus a recursive descent over lines: PSL is
line-oriented (one field or attribute per line) except inside parentheses and brackets,
where newlines are insignificant. Errors are BadInput with `file:line:col: message`, the
offending line and a caret.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple, Union

from migrator.errors import BadInput

BLOCK_KINDS = ("datasource", "generator", "model", "view", "enum", "type")


class Position(NamedTuple):
    file: str
    line: int
    column: int


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Call:
    """`name(args)` in a value position: now(), dbgenerated("…"), title(sort: Desc), raw("…")."""

    name: str
    args: tuple[Argument, ...]


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Ident:
    """A bare identifier: an enum value, a referential action, a field reference, true/false."""

    name: str


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Number:
    text: str


Value = Union[str, Number, Ident, Call, list]


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Argument:
    name: str | None  # None for a positional argument
    value: Value


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Attribute:
    """`@name(args)` on a field or `@@name(args)` on a block; `name` has no @ (`db.VarChar`)."""

    name: str
    args: tuple[Argument, ...]
    position: Position

    def arg(self, name: str, index: int | None = None) -> Value | None:
        """The argument called `name`, else the positional one at `index`."""
        for a in self.args:
            if a.name == name:
                return a.value
        if index is not None:
            positional = [a.value for a in self.args if a.name is None]
            if index < len(positional):
                return positional[index]
        return None


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Field:
    """A field of a model, view or type; a value of an enum (type_name ""); a key of a datasource."""

    name: str
    type_name: str
    optional: bool = False
    is_list: bool = False
    unsupported: str | None = None  # the text of Unsupported("…")
    attributes: tuple[Attribute, ...] = ()
    value: Value | None = None  # datasource/generator `key = value`
    doc: str | None = None
    position: Position | None = None

    def attribute(self, name: str) -> Attribute | None:
        for a in self.attributes:
            if a.name == name:
                return a
        return None


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower
class Block:
    kind: str
    name: str
    fields: tuple[Field, ...]
    attributes: tuple[Attribute, ...]
    position: Position
    doc: str | None = None

    def attribute(self, name: str) -> Attribute | None:
        for a in self.attributes:
            if a.name == name:
                return a
        return None

    def attributes_named(self, name: str) -> list[Attribute]:
        return [a for a in self.attributes if a.name == name]

    def setting(self, key: str) -> Value | None:
        for f in self.fields:
            if f.name == key:
                return f.value
        return None


# One pass of finditer over the whole file: blanks and comments (`//`, and `/* */`, which
# Prisma accepts too) are skipped inside the pattern, so only tokens reach Python, each as
# group 1. A token's kind follows from its first character (_KIND_OF); the catch-all `.`
# leaves a lone character that no kind accepts, reported as an error.
_TOKEN = re.compile(
    r"""
    (?:[ \t\r\f\v\ufeff]|//(?!/)[^\n]*|/\*[\s\S]*?\*/)*
    (
      \n
     |///[^\n]*
     |"(?:[^"\\\n]|\\.)*"
     |-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?
     |[A-Za-z_][A-Za-z0-9_]*
     |@@
     |[@{}()\[\],:=?.]
     |.
     |$
    )
    """,
    re.VERBOSE,
)
_KIND_OF = {"\n": "nl", '"': "str", "/": "doc", "-": "num", ".": "."}
_KIND_OF.update((c, "num") for c in "0123456789")
_KIND_OF.update((c, "ident") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_KIND_OF.update((c, c) for c in "@{}()[],:=?")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "0": "\0"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) == 5:
            return chr(int(e[1:], 16))
        return _ESCAPES.get(e, e)

    return _ESCAPE_RE.sub(one, body)


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens = self._tokenize()
        self.i = 0

    # -- positions and errors ------------------------------------------------

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return Position(self.file, line, offset - self.line_starts[line - 1] + 1)

    def error(self, offset: int, message: str) -> BadInput:
        pos = self.position(offset)
        start = self.line_starts[pos.line - 1]
        end = self.text.find("\n", start)
        source_line = self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")
        caret = " " * (pos.column - 1) + "^"
        return BadInput(f"{pos.file}:{pos.line}:{pos.column}: {message}\n  {source_line}\n  {caret}")

    # -- tokens --------------------------------------------------------------

    def _tokenize(self) -> list[tuple[str, str, int]]:
        tokens: list[tuple[str, str, int]] = []
        append = tokens.append
        kind_of = _KIND_OF.get
        for m in _TOKEN.finditer(self.text):
            text = m.group(1)
            if not text:
                continue  # blanks at the end of the file
            kind = kind_of(text[0])
            if kind is None or text == '"' or text == "-" or (kind == "doc" and not text.startswith("///")):
                self._bad(text, m.start(1))
            if kind == "@" and text == "@@":
                kind = "at2"
            elif kind == "." and len(text) > 1:
                kind = "num"  # .5
            append((kind, text, m.start(1)))  # type: ignore[arg-type]
        append(("eof", "", len(self.text)))
        return tokens

    def _bad(self, text: str, start: int) -> None:
        if text == '"':
            raise self.error(start, "unterminated string")
        if self.text.startswith("/*", start):
            raise self.error(start, "unterminated block comment")
        raise self.error(start, f"unexpected character {text[0]!r}")

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def next(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        if tok[0] != kind:
            found = "end of file" if tok[0] == "eof" else "end of line" if tok[0] == "nl" else repr(tok[1])
            raise self.error(tok[2], f"expected {what}, found {found}")
        self.i += 1
        return tok

    def skip_blank(self) -> str | None:
        """Skip newlines and doc comments; return the doc comment text just before the next token."""
        doc: list[str] = []
        while True:
            kind = self.tokens[self.i][0]
            if kind == "nl":
                self.i += 1
            elif kind == "doc":
                doc.append(self.tokens[self.i][1][3:].strip())
                self.i += 1
            else:
                return "\n".join(doc) if doc else None

    def skip_newlines(self) -> None:
        while self.tokens[self.i][0] in ("nl", "doc"):
            self.i += 1

    def end_of_line(self) -> None:
        kind, text, offset = self.tokens[self.i]
        if kind == "doc":  # a trailing /// comment
            self.i += 1
            kind, text, offset = self.tokens[self.i]
        if kind in ("nl", "eof"):
            if kind == "nl":
                self.i += 1
            return
        if kind == "}":
            return
        raise self.error(offset, f"unexpected {text!r}; expected the end of the line")

    # -- grammar -------------------------------------------------------------

    def parse(self) -> list[Block]:
        blocks: list[Block] = []
        while True:
            doc = self.skip_blank()
            kind, text, offset = self.peek()
            if kind == "eof":
                return blocks
            if kind != "ident" or text not in BLOCK_KINDS:
                raise self.error(offset, f"expected a block ({', '.join(BLOCK_KINDS)}), found {text!r}")
            self.next()
            name = self.expect("ident", f"a {text} name")[1]
            self.expect("{", "'{'")
            blocks.append(self.block(text, name, self.position(offset), doc))

    def block(self, kind: str, name: str, position: Position, doc: str | None) -> Block:
        fields: list[Field] = []
        attributes: list[Attribute] = []
        while True:
            field_doc = self.skip_blank()
            tok_kind, text, offset = self.peek()
            if tok_kind == "}":
                self.next()
                return Block(kind, name, tuple(fields), tuple(attributes), position, doc)
            if tok_kind == "eof":
                raise self.error(position_offset(self, position), f"{kind} {name!r} is not closed with '}}'")
            if tok_kind == "at2":
                self.next()
                attributes.append(self.attribute(offset))
                self.end_of_line()
                continue
            if tok_kind != "ident":
                raise self.error(offset, f"expected a field name, found {text!r}")
            if kind in ("datasource", "generator"):
                fields.append(self.setting(field_doc))
            elif kind == "enum":
                fields.append(self.enum_value(field_doc))
            else:
                fields.append(self.field(field_doc))

    def setting(self, doc: str | None) -> Field:
        _, key, offset = self.next()
        self.expect("=", "'='")
        value = self.value()
        self.end_of_line()
        return Field(key, "", value=value, doc=doc, position=self.position(offset))

    def enum_value(self, doc: str | None) -> Field:
        _, name, offset = self.next()
        attributes = self.field_attributes()
        self.end_of_line()
        return Field(name, "", attributes=attributes, doc=doc, position=self.position(offset))

    def field(self, doc: str | None) -> Field:
        _, name, offset = self.next()
        kind, type_name, type_offset = self.peek()
        if kind != "ident":
            raise self.error(type_offset, f"field {name!r} has no type")
        self.next()
        unsupported = None
        if type_name == "Unsupported" and self.peek()[0] == "(":
            self.next()
            unsupported = self._string(self.expect("str", 'a quoted type such as "tsvector"'))
            self.expect(")", "')'")
        is_list = optional = False
        if self.peek()[0] == "[":
            self.next()
            self.expect("]", "']'")
            is_list = True
        if self.peek()[0] == "?":
            self.next()
            optional = True
            if is_list:
                raise self.error(type_offset, f"field {name!r}: a list cannot be optional")
        attributes = self.field_attributes()
        self.end_of_line()
        return Field(name, type_name, optional, is_list, unsupported, attributes, doc=doc, position=self.position(offset))

    def field_attributes(self) -> tuple[Attribute, ...]:
        out: list[Attribute] = []
        while self.peek()[0] == "@":
            offset = self.next()[2]
            out.append(self.attribute(offset))
        return tuple(out)

    def attribute(self, offset: int) -> Attribute:
        name = self.expect("ident", "an attribute name")[1]
        while self.peek()[0] == ".":
            self.next()
            name += "." + self.expect("ident", "a name after '.'")[1]
        args: tuple[Argument, ...] = ()
        if self.peek()[0] == "(":
            args = self.arguments()
        return Attribute(name, args, self.position(offset))

    def arguments(self) -> tuple[Argument, ...]:
        self.expect("(", "'('")
        args: list[Argument] = []
        while True:
            self.skip_newlines()
            if self.peek()[0] == ")":
                self.next()
                return tuple(args)
            name = None
            if self.peek()[0] == "ident" and self.tokens[self.i + 1][0] == ":":
                name = self.next()[1]
                self.next()
                self.skip_newlines()
            args.append(Argument(name, self.value()))
            self.skip_newlines()
            kind, text, offset = self.peek()
            if kind == ",":
                self.next()
            elif kind != ")":
                raise self.error(offset, f"expected ',' or ')', found {text!r}" if kind not in ("nl", "eof") else "expected ')'")

    def value(self) -> Value:
        kind, text, offset = self.peek()
        if kind == "str":
            self.next()
            return self._string((kind, text, offset))
        if kind == "num":
            self.next()
            return Number(text)
        if kind == "[":
            self.next()
            items: list[Value] = []
            while True:
                self.skip_newlines()
                if self.peek()[0] == "]":
                    self.next()
                    return items
                items.append(self.value())
                self.skip_newlines()
                k, t, o = self.peek()
                if k == ",":
                    self.next()
                elif k != "]":
                    raise self.error(o, f"expected ',' or ']', found {t!r}")
        if kind == "ident":
            self.next()
            name = text
            while self.peek()[0] == "." and self.tokens[self.i + 1][0] == "ident":
                self.next()
                name += "." + self.next()[1]
            if self.peek()[0] == "(":
                return Call(name, self.arguments())
            return Ident(name)
        found = "end of line" if kind == "nl" else "end of file" if kind == "eof" else repr(text)
        raise self.error(offset, f"expected a value, found {found}")

    @staticmethod
    def _string(tok: tuple[str, str, int]) -> str:
        return _unescape(tok[1][1:-1])


def position_offset(parser: _Parser, position: Position) -> int:
    return parser.line_starts[position.line - 1] + position.column - 1


def parse(text: str, file: str) -> list[Block]:
    """The blocks of one .prisma file; BadInput on a syntax error."""
    return _Parser(text, file).parse()
