from __future__ import annotations

from typing import Optional

from migrator.rewrite.typescript.convert import (
    Context, Entry, PrismaRule, entries, field_key, is_undefined, js_string, short, string_value)
from migrator.rewrite.typescript.mapping import ModelMap

_COMPARE = {"lt": "lt", "lte": "lte", "gt": "gt", "gte": "gte"}
_LIKE = {"contains": ("%", "%"), "startsWith": ("", "%"), "endsWith": ("%", "")}
_WILDCARDS = ("%", "_", "\\")


class Where(PrismaRule):
    """`where: { … }` literal → `where: (t, { eq, … }) => …`: equality, `equals`, `in`/`notIn` (inArray/notInArray), `not` (ne, isNotNull, not(…)), `lt/lte/gt/gte`, `contains/startsWith/endsWith` with a string literal → like (ilike with `mode: "insensitive"`), `AND/OR/NOT`, `null` → isNull, a compound unique key (`email_tenantId: { … }`) → and(eq, eq).

    Refused (the call stays, with this code): a `where` held in a variable, spreads, computed keys,
    an `undefined` value (Prisma drops that condition; Drizzle would not), relation filters
    (`some/every/none/is/isNot`, or a relation field), other filter operators (`search`, `has`, …),
    a `contains` value that is not a string literal or holds `%`, `_` or `\\` (LIKE wildcards),
    empty `AND/OR/NOT` arrays, and fields the Drizzle table lacks.
    """

    code = "PD004"

    @classmethod
    def callback(cls, ctx: Context, model: ModelMap, node) -> Optional[str]:
        """The Drizzle `where` callback for Prisma's where `node`; None for an empty `{}`."""
        ops: set[str] = set()
        param = ctx.param_name()
        body = cls._object(ctx, model, node, param, ops, "where")
        if body is None:
            return None
        return ctx.callback(ops, body)

    @classmethod
    def _object(cls, ctx: Context, model: ModelMap, node, p: str, ops: set[str], where: str) -> Optional[str]:
        if is_undefined(node):
            raise cls.refuse(f"`{where}: undefined`: Prisma ignores it; say what is meant")
        parts: list[str] = []
        for e in entries(node, where, cls.code):
            parts.extend(cls._entry(ctx, model, e, p, ops, where))
        return cls._join("and", parts, ops)

    @staticmethod
    def _join(op: str, parts: list[str], ops: set[str]) -> Optional[str]:
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        ops.add(op)
        return f"{op}({', '.join(parts)})"

    @classmethod
    def _entry(cls, ctx: Context, model: ModelMap, e: Entry, p: str, ops: set[str], where: str) -> list[str]:
        if not e.shorthand and is_undefined(e.value):
            raise cls.refuse(f"`{e.key}: undefined` in `{where}`: Prisma drops a condition whose value is undefined, "
                             f"Drizzle would not; remove it or say what is meant")
        if e.key in ("AND", "OR", "NOT"):
            return [cls._logical(ctx, model, e, p, ops, where)]
        if e.key in model.relations:
            raise cls.refuse(f"relation filter on `{model.prisma}.{e.key}` in `{where}`: Drizzle's relational "
                             f"`where` cannot filter by a relation (write an `exists(…)` subquery by hand)")
        if e.key in model.fields:
            return cls._field(model, e, f"{p}.{field_key(model, e.key, cls.code)}", ops, where)
        compound = cls._compound(ctx, model, e, p, ops, where)
        if compound is not None:
            return compound
        raise cls.refuse(f"`{e.key}` in `{where}` is not a field of {model.prisma}")

    @classmethod
    def _compound(cls, ctx, model, e: Entry, p, ops, where) -> Optional[list[str]]:
        """`email_tenantId: { email, tenantId }`: a compound unique key, one eq per field."""
        if e.shorthand or e.kind != "object":
            return None
        inner = entries(e.value, f"{where}.{e.key}", cls.code)
        keys = [x.key for x in inner]
        if not inner or "_".join(keys) != e.key and sorted(e.key.split("_")) != sorted(keys):
            return None
        if not all(k in model.fields for k in keys):
            return None
        out = []
        for x in inner:
            if not x.shorthand and (is_undefined(x.value) or x.kind in ("null", "object")):
                raise cls.refuse(f"`{e.key}.{x.key}` must be a value for a compound unique key")
            ops.add("eq")
            out.append(f"eq({p}.{field_key(model, x.key, cls.code)}, {x.text})")
        return out

    @classmethod
    def _logical(cls, ctx, model, e: Entry, p, ops, where) -> str:
        label = f"{where}.{e.key}"
        if e.shorthand:
            raise cls.refuse(f"`{label}` is held in a variable: what it holds is known only at run time")
        if e.kind == "array":
            items = [c for c in e.value.children() if c.kind() not in ("[", "]", ",", "comment")]
            if not items:
                raise cls.refuse(f"`{label}: []`: Prisma reads an empty {e.key} in its own way (OR: [] matches no "
                                 f"row), Drizzle's and()/or() with nothing match every row; write it by hand")
            parts = []
            for i, item in enumerate(items):
                if item.kind() == "spread_element":
                    raise cls.refuse(f"`{label}` spreads `{short(item.text())}`: its conditions are known only at run time")
                part = cls._object(ctx, model, item, p, ops, f"{label}[{i}]")
                if part is None:
                    raise cls.refuse(f"`{label}[{i}]` is an empty object; write the condition by hand")
                parts.append(part)
        else:
            part = cls._object(ctx, model, e.value, p, ops, label)
            if part is None:
                raise cls.refuse(f"`{label}: {{}}` is empty; write the condition by hand")
            parts = [part]
        if e.key == "AND":
            return cls._join("and", parts, ops) or ""
        if e.key == "OR":
            return cls._join("or", parts, ops) or ""
        ops.add("not")
        negated = [f"not({part})" for part in parts]  # Prisma's NOT: [a, b] is NOT a AND NOT b
        return cls._join("and", negated, ops) or ""

    @classmethod
    def _field(cls, model: ModelMap, e: Entry, col: str, ops: set[str], where: str) -> list[str]:
        label = f"{where}.{e.key}"
        if e.shorthand:
            ops.add("eq")
            return [f"eq({col}, {e.key})"]
        if e.kind == "null":
            ops.add("isNull")
            return [f"isNull({col})"]
        if e.kind != "object":
            ops.add("eq")
            return [f"eq({col}, {e.text})"]
        return cls._filter(model, e.value, col, ops, label)

    @classmethod
    def _filter(cls, model: ModelMap, node, col: str, ops: set[str], label: str) -> list[str]:
        items = entries(node, label, cls.code)
        mode = None
        for x in items:
            if x.key == "mode":
                mode = string_value(x.value) if not x.shorthand else None
                if mode not in ("insensitive", "default"):
                    raise cls.refuse(f"`{label}.mode` must be the literal \"insensitive\" or \"default\"")
        parts: list[str] = []
        for x in items:
            if x.key == "mode":
                continue
            value = x.key if x.shorthand else x.text
            if not x.shorthand and is_undefined(x.value):
                raise cls.refuse(f"`{label}.{x.key}: undefined`: Prisma drops a condition whose value is undefined, "
                                 f"Drizzle would not; remove it or say what is meant")
            is_null = not x.shorthand and x.kind == "null"
            if x.key == "equals":
                if mode == "insensitive":
                    raise cls.refuse(f"`{label}`: `equals` with `mode: \"insensitive\"` has no exact Drizzle operator "
                                     f"(ilike would read `%` and `_` as wildcards)")
                op = "isNull" if is_null else "eq"
                ops.add(op)
                parts.append(f"isNull({col})" if is_null else f"eq({col}, {value})")
            elif x.key in ("in", "notIn"):
                if is_null:
                    raise cls.refuse(f"`{label}.{x.key}: null` is not a list")
                op = "inArray" if x.key == "in" else "notInArray"
                ops.add(op)
                parts.append(f"{op}({col}, {value})")
            elif x.key == "not":
                if is_null:
                    ops.add("isNotNull")
                    parts.append(f"isNotNull({col})")
                elif not x.shorthand and x.kind == "object":
                    ops.add("not")
                    inner = cls._filter(model, x.value, col, ops, f"{label}.not")
                    parts.append(f"not({cls._join('and', inner, ops)})")
                else:
                    ops.add("ne")
                    parts.append(f"ne({col}, {value})")
            elif x.key in _COMPARE:
                if is_null:
                    raise cls.refuse(f"`{label}.{x.key}: null` compares with NULL")
                ops.add(_COMPARE[x.key])
                parts.append(f"{_COMPARE[x.key]}({col}, {value})")
            elif x.key in _LIKE:
                text = None if x.shorthand else string_value(x.value)
                if text is None:
                    raise cls.refuse(f"`{label}.{x.key}` is not a string literal: Prisma matches it literally, a LIKE "
                                     f"pattern built from it would read `%` and `_` in it as wildcards")
                if any(w in text for w in _WILDCARDS):
                    raise cls.refuse(f"`{label}.{x.key}` holds a LIKE wildcard (`%`, `_` or `\\`), which Prisma matches "
                                     f"literally")
                op = "ilike" if mode == "insensitive" else "like"
                ops.add(op)
                before, after = _LIKE[x.key]
                parts.append(f"{op}({col}, {js_string(before + text + after)})")
            elif x.key in ("some", "every", "none", "is", "isNot"):
                raise cls.refuse(f"relation filter `{x.key}` in `{label}`: Drizzle's relational `where` cannot filter "
                                 f"by a relation")
            else:
                raise cls.refuse(f"filter `{x.key}` in `{label}` has no Drizzle operator this rewrite knows")
        if not parts:
            raise cls.refuse(f"`{label}` has no condition")
        return parts
