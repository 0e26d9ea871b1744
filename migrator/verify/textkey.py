"""Expression keys without a server: two spellings of one SQL expression, one key.

PostgreSQL prints an expression back in its own spelling: `(type = 'x' AND id IS NOT
NULL) OR (b)` becomes `type = 'x'::text AND id IS NOT NULL OR b`, `status IN ('a', 'b')`
becomes `status = ANY (ARRAY['a'::text, 'b'::text])`. A model file keeps the user's
spelling. `expression_text_key` parses an expression with sqlglot (PostgreSQL dialect)
and keys its *tree*, so these spellings meet:

- casts on literals (`CAST('x' AS text)`; `::` casts were already stripped by the text key),
- parentheses (the tree holds precedence: `(a AND b) OR c` is `a AND b OR c`, but
  `(a OR b) AND c` stays apart from `a OR b AND c`),
- AND/OR chains of any nesting (both are associative),
- `x IN (a, b)` and `x = ANY (ARRAY[a, b])`, `x NOT IN (…)` and `x <> ALL (ARRAY[…])`,
- `<>` and `!=`, keyword and unquoted-identifier case, whitespace.

Conservative by construction: a key is equal only when the trees are; sqlglot maps some
functions of different names onto one node (`now()` and `CURRENT_TIMESTAMP`), so the key
also carries the function names as written. Text sqlglot cannot parse keeps its text key.

`plausibly_same` is the looser rule used only to say "equal? unknown" (never "equal"):
two expressions are plausibly the same when their texts agree once every cast (`::type`
and `CAST(… AS type)`), every parenthesis, all whitespace and the case outside string
literals are dropped, and quotes around numbers are ignored.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

# sqlglot logs what it cannot transpile; a key is not a transpilation.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_FUNCTION_NAME = re.compile(r"(?<![\w.\"])([A-Za-z_][A-Za-z0-9_$]*)\s*\(")
# Words followed by a parenthesis that are syntax, not function names.
_NOT_FUNCTIONS = frozenset({"any", "all", "array", "in", "and", "or", "not", "cast", "exists", "values", "is", "when",
                            "then", "else", "case", "between", "like", "ilike", "similar", "on", "as", "zone"})


@lru_cache(maxsize=65536)
def expression_text_key(text: str) -> Any:
    """The sqlglot tree key of an expression already put through the text key, or `text` itself
    when sqlglot cannot parse it (so that equal text keys always stay equal)."""
    tree = _parse(text)
    if tree is None:
        return text
    try:
        return ("sql", _key(tree), _function_names(text))
    except Exception:  # noqa: BLE001 - an unexpected node shape: fall back to the text
        return text


def _parse(text: str) -> Any:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except Exception:  # noqa: BLE001 - ParseError, TokenError and sqlglot's own assertion errors
        return None
    if tree is None or isinstance(tree, (exp.Command, exp.Query, exp.DDL)):
        return None
    return tree


def _function_names(text: str) -> tuple[str, ...]:
    names = [m.group(1).lower() for m in _FUNCTION_NAME.finditer(_blank_strings(text))]
    return tuple(sorted(n for n in names if n not in _NOT_FUNCTIONS))


def _blank_strings(text: str) -> str:
    """`text` with the contents of string literals and quoted identifiers blanked."""
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", text)


def _key(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, list):
        return tuple(_key(n) for n in node)
    if not isinstance(node, exp.Expression):
        return node if isinstance(node, (str, int, float, bool)) or node is None else str(node)
    if isinstance(node, exp.Paren):
        return _key(node.this)
    if isinstance(node, exp.Cast) and _is_constant(node.this):
        return _key(node.this)
    if isinstance(node, (exp.And, exp.Or)):
        return (type(node).__name__, tuple(_key(n) for n in _flatten(node, type(node))))
    if isinstance(node, exp.Identifier):
        return ("id", node.this if node.quoted else node.this.lower())
    if isinstance(node, exp.Literal):
        return ("str" if node.is_string else "num", node.this)
    if isinstance(node, exp.Anonymous):
        name = node.this if isinstance(node.this, str) else _key(node.this)
        return ("fn", name.lower() if isinstance(name, str) else name, tuple(_key(a) for a in node.expressions))
    if isinstance(node, exp.In) and node.expressions and not node.args.get("query"):
        return _in_key(node.this, node.expressions)
    if isinstance(node, exp.EQ):
        items = _array_items(node.expression, exp.Any)
        if items is not None:
            return _in_key(node.this, items)
    if isinstance(node, exp.NEQ):
        items = _array_items(node.expression, exp.All)
        if items is not None:
            return ("Not", (("this", _in_key(node.this, items)),))
    args = []
    for name in sorted(node.args):
        value = node.args[name]
        if value is None or value is False or value == []:
            continue
        args.append((name, _key(value)))
    return (type(node).__name__, tuple(args))


def _in_key(subject: Any, items: list[Any]) -> Any:
    return ("in", _key(subject), tuple(_key(i) for i in items))


def _array_items(node: Any, quantifier: type) -> list[Any] | None:
    """The items of `ANY (ARRAY[…])` / `ALL (ARRAY[…])`, else None."""
    from sqlglot import exp

    if isinstance(node, quantifier):
        inner = node.this
    elif isinstance(node, exp.Anonymous) and str(node.this).upper() == quantifier.__name__.upper() and len(node.expressions) == 1:
        inner = node.expressions[0]
    else:
        return None
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Array) and inner.expressions:
        return list(inner.expressions)
    return None


def _flatten(node: Any, kind: type) -> list[Any]:
    from sqlglot import exp

    out = []
    for side in (node.this, node.expression):
        while isinstance(side, exp.Paren):
            side = side.this
        if isinstance(side, kind):
            out.extend(_flatten(side, kind))
        else:
            out.append(side)
    return out


def _is_constant(node: Any) -> bool:
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, (exp.Literal, exp.Null, exp.Boolean))


# ---------------------------------------------------------------------------
# The looser rule: "plausibly the same" (see the module docstring).

_CAST_SUFFIX = re.compile(
    r"::\s*(?:\"[^\"]+\"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:\"[^\"]+\"|[A-Za-z_][\w$]*))?"
    r"(?:\s+(?:varying|precision|with(?:out)?\s+time\s+zone))*(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\s*\d*\s*\])*",
    re.IGNORECASE,
)
_CAST_CALL = re.compile(r"\bCAST\s*\(", re.IGNORECASE)
_QUOTED_NUMBER = re.compile(r"'([-+]?\d+(?:\.\d+)?)'")


def loose_text(text: str) -> str:
    """`text` without casts, parentheses, whitespace and case outside string literals."""
    out = _strip_cast_calls(text)
    parts = re.split(r"('(?:[^']|'')*')", out)
    pieces = []
    for i, part in enumerate(parts):
        if i % 2:  # a string literal, kept as written
            pieces.append(part)
            continue
        part = _CAST_SUFFIX.sub("", part)
        part = re.sub(r"[()\s]+", "", part).lower().replace('"', "")
        pieces.append(part)
    # '5' and 5: a number a cast made a string literal, or the other way round.
    return _QUOTED_NUMBER.sub(r"\1", "".join(pieces))


def _strip_cast_calls(text: str) -> str:
    """`CAST(x AS type)` -> `x`, innermost first, outside string literals."""
    for _ in range(50):
        masked = _blank_strings_keep_length(text)
        m = _CAST_CALL.search(masked)
        if not m:
            return text
        depth, i, as_at = 1, m.end(), -1
        while i < len(masked) and depth:
            ch = masked[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif depth == 1 and as_at < 0 and masked[i : i + 4].upper() == " AS ":
                as_at = i
            i += 1
        if depth or as_at < 0:
            return text
        text = text[: m.start()] + "(" + text[m.end() : as_at] + ")" + text[i:]
    return text


def _blank_strings_keep_length(text: str) -> str:
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", lambda m: "'" + "x" * (len(m.group()) - 2) + "'", text)


def plausibly_same(a: str | None, b: str | None) -> bool:
    """True when `a` and `b` may be one expression spelled two ways (see the module docstring)."""
    if a is None or b is None:
        return False
    return loose_text(a) == loose_text(b)
