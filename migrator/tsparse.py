"""Shared tree-sitter plumbing for reading TypeScript and JavaScript without Node.js.

Two readers parse TS/JS: the Drizzle schema evaluator (migrator.inspect._drizzle_js) and
the access-layer scan analyzer (migrator.scan.analyzers.typescript). Both need the same
grammar choice, the same reading of string literals and the same way of pointing at the
first syntax error, so those live here once.
"""

from __future__ import annotations

from tree_sitter import Language, Node, Parser

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# JSX is only legal in the TSX grammar, and `<T>x` casts only in the plain TypeScript one.
JSX_SUFFIXES = (".tsx", ".jsx")

_PARSERS: dict[str, Parser] = {}


def parser_for(path: str) -> Parser:
    """The TSX grammar for .tsx/.jsx, the TypeScript one for everything else (one parser per process)."""
    kind = "tsx" if str(path).endswith(JSX_SUFFIXES) else "typescript"
    parser = _PARSERS.get(kind)
    if parser is None:
        import tree_sitter_typescript as ts_grammar

        language = ts_grammar.language_tsx() if kind == "tsx" else ts_grammar.language_typescript()
        parser = _PARSERS[kind] = Parser(Language(language))
    return parser


def language_for(path: str) -> Language:
    return parser_for(path).language


def node_text(source: bytes, node: Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def unescape(seq: str) -> str:
    """The character a JS escape sequence (`\\n`, `\\u{1F600}`, `\\x41`, a line continuation) stands for."""
    body = seq[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    try:
        if body.startswith("u{"):
            return chr(int(body[2:-1], 16))
        if body.startswith(("u", "x")) and len(body) > 1:
            return chr(int(body[1:], 16))
    except ValueError:
        return body
    if body.startswith(("\r\n", "\n")):
        return ""  # a line continuation
    return body


def string_value(source: bytes, node: Node) -> str:
    """The value of a `string` node (quotes removed, escapes applied)."""
    parts = []
    for child in node.named_children:
        text = node_text(source, child)
        parts.append(unescape(text) if child.type == "escape_sequence" else text)
    return "".join(parts)


def name_text(source: bytes, node: Node | None) -> str:
    """An import/export name: an identifier, or a string (`export { x as "a-b" }`)."""
    if node is None:
        return ""
    return string_value(source, node) if node.type == "string" else node_text(source, node)


def first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node under `node` (document order), or None."""
    if node.is_missing or node.type == "ERROR":
        # An ERROR node that wraps good code points at its first bad child when there is one.
        for child in node.children:
            if child.is_missing or child.type == "ERROR":
                return first_error(child)
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = first_error(child)
            if found is not None:
                return found
    return None


def char_column(source: bytes, node: Node) -> int:
    """1-based column of a node's start in characters (tree-sitter counts bytes)."""
    byte_col = node.start_point[1]
    line_start = node.start_byte - byte_col
    prefix = source[line_start : node.start_byte]
    return (len(prefix.decode("utf-8", errors="replace")) if not prefix.isascii() else byte_col) + 1
