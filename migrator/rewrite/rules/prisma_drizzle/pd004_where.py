from __future__ import annotations

from typing import Optional

from migrator.rewrite.typescript.convert import (
    Context, Entry, PrismaRule, entries, field_key, is_undefined, js_string, short, string_value)
from migrator.rewrite.typescript.definedness import NEITHER, maybe
from migrator.rewrite.typescript.mapping import ModelMap

_COMPARE = {"lt": "lt", "lte": "lte", "gt": "gt", "gte": "gte"}
_LIKE = {"contains": ("%", "%"), "startsWith": ("", "%"), "endsWith": ("%", "")}
_WILDCARDS = ("%", "_", "\\")
# findUnique and the writes on one row: their where must give a unique key (Prisma throws otherwise).
UNIQUE_OPERATIONS = ("findUnique", "findUniqueOrThrow", "update", "delete", "upsert")
# The prisma-compat guards a condition on a value that may be undefined or null is written with.
_GUARDS = ("equals(", "notEquals(", "whenDefined(")


class Where(PrismaRule):
    """`where: { … }` literal → `where: (t, { eq, … }) => …`: equality, `equals`, `in`/`notIn` (inArray/notInArray), `not` (ne, isNotNull, not(…)), `lt/lte/gt/gte`, `contains/startsWith/endsWith` with a string literal → like (ilike with `mode: "insensitive"`), `AND/OR/NOT`, `null` → isNull, a compound unique key (`email_tenantId: { … }`) → and(eq, eq).

    Refused (the call stays, with this code): a `where` held in a variable, spreads, computed keys,
    an `undefined` value (Prisma drops that condition; Drizzle would not), `some/every/none/is/isNot`
    on a field that is not a relation (a relation field's filter is PD018's), other filter operators (`search`, `has`, …),
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
        found = entries(node, where, cls.code)
        if where == "where" and ctx.operation in UNIQUE_OPERATIONS:
            ctx.key_fields = cls._key_fields(model, found)
        for e in found:
            parts.extend(cls._entry(ctx, model, e, p, ops, where))
        return cls._join("and", parts, ops)

    @classmethod
    def _key_fields(cls, model: ModelMap, found: list[Entry]) -> frozenset[str]:
        """The fields of the one unique key a unique operation's where gives by equality (Prisma
        throws when its values are undefined or null); several keys given, when a value of one of
        them may be either: refused (Prisma would use whichever is there)."""
        equal: set[str] = set()
        for e in found:
            if e.key in model.fields and (e.shorthand or e.kind not in ("object", "null")):
                equal.add(e.key)
            elif not e.shorthand and e.kind == "object" and e.key not in model.fields and e.key not in model.relations:
                keys = [x.key for x in entries(e.value, f"where.{e.key}", cls.code)]
                if "_".join(keys) == e.key or sorted(e.key.split("_")) == sorted(keys):
                    equal |= set(keys)
        keys = [set(u) for u in model.uniques if set(u) <= equal]
        values = {}
        for e in found:
            if e.key in model.fields:
                values[e.key] = e.value
            elif not e.shorthand and e.kind == "object" and e.key not in model.relations:
                values.update({x.key: x.value for x in entries(e.value, f"where.{e.key}", cls.code)})
        if not keys:
            return frozenset()
        given = {f for f in values if maybe(values[f]) == NEITHER}
        if any(key <= given for key in keys):
            return frozenset()  # a key always given: the others' values may be guarded (left out when undefined)
        # The fields every key holds keep a plain eq (undefined: no row, where Prisma throws); the others
        # are guarded — exact when a key is made of those fields and always-given ones.
        shared = set.intersection(*keys)
        if any(key <= shared | given for key in keys):
            return frozenset(shared)
        raise cls.refuse(f"the where gives {len(keys)} unique keys whose values may be undefined or null at run "
                         f"time: Prisma uses the keys that are there; write the condition by hand")

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
            from migrator.rewrite.rules.prisma_drizzle.pd018_relation_filter import RelationFilter

            return RelationFilter.convert(ctx, model, e, p, ops, where)  # exists(…) subqueries
        if e.key in model.fields:
            return cls._field(ctx, model, e, f"{p}.{field_key(model, e.key, cls.code)}", ops, where)
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
            col = f"{p}.{field_key(model, x.key, cls.code)}"
            if maybe(x.value) == NEITHER:
                ops.add("eq")
                out.append(f"eq({col}, {x.text})")
            else:  # a unique key's value that may be undefined or null: no row, as in _compare
                ctx.needs.compat.add("keyEquals")
                out.append(f"keyEquals({col}, {x.text})")
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
            if any(guard in part for part in parts for guard in _GUARDS):
                # An element whose values are all undefined at run time: Prisma leaves it out of the OR,
                # as or() does; but when every element is left out, Prisma's OR matches no row (as
                # `OR: []`) where or() gives no condition at all. anyOf() is or() that knows it.
                ctx.needs.compat.add("anyOf")
                return f"anyOf({', '.join(parts)})"
            return cls._join("or", parts, ops) or ""
        if any(guard in part for part in parts for guard in _GUARDS):
            raise cls.refuse(f"`{label}` holds a value that may be undefined at run time: Prisma drops it inside the "
                             f"NOT, not(…) cannot; write the condition by hand")
        ops.add("not")
        negated = [f"not({part})" for part in parts]  # Prisma's NOT: [a, b] is NOT a AND NOT b
        return cls._join("and", negated, ops) or ""

    @classmethod
    def _field(cls, ctx: Context, model: ModelMap, e: Entry, col: str, ops: set[str], where: str) -> list[str]:
        label = f"{where}.{e.key}"
        if e.key in model.json:
            # Prisma's Json filters (equals, not, path, string_contains, array_contains, …, Prisma.DbNull /
            # JsonNull / AnyNull) compare JSON values by rules of their own: not proven equal to a Drizzle
            # condition on the column (eq() compares the JSON text on SQLite, jsonb on PostgreSQL).
            raise cls.refuse(f"`{label}` filters the Json field {model.prisma}.{e.key}: Prisma's Json filters are "
                             f"not converted (not proven equal to a Drizzle condition); write it by hand")
        if not e.shorthand and e.kind == "null":
            ops.add("isNull")
            return [f"isNull({col})"]
        if e.shorthand or e.kind != "object":
            return [cls._compare(ctx, "eq", col, e.value, e.key if e.shorthand else e.text, ops, e.key,
                                 f"{model.prisma}.{ctx.operation}: {label}")]
        return cls._filter(ctx, model, e.value, col, ops, label, e.key)

    @classmethod
    def _compare(cls, ctx: Context, op: str, col: str, node, value: str, ops: set[str], field: str,
                 label: str) -> str:
        """`op(col, value)` as Prisma reads `value`: a value that may be undefined drops the condition
        (Prisma ignores it; `eq(col, undefined)` would match nothing), a null one is `IS NULL` for
        equality (`eq(col, null)` would match nothing): prisma-compat's `equals`/`notEquals`/`whenDefined`
        say so at run time, unless the value cannot be either (definedness.maybe)."""
        undefined, null = maybe(node)
        if not (undefined or null):
            ops.add(op)
            return f"{op}({col}, {value})"
        if field in ctx.key_fields and op == "eq":
            # The unique key of findUnique/update/delete/upsert: Prisma throws a validation error when its
            # value is undefined or null; keyEquals() then matches no row (null, or P2025 for a write). A
            # guard would drop the condition and reach another row; a throw here would be synchronous,
            # where Prisma's is a rejected promise (`.catch()` on the call would miss it). It takes the
            # value's type as Prisma's where did (`string | undefined`), which eq() does not.
            ctx.needs.compat.add("keyEquals")
            return f"keyEquals({col}, {value})"
        if op in ("eq", "ne"):
            helper = "equals" if op == "eq" else "notEquals"
            ctx.needs.compat.add(helper)
            return f"{helper}({col}, {value})"
        ops.add(op)
        ctx.needs.compat.add("whenDefined")
        return f"whenDefined({value}, (v) => {op}({col}, v))"

    @classmethod
    def _filter(cls, ctx: Context, model: ModelMap, node, col: str, ops: set[str], label: str,
                field: str = "") -> list[str]:
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
                if is_null:
                    ops.add("isNull")
                    parts.append(f"isNull({col})")
                else:
                    parts.append(cls._compare(ctx, "eq", col, x.value, value, ops, field,
                                              f"{model.prisma}.{ctx.operation}: {label}.equals"))
            elif x.key in ("in", "notIn"):
                if is_null:
                    raise cls.refuse(f"`{label}.{x.key}: null` is not a list")
                op = "inArray" if x.key == "in" else "notInArray"
                parts.append(cls._compare(ctx, op, col, x.value, value, ops, "", f"{label}.{x.key}"))
            elif x.key == "not":
                if is_null:
                    ops.add("isNotNull")
                    parts.append(f"isNotNull({col})")
                elif not x.shorthand and x.kind == "object":
                    ops.add("not")
                    inner = cls._filter(ctx, model, x.value, col, ops, f"{label}.not")
                    if any(guard in part for part in inner for guard in _GUARDS):
                        raise cls.refuse(f"`{label}.not` holds a value that may be undefined at run time: Prisma "
                                         f"drops it inside the NOT, write the condition by hand")
                    parts.append(f"not({cls._join('and', inner, ops)})")
                else:
                    parts.append(cls._compare(ctx, "ne", col, x.value, value, ops, "", f"{label}.not"))
            elif x.key in _COMPARE:
                if is_null:
                    raise cls.refuse(f"`{label}.{x.key}: null` compares with NULL")
                parts.append(cls._compare(ctx, _COMPARE[x.key], col, x.value, value, ops, "", f"{label}.{x.key}"))
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
