"""drizzle-orm's filter operators (`eq`, `isNull`, `and`, `inArray`, …) as the SQL they build.

A Drizzle index is often partial through a filter rather than a sql`` template:
`uniqueIndex("x").on(t.name).where(isNull(t.deletedAt))`. drizzle-orm builds the same
kind of SQL object from either, so the reader turns each operator call into the SqlTemplate
it stands for and renders it like any template. The spellings follow drizzle-orm's
sql/expressions/conditions.ts (`and` and `or` parenthesize their operands' list, empty
`inArray` is `false`); the diff then compares the result as PostgreSQL prints it.

The table is data: one row per operator, (SQL before the first operand, between operands,
after the last). Operators that take a subquery (`exists`) or an array parameter
(`arrayContains`) are not rows: a call to them is Opaque, and the reader says so.
"""

from __future__ import annotations

from typing import Any

# name -> (prefix, infix, suffix) around exactly two operands
_BINARY = {
    "eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
    "like": "like", "notLike": "not like", "ilike": "ilike", "notIlike": "not ilike",
}
# name -> SQL after the one operand
_POSTFIX = {"isNull": "is null", "isNotNull": "is not null"}
_JOIN = {"and": "and", "or": "or"}
_IN = {"inArray": "in", "notInArray": "not in"}
_BETWEEN = {"between": "between", "notBetween": "not between"}

NAMES = frozenset(_BINARY) | frozenset(_POSTFIX) | frozenset(_JOIN) | frozenset(_IN) | frozenset(_BETWEEN) | {"not"}


def build(name: str, args: tuple[Any, ...], loc: Any, template: type, opaque: type) -> Any:
    """The SqlTemplate (`template`) a call to operator `name` builds, or an `opaque` saying why not."""

    def sql(strings: list[str], values: list[Any]) -> Any:
        return template(tuple(strings), tuple(values), loc)

    if name in _BINARY and len(args) == 2:
        return sql(["", f" {_BINARY[name]} ", ""], list(args))
    if name in _POSTFIX and len(args) == 1:
        return sql(["", f" {_POSTFIX[name]}"], list(args))
    if name == "not" and len(args) == 1:
        return sql(["not ", ""], list(args))
    if name in _JOIN:
        operands = [a for a in args if a is not None]  # drizzle-orm drops undefined conditions
        if not operands:
            return opaque(f"{name}() of no condition adds nothing", loc)
        if len(operands) == 1:
            return operands[0]
        strings = ["("] + [f" {_JOIN[name]} "] * (len(operands) - 1) + [")"]
        return sql(strings, operands)
    if name in _IN and len(args) == 2 and isinstance(args[1], list):
        values = args[1]
        if not values:
            return sql(["false" if name == "inArray" else "true"], [])
        strings = ["", f" {_IN[name]} ("] + [", "] * (len(values) - 1) + [")"]
        return sql(strings, [args[0], *values])
    if name in _BETWEEN and len(args) == 3:
        return sql(["", f" {_BETWEEN[name]} ", " and ", ""], list(args))
    return opaque(f"{name}() with these arguments is not evaluated", loc)
